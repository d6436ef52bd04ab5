// status memmap and status sensors: per-process memory and the hardware sensors, read live
// from /proc and /sys as the user lunash runs as (it holds no privilege).
#include "commands/groups.h"
#include "commands/proc_list.h"

#include "shell.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lunash {

namespace {

namespace fs = std::filesystem;

// pmap -d's summary line per process ("mapped: writeable/private: shared:"), which the
// reference's columns are, from /proc/<pid>/status: that file is readable for every process,
// where /proc/<pid>/maps (what pmap reads) is not for other users' processes. Mapped is
// VmSize, writeable/private the private data and stack (VmData + VmStk), shared the shared
// memory resident (RssShmem). A kernel thread has none of these lines: 0 0 0.
struct MemMap {
    long mapped = 0, writablePrivate = 0, shared = 0;
};

MemMap memMapOf(const fs::path& proc) {
    MemMap m;
    std::ifstream in(proc / "status");
    std::string key;
    long kb = 0;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        if (!(words >> key >> kb)) continue;
        if (key == "VmSize:") m.mapped = kb;
        else if (key == "VmData:" || key == "VmStk:") m.writablePrivate += kb;
        else if (key == "RssShmem:") m.shared = kb;
    }
    return m;
}

} // namespace

void statusMemmap(Context& ctx, const Args&) {
    const auto procs = processes();
    ctx.out.line("     PID " + padRight("CMD", 55) + padLeft("MAPPED(K)", 9) + padLeft("WR/PR(K)", 11) +
                 padLeft("SHARED(K)", 10));
    for (const auto& [pid, path] : procs) {
        std::error_code gone;
        if (!fs::exists(path / "status", gone)) continue;   // ended while we looked
        const auto m = memMapOf(path);
        // The same widths as the header, but a number wider than its column (a process mapping
        // terabytes, as any ASan-built one does) still stands apart from its neighbours.
        auto column = [](long v, std::size_t width) { return " " + padLeft(std::to_string(v), width - 1); };
        ctx.out.line(padLeft(std::to_string(pid), 8) + " " + padRight(processCommand(path), 55) +
                     column(m.mapped, 9) + column(m.writablePrivate, 11) + column(m.shared, 10));
    }
}

namespace {

struct SensorRow {
    std::string name, reading, unit;
};

// hwmon inputs: temp*_input (millidegrees), fan*_input (RPM), in*_input (millivolts), with
// their *_label when the driver gives one.
std::vector<SensorRow> hwmonRows() {
    std::vector<SensorRow> rows;
    std::error_code ec;
    std::vector<fs::path> chips;
    for (const auto& e : fs::directory_iterator("/sys/class/hwmon", ec)) chips.push_back(e.path());
    std::sort(chips.begin(), chips.end());
    for (const auto& chip : chips) {
        std::vector<fs::path> inputs;
        std::error_code ec2;
        for (const auto& e : fs::directory_iterator(chip, ec2)) {
            const auto n = e.path().filename().string();
            if (n.size() > 6 && n.ends_with("_input")) inputs.push_back(e.path());
        }
        std::sort(inputs.begin(), inputs.end());
        for (const auto& in : inputs) {
            const auto n = in.filename().string();
            const auto stem = n.substr(0, n.size() - 6);
            std::string label = readFirstLine(chip / (stem + "_label"));
            if (label.empty()) label = readFirstLine(chip / "name") + " " + stem;
            const std::string raw = readFirstLine(in);
            if (raw.empty()) continue;
            char buf[32];
            const double v = std::strtod(raw.c_str(), nullptr);
            if (stem.starts_with("temp")) {
                std::snprintf(buf, sizeof buf, "%.3f", v / 1000);
                rows.push_back({label, buf, "degrees C"});
            } else if (stem.starts_with("fan")) {
                std::snprintf(buf, sizeof buf, "%.3f", v);
                rows.push_back({label, buf, "RPM"});
            } else if (stem.starts_with("in")) {
                std::snprintf(buf, sizeof buf, "%.3f", v / 1000);
                rows.push_back({label, buf, "Volts"});
            }
        }
    }
    return rows;
}

// Thermal zones (what a virtual machine usually has, if anything).
std::vector<SensorRow> thermalRows() {
    std::vector<SensorRow> rows;
    std::error_code ec;
    std::vector<fs::path> zones;
    for (const auto& e : fs::directory_iterator("/sys/class/thermal", ec))
        if (e.path().filename().string().starts_with("thermal_zone")) zones.push_back(e.path());
    std::sort(zones.begin(), zones.end());
    for (const auto& z : zones) {
        const std::string raw = readFirstLine(z / "temp");
        if (raw.empty()) continue;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", std::strtod(raw.c_str(), nullptr) / 1000);
        rows.push_back({readFirstLine(z / "type"), buf, "degrees C"});
    }
    return rows;
}

} // namespace

// The reference's table (Sensor | Reading | Unit | status | Thresholds) from the sensors the
// kernel exposes. A software appliance has no baseboard management controller, so no fan,
// power-supply or chassis status and no sensor event log: it says so instead of inventing
// readings.
void statusSensors(Context& ctx, const Args& args) {
    auto& out = ctx.out;
    if (args.has("log")) {
        out.line("No sensor event log: this appliance has no baseboard management controller (software appliance).");
        return;
    }
    out.line("This command displays the fan speed, temperature and voltage of the motherboard and power supply");
    out.line("units.");
    out.line();
    auto rows = hwmonRows();
    if (rows.empty()) rows = thermalRows();
    out.line("Sensor           | Reading    | Unit       |status | Thresholds");
    out.line(std::string(92, '-'));
    for (const auto& r : rows)
        out.line(padRight(r.name.substr(0, 15), 15) + ". | " + padRight(r.reading, 10) + " | " + padRight(r.unit, 10) +
                 " | ok    | na         | na         | na       | na");
    out.line();
    out.line("Notes:");
    if (rows.empty()) out.line("  No sensors are readable on this machine (host or virtual hardware).");
    out.line("  Software appliance: no baseboard management controller, so no fan, power supply or");
    out.line("  chassis status, and no thresholds (na).");
}

} // namespace lunash

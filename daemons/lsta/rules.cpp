#include "rules.h"

#include <array>
#include <regex>

namespace luna::lsta {
namespace {

bool has(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

template <std::size_t N>
bool hasAny(std::string_view text, const std::array<std::string_view, N>& words) {
    for (auto w : words)
        if (has(text, w)) return true;
    return false;
}

// ipmievd threshold records carry "(Reading X < Threshold Y)" (or >): the event is asserted
// when the comparison holds (the guide counts equal as asserted); no reading: asserted.
bool readingAsserted(const std::string& text) {
    static const std::regex reading(R"(Reading ([-0-9.]+) *(<|>|\.lt|\.gt) *Threshold ([-0-9.]+))");
    std::smatch m;
    if (!std::regex_search(text, m, reading)) return true;
    const double x = std::stod(m[1].str()), y = std::stod(m[3].str());
    const bool below = m[2] == "<" || m[2] == ".lt";
    return below ? x <= y : x >= y;
}

const std::array<std::string_view, 6> kFans{"Fan1A", "Fan1B", "Fan2A", "Fan2B", "Fan3A", "Fan3B"};
const std::array<std::string_view, 9> kPsus{"PSU1_Status", "PSU1_+12V_value", "PSU1 Temp_value", "PSU1 FAN_value",
                                            "PSU2_Status", "PSU2_+12V_value", "PSU2 Temp_value", "PSU2 FAN_value",
                                            "Power Supply"};
const std::array<std::string_view, 17> kBoard{"CPU", "VRD", "PCH", "Inlet", "CHA DIMM 0", "CHA DIMM 1", "CHA DIMM 2",
                                              "CHB DIMM 0", "CHB DIMM 1", "CHB DIMM 2", "RAM TMax", "CPU_VCORE", "VBAT",
                                              "3VSB", "3VMain", "+5V", "+12V"};

std::optional<Match> ipmi(const std::string& text) {
    if (hasAny(text, kFans) &&
        (has(text, "Lower Critical going low") || has(text, "Lower Non-recoverable going low")))
        return Match{Trap::Fan, readingAsserted(text)};
    if (hasAny(text, kPsus)) {
        if (has(text, "Failure detected") || has(text, "Presence detected"))
            return Match{Trap::PowerSupply, !has(text, "Deasserted")};
        if (has(text, "Transition to Power Off")) return Match{Trap::PowerSupply, true};
        if (has(text, "Lower Non-recoverable going low") || has(text, "Upper Non-recoverable going high"))
            return Match{Trap::PowerSupply, readingAsserted(text)};
    }
    if (hasAny(text, kBoard) && (has(text, "Lower Critical going low") || has(text, "Upper Critical going high") ||
                                 has(text, "Upper Non-recoverable going high")))
        return Match{Trap::Motherboard, readingAsserted(text)};
    return std::nullopt;
}

} // namespace

std::string_view trapName(Trap t) {
    switch (t) {
    case Trap::Fan: return "fanAttentionNotify";
    case Trap::PowerSupply: return "powerSupplyAttentionNotify";
    case Trap::Motherboard: return "motherboardAttentionNotify";
    case Trap::DiskDrive: return "diskDriveAttentionNotify";
    case Trap::Ntls: return "ntlsAttentionNotify";
    case Trap::Crypto: return "cryptoAttentionNotify";
    }
    return "unknown";
}

std::string trapOid(Trap t) { return ".1.3.6.1.4.1.23629.1.5.2.2." + std::to_string(static_cast<int>(t)); }

std::optional<Match> classify(const Record& r) {
    if (r.process == "ipmievd") return ipmi(r.message);
    if (r.process == "smartd" && r.severity == 2) return Match{Trap::DiskDrive, true};
    if (r.process == "NTLS" && (r.severity == 2 || r.severity == 3)) return Match{Trap::Ntls, true};
    if (r.process == "kernel" && has(r.message, "ALM")) return Match{Trap::Crypto, true};
    return std::nullopt;
}

} // namespace luna::lsta

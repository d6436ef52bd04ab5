#include "sysconf/log_rotation.h"

#include "sysconf/atomic_file.h"

#include "luna/errors.h"

#include <sstream>

namespace luna::sysconf {
namespace {
constexpr std::string_view kMagic = "# luna-logrotate";
}

std::string_view periodName(RotationPeriod p) {
    switch (p) {
    case RotationPeriod::Daily: return "daily";
    case RotationPeriod::Weekly: return "weekly";
    case RotationPeriod::Monthly: return "monthly";
    }
    return "weekly";
}

RotationPeriod parsePeriod(std::string_view name) {
    for (auto p : {RotationPeriod::Daily, RotationPeriod::Weekly, RotationPeriod::Monthly})
        if (periodName(p) == name) return p;
    throw Error(rc::CONFIG_VALUE_INVALID,
                "'" + std::string(name.substr(0, 40)) + "' is not a log period (daily, weekly, monthly)");
}

int RotationSettings::checkRotations(long long n) {
    if (n < kMinRotations || n > kMaxRotations)
        throw Error(rc::CONFIG_VALUE_INVALID, "The number of rotations must be between " + std::to_string(kMinRotations) +
                                                  " and " + std::to_string(kMaxRotations));
    return static_cast<int>(n);
}

RotationSettings RotationSettings::parse(std::string_view text) {
    RotationSettings s;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line) && line.starts_with("# Managed")) {
    }
    std::istringstream w(line);
    std::string magic1, magic2, rot, per;
    w >> magic1 >> magic2 >> rot >> per;
    try {
        if (magic1 + " " + magic2 != kMagic || !rot.starts_with("rotations=") || !per.starts_with("period="))
            throw std::runtime_error("not ours");
        s.rotations = checkRotations(std::stoll(rot.substr(10)));
        s.period = parsePeriod(per.substr(7));
    } catch (const std::exception&) {
        throw Error(rc::GENERAL_ERROR, "The log rotation file is damaged (it was not written by sysconfd)");
    }
    return s;
}

RotationSettings RotationSettings::load(const std::filesystem::path& file) {
    auto text = readFile(file);
    return text ? parse(*text) : RotationSettings();
}

std::string RotationSettings::render(const std::vector<std::filesystem::path>& logs, std::string_view postrotate) const {
    std::ostringstream o;
    o << "# Managed by sysconfd (LunaSH \"syslog rotations/period\"): do not edit, changes are overwritten.\n"
      << kMagic << " rotations=" << rotations << " period=" << periodName(period) << "\n";
    for (const auto& l : logs) o << l.string() << '\n';
    o << "{\n"
      << "    " << periodName(period) << "\n"
      << "    rotate " << (rotations - 1) << "\n"
      << "    dateext\n"
      << "    dateformat -%Y-%m-%d\n"
      << "    missingok\n"
      << "    create 0640 root adm\n"
      << "    sharedscripts\n";
    if (!postrotate.empty()) o << "    postrotate\n        " << postrotate << "\n    endscript\n";
    o << "}\n";
    return o.str();
}

} // namespace luna::sysconf

#include "settings.h"

#include "luna/errors.h"
#include "sysconf/atomic_file.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <stdexcept>

namespace luna::ntls {

void checkRange(std::string_view what, unsigned value, Range r) {
    if (value < r.min || value > r.max)
        throw Error(rc::NTLS_SETTING_INVALID, std::string(what) + " must be " + std::to_string(r.min) + " to " +
                                                  std::to_string(r.max) + ", not " + std::to_string(value));
}

void checkBindDevice(std::string_view device) {
    if (std::find(kBindDevices.begin(), kBindDevices.end(), device) == kBindDevices.end())
        throw Error(rc::NTLS_SETTING_INVALID, "'" + std::string(device) +
                                                  "' is not a network device NTLS can bind to (all, bond0, bond1, eth0..eth3)");
}

void validate(const Settings& s) {
    checkBindDevice(s.bindDevice);
    checkRange("timeout", s.timeout, kTimeout);
    checkRange("datapath", s.datapath, kDatapath);
    checkRange("cmdprocessor", s.cmdProcessor, kCmdProcessor);
    checkRange("idle", s.keepIdle, kKeepIdle);
    checkRange("interval", s.keepInterval, kKeepInterval);
    checkRange("probes", s.keepProbes, kKeepProbes);
    checkRange("preexpiry", s.preExpiry, kPreExpiry);
    checkRange("trapinterval", s.trapInterval, kTrapInterval);
}

std::string serialize(const Settings& s) {
    std::ostringstream o;
    o << "# ntlsd settings (lunash `ntls ...`); written by ntlsd\n"
      << "bind=" << s.bindDevice << "\n"
      << "bind-ipv6=" << s.bindIpv6 << "\n"
      << "ipcheck=" << s.ipCheck << "\n"
      << "timeout=" << s.timeout << "\n"
      << "datapath=" << s.datapath << "\n"
      << "cmdprocessor=" << s.cmdProcessor << "\n"
      << "keepalive-idle=" << s.keepIdle << "\n"
      << "keepalive-interval=" << s.keepInterval << "\n"
      << "keepalive-probes=" << s.keepProbes << "\n"
      << "cert-monitor=" << s.certMonitor << "\n"
      << "cert-preexpiry=" << s.preExpiry << "\n"
      << "cert-trapinterval=" << s.trapInterval << "\n";
    return o.str();
}

Settings parseSettings(std::string_view text) {
    Settings s;
    std::istringstream in{std::string(text)};
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) throw std::runtime_error("ntls.conf:" + std::to_string(n) + ": no '='");
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        auto number = [&]() {
            unsigned v = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc() || p != value.data() + value.size())
                throw std::runtime_error("ntls.conf:" + std::to_string(n) + ": '" + value + "' is not a number");
            return v;
        };
        auto flag = [&]() { return number() != 0; };
        if (key == "bind") s.bindDevice = value;
        else if (key == "bind-ipv6") s.bindIpv6 = flag();
        else if (key == "ipcheck") s.ipCheck = flag();
        else if (key == "timeout") s.timeout = number();
        else if (key == "datapath") s.datapath = number();
        else if (key == "cmdprocessor") s.cmdProcessor = number();
        else if (key == "keepalive-idle") s.keepIdle = number();
        else if (key == "keepalive-interval") s.keepInterval = number();
        else if (key == "keepalive-probes") s.keepProbes = number();
        else if (key == "cert-monitor") s.certMonitor = flag();
        else if (key == "cert-preexpiry") s.preExpiry = number();
        else if (key == "cert-trapinterval") s.trapInterval = number();
    }
    try {
        validate(s);
    } catch (const Error& e) {
        throw std::runtime_error(std::string("ntls.conf: ") + e.what());
    }
    return s;
}

Settings loadSettings(const std::filesystem::path& file) {
    auto text = sysconf::readFile(file);
    return text ? parseSettings(*text) : Settings{};
}

void saveSettings(const std::filesystem::path& file, const Settings& s) {
    validate(s);
    sysconf::writeFileAtomic(file, serialize(s), sysconf::FileOwner{::geteuid(), ::getegid(), 0600});
}

} // namespace luna::ntls

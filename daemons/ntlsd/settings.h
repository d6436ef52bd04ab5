// NTLS settings as lunash's `ntls` commands set them, with the reference's ranges and
// defaults, persisted as `key=value` lines in <state>/ntls.conf (atomic replace).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace luna::ntls {

struct Range {
    unsigned min, max, def;
};
inline constexpr Range kTimeout{10, 300, 20};            // ntls timer set -timeout
inline constexpr Range kDatapath{1, 15, 5};              // ntls threads set -datapath
inline constexpr Range kCmdProcessor{1, 70, 20};         // ntls threads set -cmdprocessor
inline constexpr Range kKeepIdle{10, 10000, 10};         // ntls tcp_keepalive set -idle
inline constexpr Range kKeepInterval{10, 360, 10};       // -interval
inline constexpr Range kKeepProbes{1, 30, 2};            // -probes
inline constexpr Range kPreExpiry{1, 366, 30};           // ntls certificate monitor trap trigger -preexpiry
inline constexpr Range kTrapInterval{1, 720, 6};         // -trapinterval

// `ntls bind` devices, in the reference's order.
inline constexpr std::array<std::string_view, 7> kBindDevices{"all", "bond0", "bond1", "eth0", "eth1", "eth2", "eth3"};

struct Settings {
    std::string bindDevice = "all";
    bool bindIpv6 = false;
    bool ipCheck = true;
    unsigned timeout = kTimeout.def;
    unsigned datapath = kDatapath.def;
    unsigned cmdProcessor = kCmdProcessor.def;
    unsigned keepIdle = kKeepIdle.def;
    unsigned keepInterval = kKeepInterval.def;
    unsigned keepProbes = kKeepProbes.def;
    bool certMonitor = false;
    unsigned preExpiry = kPreExpiry.def;
    unsigned trapInterval = kTrapInterval.def;

    bool operator==(const Settings&) const = default;
};

// Throws luna::Error(CKR_NTLS_SETTING_INVALID) naming the value and its range.
void checkRange(std::string_view what, unsigned value, Range r);
void checkBindDevice(std::string_view device);
// Every field in range (used before saving and after loading).
void validate(const Settings& s);

std::string serialize(const Settings& s);
// Unknown keys are ignored (a newer file read by an older ntlsd); bad values throw
// std::runtime_error naming the line.
Settings parseSettings(std::string_view text);

Settings loadSettings(const std::filesystem::path& file);   // defaults when the file is absent
void saveSettings(const std::filesystem::path& file, const Settings& s);

} // namespace luna::ntls

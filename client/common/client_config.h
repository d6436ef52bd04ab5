// What the client library, lunacm and vtl read from the configuration file (ch.4, ch.16):
// the appliances to reach and the certificates of the Network Trust Link, plus the
// [Presentation] settings that number the slots.
#pragma once

#include "config_file.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace luna::client {

inline constexpr std::string_view kClientSection = "LunaSA Client";
inline constexpr std::string_view kPresentationSection = "Presentation";
inline constexpr std::string_view kLunaSection = "Luna";
inline constexpr std::string_view kMiscSection = "Misc";
inline constexpr std::uint16_t kDefaultNtlsPort = 1792;

struct ServerEntry {
    unsigned index = 0;          // the NN of ServerNameNN: polling order, so slot order
    std::string name;            // host name or IP address, as registered
    std::uint16_t port = kDefaultNtlsPort;
};

struct SlotPin {                 // ShowUserSlots=<slot>(<serial>)
    std::uint64_t slot = 0;
    std::uint64_t serial = 0;
};

struct ClientConfig {
    std::vector<ServerEntry> servers;
    std::string caFile, certFile, keyFile;
    std::chrono::milliseconds receiveTimeout{20000};
    std::chrono::milliseconds keypairGenTimeout{2700000};
    bool netClient = true;
    bool tcpKeepAlive = true;
    bool oneBaseSlotId = false;
    std::vector<SlotPin> showUserSlots;

    // Throws ConfigError for a value the library cannot use (a port that is not a number).
    static ClientConfig from(const ConfigFile& file);
};

// $ChrystokiConfigurationPath/Chrystoki.conf as the real client does, else /etc/Chrystoki.conf.
std::filesystem::path defaultConfigPath();

// Where vtl keeps certificates when the file does not say: the parent of [Misc] ToolsDir
// (<client dir>/bin), else /usr/safenet/lunaclient.
std::filesystem::path clientDir(const ConfigFile& file);

// The ServerNameNN keys in NN order ("ServerName00" -> 0).
std::vector<ServerEntry> serverEntries(const ConfigFile& file);

// ch.16: "Any submitted number other than zero is treated as 1. Any letter or other
// non-numeric character is treated as 0."
bool oneBaseSetting(std::string_view value);
std::vector<SlotPin> parseShowUserSlots(std::string_view value);

} // namespace luna::client

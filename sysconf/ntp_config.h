// The appliance's NTP configuration (LunaSH `sysconf ntp addserver/deleteserver/listservers/
// show`): ntpsec's ntp.conf, owned whole by sysconfd and rendered from the server list. The
// fixed part is the reference's (`sysconf ntp show`): restrictive defaults and the local
// clock at stratum 10 as the fallback. parse() reads back only "server" lines of the form
// render() writes; anything else in the file is ours to replace.
//
// ntpsec has no check-only mode (ntpd logs a syntax error and carries on), so the file is
// rendered from checked values only, and activation checks that ntpd comes up.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct NtpServer {
    std::string host;
    bool burst = false, iburst = false, prefer = false;
    std::uint32_t key = 0;       // 0: no symmetric key; else 1-65535
    std::uint32_t version = 0;   // 0: ntpd's default; else 3 or 4
    std::string line() const;    // "server time.nrc.ca iburst prefer"
};

class NtpSettings {
public:
    static NtpSettings parse(std::string_view ntpConf);
    static NtpSettings load(const std::filesystem::path& ntpConf);   // absent: no servers

    const std::vector<NtpServer>& servers() const { return servers_; }
    // CKR_CONFIG_VALUE_INVALID (host, key, version), CKR_CONFIG_ENTRY_EXISTS.
    void addServer(NtpServer server);
    void deleteServer(std::string_view host);   // CKR_CONFIG_ENTRY_NOT_FOUND
    std::string render(const std::filesystem::path& driftFile) const;

    static constexpr std::string_view kLocalClock = "127.127.1.0";
    static constexpr std::size_t kMaxServers = 16;

private:
    std::vector<NtpServer> servers_;
};

} // namespace luna::sysconf

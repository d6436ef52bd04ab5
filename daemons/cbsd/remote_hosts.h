// The audit remote hosts cbsd serves itself: RELP (LunaSH `audit remotehost add -protocol
// relp`). UDP and TCP hosts are rsyslog's, configured through sysconfd; lunash shows both.
// The list lives in <state-dir>/relp-hosts ("host port" lines, written durably), each host's
// cursor in <state-dir>/<SN>.relp-<host>-<port>.cursor; one RelpForwarder runs per host.
#pragma once

#include "relp_forwarder.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace luna::cbsd {

struct RemoteHostRow {
    std::string host;
    std::uint16_t port = 0;
    ForwarderStatus status;
};

class RemoteHosts {
public:
    static constexpr std::size_t kMaxHosts = 16;

    RemoteHosts(RecordFeed& feed, std::string serial, std::filesystem::path stateDir, unsigned retryMs = 1000);
    ~RemoteHosts();

    // Starts a forwarder for each host in the list.
    void start();
    // A new host starts after the newest record on disk (the SIEM gets what happens from now
    // on, not the appliance's history). CKR_CONFIG_VALUE_INVALID for a bad host or port,
    // CKR_CONFIG_ENTRY_EXISTS when the host is there already.
    void add(std::string_view host, std::int64_t port);
    void remove(std::string_view host);   // CKR_CONFIG_ENTRY_NOT_FOUND
    void clear();
    std::vector<RemoteHostRow> list();
    // New records are on disk.
    void wakeAll();

private:
    std::filesystem::path cursorFile(const std::string& host, std::uint16_t port) const;
    void save();   // under mu_

    RecordFeed& feed_;
    std::string serial_;
    std::filesystem::path stateDir_;
    unsigned retryMs_;
    std::mutex mu_;
    std::vector<std::unique_ptr<RelpForwarder>> hosts_;
};

} // namespace luna::cbsd

#include "syslog_bus.h"

namespace luna::sysconfd {

using sysconf::severityName;

SyslogBus::SyslogBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                     sysconf::SyslogManager& syslog, std::function<std::string(std::int64_t)> formatTime)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), syslog_(syslog), formatTime_(std::move(formatTime)) {
    registerAdaptor();
}

SyslogBus::~SyslogBus() { unregisterAdaptor(); }

std::vector<sdbus::Struct<std::string, uint16_t, std::string>> SyslogBus::ListRemoteHosts() {
    return gate_.serve(getObject(), Request::SyslogListHosts, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint16_t, std::string>> out;
        const auto settings = syslog_.settings();
        for (const auto& h : settings.hosts())
            out.emplace_back(h.host, h.port, std::string(sysconf::transportName(h.transport)));
        return out;
    });
}

void SyslogBus::AddRemoteHost(const std::string& host, const uint16_t& port, const std::string& protocol) {
    gate_.serve(getObject(), Request::SyslogAddHost, host + ":" + std::to_string(port) + " " + protocol,
                [&](const Caller&) { syslog_.addHost(host, port, protocol); });
}

void SyslogBus::DeleteRemoteHost(const std::string& host) {
    gate_.serve(getObject(), Request::SyslogDeleteHost, host, [&](const Caller&) { syslog_.deleteHost(host); });
}

void SyslogBus::ClearRemoteHosts() {
    gate_.serve(getObject(), Request::SyslogClearHosts, "", [&](const Caller&) { syslog_.clearHosts(); });
}

std::vector<sdbus::Struct<std::string, uint16_t, std::string>> SyslogBus::ListAuditRemoteHosts() {
    return gate_.serve(getObject(), Request::AuditListHosts, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint16_t, std::string>> out;
        const auto forwarding = syslog_.auditForwarding();
        for (const auto& h : forwarding.hosts()) out.emplace_back(h.host, h.port, h.protocol);
        return out;
    });
}

void SyslogBus::AddAuditRemoteHost(const std::string& host, const uint16_t& port, const std::string& protocol) {
    gate_.serve(getObject(), Request::AuditAddHost, host + ":" + std::to_string(port) + " " + protocol,
                [&](const Caller&) { syslog_.addAuditHost(host, port, protocol); });
}

void SyslogBus::DeleteAuditRemoteHost(const std::string& host) {
    gate_.serve(getObject(), Request::AuditDeleteHost, host, [&](const Caller&) { syslog_.deleteAuditHost(host); });
}

void SyslogBus::ClearAuditRemoteHosts() {
    gate_.serve(getObject(), Request::AuditClearHosts, "", [&](const Caller&) { syslog_.clearAuditHosts(); });
}

void SyslogBus::SetSeverity(const std::string& logname, const std::string& loglevel, const std::string& host) {
    gate_.serve(getObject(), Request::SyslogSetSeverity, logname + " " + loglevel + (host.empty() ? "" : " " + host),
                [&](const Caller&) { syslog_.setLevel(logname, loglevel, host); });
}

std::tuple<uint32_t, std::string, std::vector<sdbus::Struct<std::string, std::string>>,
           std::vector<sdbus::Struct<std::string, std::string, std::string>>>
SyslogBus::GetConfiguration() {
    return gate_.serve(getObject(), Request::SyslogGetConfiguration, "", [&](const Caller&) {
        const auto s = syslog_.settings();
        const auto r = syslog_.rotation();
        std::vector<sdbus::Struct<std::string, std::string>> local;
        std::vector<sdbus::Struct<std::string, std::string, std::string>> remote;
        for (const auto& l : sysconf::kLogs) {
            auto it = s.localLevels().find(l.name);
            local.emplace_back(std::string(l.name), it == s.localLevels().end() ? "*" : std::string(severityName(it->second)));
            for (const auto& h : s.hosts()) {
                auto lv = h.levels.find(l.name);
                remote.emplace_back(std::string(l.name), h.host,
                                    std::string(severityName(lv == h.levels.end() ? l.defaultRemote : lv->second)));
            }
        }
        return std::make_tuple(static_cast<uint32_t>(r.rotations), std::string(sysconf::periodName(r.period)),
                               std::move(local), std::move(remote));
    });
}

void SyslogBus::SetRotations(const uint32_t& rotations) {
    gate_.serve(getObject(), Request::SyslogSetRotations, std::to_string(rotations),
                [&](const Caller&) { syslog_.setRotations(rotations); });
}

void SyslogBus::SetPeriod(const std::string& period) {
    gate_.serve(getObject(), Request::SyslogSetPeriod, period, [&](const Caller&) { syslog_.setPeriod(period); });
}

void SyslogBus::Rotate() {
    gate_.serve(getObject(), Request::SyslogRotate, "", [&](const Caller&) { syslog_.rotate(); });
}

std::vector<sdbus::Struct<std::string, uint64_t, std::string>> SyslogBus::ListLogFiles() {
    return gate_.serve(getObject(), Request::SyslogListFiles, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint64_t, std::string>> out;
        for (const auto& f : syslog_.files()) out.emplace_back(f.name, f.size, formatTime_(f.mtime));
        return out;
    });
}

std::vector<std::string> SyslogBus::Tail(const std::string& logname, const uint64_t& entries, const bool& allEntries,
                                         const std::string& search) {
    return gate_.serve(getObject(), Request::SyslogTail, logname, [&](const Caller&) {
        return syslog_.tail(logname, allEntries ? std::nullopt : std::optional<std::uint64_t>(entries), search);
    });
}

sdbus::UnixFd SyslogBus::ArchiveLogs() {
    return gate_.serve(getObject(), Request::SyslogArchive, "",
                       [&](const Caller&) { return sdbus::UnixFd(syslog_.archiveLogs(), sdbus::adopt_fd); });
}

sdbus::UnixFd SyslogBus::ExportLog() {
    return gate_.serve(getObject(), Request::SyslogExport, "",
                       [&](const Caller&) { return sdbus::UnixFd(syslog_.exportMessages(), sdbus::adopt_fd); });
}

sdbus::UnixFd SyslogBus::Cleanup() {
    return gate_.serve(getObject(), Request::SyslogCleanup, "",
                       [&](const Caller&) { return sdbus::UnixFd(syslog_.cleanup(), sdbus::adopt_fd); });
}

} // namespace luna::sysconfd

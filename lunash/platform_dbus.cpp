// PlatformService over D-Bus with the proxies generated from lib/dbus/com.safenet.Luna.
// {Syslog,Services,Config,Time,Ntp,Appliance}.xml, all on sysconfd's one object.
#include "platform_service.h"

#include "appliance_proxy.h"
#include "config_proxy.h"
#include "ntp_proxy.h"
#include "services_proxy.h"
#include "syslog_proxy.h"
#include "time_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

namespace lunash {
namespace {

constexpr const char* kBusName = "com.safenet.Luna.Sysconf";
constexpr const char* kObject = "/com/safenet/Luna/Sysconf";

template <class Glue>
class Proxy final : public sdbus::ProxyInterfaces<Glue> {
public:
    explicit Proxy(sdbus::IConnection& c) : sdbus::ProxyInterfaces<Glue>(c, kBusName, kObject) { this->registerProxy(); }
    ~Proxy() { this->unregisterProxy(); }
};

// A refusal sysconfd names keeps its CKR and sentence; anything else means the configuration
// service is not reachable.
template <class Fn>
auto call(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
        throw luna::Error(luna::rc::DEVICE_ERROR,
                          "The appliance configuration service is not reachable (" + e.getMessage() + ")");
    }
}

UniqueFd adopt(sdbus::UnixFd fd) { return UniqueFd(fd.release()); }

class DbusPlatform final : public PlatformService {
public:
    DbusPlatform()
        : conn_(call([] { return sdbus::createSystemBusConnection(); })), syslog_(*conn_), services_(*conn_),
          config_(*conn_), time_(*conn_), ntp_(*conn_), appliance_(*conn_) {}

    // ---- syslog
    std::vector<RemoteLogHost> remoteHosts() override {
        std::vector<RemoteLogHost> out;
        for (auto& h : call([&] { return syslog_.ListRemoteHosts(); })) out.push_back({h.get<0>(), h.get<1>(), h.get<2>()});
        return out;
    }
    void addRemoteHost(const std::string& h, std::uint16_t p, const std::string& proto) override {
        call([&] { syslog_.AddRemoteHost(h, p, proto); });
    }
    void deleteRemoteHost(const std::string& h) override { call([&] { syslog_.DeleteRemoteHost(h); }); }
    void clearRemoteHosts() override { call([&] { syslog_.ClearRemoteHosts(); }); }
    std::vector<RemoteLogHost> auditHosts() override {
        std::vector<RemoteLogHost> out;
        for (auto& h : call([&] { return syslog_.ListAuditRemoteHosts(); })) out.push_back({h.get<0>(), h.get<1>(), h.get<2>()});
        return out;
    }
    void addAuditHost(const std::string& h, std::uint16_t p, const std::string& proto) override {
        call([&] { syslog_.AddAuditRemoteHost(h, p, proto); });
    }
    void deleteAuditHost(const std::string& h) override { call([&] { syslog_.DeleteAuditRemoteHost(h); }); }
    void clearAuditHosts() override { call([&] { syslog_.ClearAuditRemoteHosts(); }); }
    void setSeverity(const std::string& l, const std::string& v, const std::string& h) override {
        call([&] { syslog_.SetSeverity(l, v, h); });
    }
    SyslogConfiguration syslogConfiguration() override {
        auto [rot, period, local, remote] = call([&] { return syslog_.GetConfiguration(); });
        SyslogConfiguration c{rot, period, {}, {}};
        for (auto& l : local) c.local.emplace_back(l.get<0>(), l.get<1>());
        for (auto& r : remote) c.remote.push_back({r.get<0>(), r.get<1>(), r.get<2>()});
        return c;
    }
    void setRotations(std::uint32_t n) override { call([&] { syslog_.SetRotations(n); }); }
    void setPeriod(const std::string& p) override { call([&] { syslog_.SetPeriod(p); }); }
    void rotateLogs() override { call([&] { syslog_.Rotate(); }); }
    std::vector<LogFileEntry> logFiles() override {
        std::vector<LogFileEntry> out;
        for (auto& f : call([&] { return syslog_.ListLogFiles(); })) out.push_back({f.get<0>(), f.get<1>(), f.get<2>()});
        return out;
    }
    std::vector<std::string> tail(const std::string& log, std::optional<std::uint64_t> entries,
                                  const std::string& search) override {
        return call([&] { return syslog_.Tail(log, entries.value_or(0), !entries, search); });
    }
    UniqueFd archiveLogs() override { return adopt(call([&] { return syslog_.ArchiveLogs(); })); }
    UniqueFd exportLog() override { return adopt(call([&] { return syslog_.ExportLog(); })); }
    UniqueFd cleanupLogs() override { return adopt(call([&] { return syslog_.Cleanup(); })); }

    // ---- service
    std::vector<ServiceEntry> services() override {
        std::vector<ServiceEntry> out;
        for (auto& s : call([&] { return services_.List(); }))
            out.push_back({s.get<0>(), s.get<1>(), s.get<2>(), s.get<3>()});
        return out;
    }
    ServiceState serviceStatus(const std::string& n) override {
        auto [unit, load, active, sub, file, pid] = call([&] { return services_.Status(n); });
        return {unit, load, active, sub, file, pid};
    }
    void startService(const std::string& n) override { call([&] { services_.Start(n); }); }
    void stopService(const std::string& n) override { call([&] { services_.Stop(n); }); }
    void restartService(const std::string& n) override { call([&] { services_.Restart(n); }); }

    // ---- sysconf config
    std::string backupConfig(const std::string& d) override { return call([&] { return config_.Backup(d); }); }
    std::vector<BackupFile> backups() override {
        std::vector<BackupFile> out;
        for (auto& b : call([&] { return config_.List(); })) out.push_back({b.get<0>(), b.get<1>(), b.get<2>()});
        return out;
    }
    std::pair<std::string, std::vector<std::pair<std::string, std::string>>> showBackup(const std::string& n) override {
        auto [desc, info] = call([&] { return config_.Show(n); });
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& i : info) out.emplace_back(i.get<0>(), i.get<1>());
        return {desc, out};
    }
    void deleteBackup(const std::string& n) override { call([&] { config_.Delete(n); }); }
    void clearBackups() override { call([&] { config_.Clear(); }); }
    std::string restoreConfig(const std::string& n, const std::string& s) override {
        return call([&] { return config_.Restore(n, s); });
    }
    std::vector<ServiceReset> factoryReset(const std::string& s) override {
        std::vector<ServiceReset> out;
        for (auto& r : call([&] { return config_.FactoryReset(s); })) out.push_back({r.get<0>(), r.get<1>(), r.get<2>()});
        return out;
    }
    UniqueFd exportBackup(const std::string& n) override { return adopt(call([&] { return config_.Export(n); })); }
    void importBackup(int fd, const std::string& n) override { call([&] { config_.Import(sdbus::UnixFd(fd), n); }); }

    // ---- time, timezone
    ApplianceTime time() override {
        auto [epoch, text, zone, abbr, clock] = call([&] { return time_.GetTime(); });
        return {epoch, text, zone, abbr, clock};
    }
    std::string setTime(const std::string& t, const std::string& d) override { return call([&] { return time_.SetTime(t, d); }); }
    void setTimeZone(const std::string& z) override { call([&] { time_.SetTimeZone(z); }); }
    std::vector<std::string> timeZones(const std::string& r) override { return call([&] { return time_.ListTimeZones(r); }); }

    // ---- ntp
    std::vector<std::string> ntpServers() override { return call([&] { return ntp_.ListServers(); }); }
    void addNtpServer(const std::string& h, const NtpServerOptions& o) override {
        call([&] { ntp_.AddServer(h, o.burst, o.iburst, o.prefer, o.key, o.version); });
    }
    void deleteNtpServer(const std::string& h) override { call([&] { ntp_.DeleteServer(h); }); }
    void enableNtp() override { call([&] { ntp_.Enable(); }); }
    void disableNtp() override { call([&] { ntp_.Disable(); }); }
    std::pair<bool, bool> ntpStatus() override {
        auto [running, enabled] = call([&] { return ntp_.GetStatus(); });
        return {running, enabled};
    }
    std::string ntpConfiguration() override { return call([&] { return ntp_.GetConfiguration(); }); }

    // ---- appliance
    void setBanner(const std::string& t) override { call([&] { appliance_.SetBanner(t); }); }
    void clearBanner() override { call([&] { appliance_.ClearBanner(); }); }
    bool forceSoLogin() override { return call([&] { return appliance_.GetForceSoLogin(); }); }
    void setForceSoLogin(bool e) override { call([&] { appliance_.SetForceSoLogin(e); }); }
    std::vector<HostKeyInfo> sshFingerprints() override {
        std::vector<HostKeyInfo> out;
        for (auto& k : call([&] { return appliance_.GetSshFingerprints(); })) out.push_back({k.get<0>(), k.get<1>(), k.get<2>()});
        return out;
    }
    std::pair<std::string, std::string> licenseFingerprint() override {
        auto [serial, fp] = call([&] { return appliance_.GetLicenseFingerprint(); });
        return {serial, fp};
    }
    std::vector<LicenseEntry> licenses() override {
        std::vector<LicenseEntry> out;
        for (auto& l : call([&] { return appliance_.ListLicenses(); }))
            out.push_back({l.get<0>(), l.get<1>(), l.get<2>(), l.get<3>()});
        return out;
    }
    std::pair<std::string, bool> applyLicense(const std::string& t) override {
        auto [feature, destructive] = call([&] { return appliance_.ApplyLicense(t); });
        return {feature, destructive};
    }
    void revokeLicense(std::uint32_t i) override { call([&] { appliance_.RevokeLicense(i); }); }
    void reboot() override { call([&] { appliance_.Reboot(); }); }
    void powerOff() override { call([&] { appliance_.PowerOff(); }); }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    Proxy<com::safenet::Luna::Syslog_proxy> syslog_;
    Proxy<com::safenet::Luna::Services_proxy> services_;
    Proxy<com::safenet::Luna::Config_proxy> config_;
    Proxy<com::safenet::Luna::Time_proxy> time_;
    Proxy<com::safenet::Luna::Ntp_proxy> ntp_;
    Proxy<com::safenet::Luna::Appliance_proxy> appliance_;
};

// Installed before main(): the executable's sessions talk to the real sysconfd.
[[maybe_unused]] const bool installed =
    (setPlatformConnector([] { return std::unique_ptr<PlatformService>(std::make_unique<DbusPlatform>()); }), true);

} // namespace
} // namespace lunash

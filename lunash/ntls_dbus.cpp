// NtlsService over D-Bus with the proxies generated from lib/dbus/com.safenet.Luna.{Ntls,Clients}.xml.
#include "ntls_service.h"

#include "clients_proxy.h"
#include "ntls_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>

namespace lunash {
namespace {

constexpr const char* kBusName = "com.safenet.Luna.Ntls";
constexpr const char* kObject = "/com/safenet/Luna/Ntls";

class Proxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Ntls_proxy, com::safenet::Luna::Clients_proxy> {
public:
    explicit Proxy(sdbus::IConnection& c) : ProxyInterfaces(c, kBusName, kObject) { registerProxy(); }
    ~Proxy() { unregisterProxy(); }
    sdbus::IProxy& raw() { return getProxy(); }
};

// A refusal ntlsd names keeps its CKR; anything else means NTLS is not there.
template <class Fn>
auto call(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
        throw luna::Error(luna::rc::DEVICE_ERROR, "NTLS is not running (" + e.getName() + ")");
    }
}

template <class T>
T value(const std::map<std::string, sdbus::Variant>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? T{} : it->second.get<T>();
}

class DbusNtls final : public NtlsService {
public:
    DbusNtls() : conn_(call([] { return sdbus::createSystemBusConnection(); })), p_(*conn_) {}

    NtlsInfo info() override {
        std::map<std::string, sdbus::Variant> m;
        call([&] {
            p_.raw()
                .callMethod("GetAll")
                .onInterface("org.freedesktop.DBus.Properties")
                .withArguments(std::string(com::safenet::Luna::Ntls_proxy::INTERFACE_NAME))
                .storeResultsTo(m);
        });
        NtlsInfo i;
        i.running = value<bool>(m, "Running");
        i.connectedClients = value<uint32_t>(m, "ConnectedClients");
        i.links = value<uint32_t>(m, "Links");
        i.successful = value<uint64_t>(m, "SuccessfulConnections");
        i.failed = value<uint64_t>(m, "FailedConnections");
        i.bindDevice = value<std::string>(m, "BindDevice");
        i.bindIpv6 = value<bool>(m, "BindIpv6");
        i.boundAddress = value<std::string>(m, "BoundAddress");
        i.boundDevice = value<std::string>(m, "BoundDevice");
        i.ipCheck = value<bool>(m, "IpCheck");
        i.timeout = value<uint32_t>(m, "Timeout");
        i.datapath = value<uint32_t>(m, "DatapathThreads");
        i.cmdProcessor = value<uint32_t>(m, "CmdProcessorThreads");
        i.keepIdle = value<uint32_t>(m, "KeepAliveIdle");
        i.keepInterval = value<uint32_t>(m, "KeepAliveInterval");
        i.keepProbes = value<uint32_t>(m, "KeepAliveProbes");
        i.certMonitor = value<bool>(m, "CertificateMonitor");
        i.preExpiry = value<uint32_t>(m, "CertificatePreExpiryDays");
        i.trapInterval = value<uint32_t>(m, "CertificateTrapIntervalHours");
        i.notAfter = value<uint64_t>(m, "CertificateNotAfter");
        i.fingerprint = value<std::string>(m, "CertificateFingerprint");
        i.certificatePem = value<std::string>(m, "CertificatePem");
        return i;
    }
    void setBind(const std::string& d, bool v6) override { call([&] { p_.SetBind(d, v6); }); }
    std::string restartListener() override { return call([&] { return p_.RestartListener(); }); }
    void setIpCheck(bool on) override { call([&] { p_.SetIpCheck(on); }); }
    void setTimeout(std::uint32_t s) override { call([&] { p_.SetTimeout(s); }); }
    void setThreads(std::uint32_t d, std::uint32_t c) override { call([&] { p_.SetThreads(d, c); }); }
    void setKeepAlive(std::uint32_t i, std::uint32_t n, std::uint32_t p) override { call([&] { p_.SetKeepAlive(i, n, p); }); }
    void resetCounters() override { call([&] { p_.ResetCounters(); }); }
    std::string regenerateCertificate(const std::string& cn, const std::string& start, std::uint32_t days) override {
        return call([&] { return p_.RegenerateCertificate(cn, start, days); });
    }
    void setCertificateMonitor(bool on, std::uint32_t pre, std::uint32_t interval) override {
        call([&] { p_.SetCertificateMonitor(on, pre, interval); });
    }
    void registerClient(const std::string& n, const std::string& h, const std::string& ip, const std::string& pem,
                        bool replace) override {
        call([&] { p_.Register(n, h, ip, pem, replace); });
    }
    void deleteClient(const std::string& n) override { call([&] { p_.Delete(n); }); }
    std::vector<std::string> listClients() override { return call([&] { return p_.List(); }); }
    ClientDetails showClient(const std::string& n) override {
        return call([&] {
            auto [host, ip, mapped, parts] = p_.Show(n);
            ClientDetails d{host, ip, mapped, {}};
            for (const auto& p : parts) d.partitions.emplace_back(p.get<0>(), p.get<1>());
            return d;
        });
    }
    std::string clientFingerprint(const std::string& n) override { return call([&] { return p_.Fingerprint(n); }); }
    void assignPartition(const std::string& n, const std::string& p) override { call([&] { p_.AssignPartition(n, p); }); }
    void revokePartition(const std::string& n, const std::string& p) override { call([&] { p_.RevokePartition(n, p); }); }
    void mapHostIp(const std::string& n, const std::string& ip) override { call([&] { p_.MapHostIp(n, ip); }); }
    void unmapHostIp(const std::string& n) override { call([&] { p_.UnmapHostIp(n); }); }
    std::vector<HostIpMapping> hostIps() override {
        return call([&] {
            std::vector<HostIpMapping> out;
            for (const auto& m : p_.HostIps()) out.push_back({m.get<0>(), m.get<1>(), m.get<2>()});
            return out;
        });
    }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    Proxy p_;
};

// Installed before main(): the executable's sessions talk to the real ntlsd.
[[maybe_unused]] const bool installed = (setNtlsConnector([] { return std::unique_ptr<NtlsService>(std::make_unique<DbusNtls>()); }), true);

} // namespace
} // namespace lunash

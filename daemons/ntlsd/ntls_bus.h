// ntlsd on D-Bus at /com/safenet/Luna/Ntls: com.safenet.Luna.Ntls (status, counters, settings,
// the server certificate; ntls_bus.cpp) and com.safenet.Luna.Clients (the registry;
// clients_bus.cpp). Handlers have one shape: authorize the caller's appliance role ->
// validate -> act -> persist -> keep hsmd in step -> emit the property changes -> log.
// Counters change on the data path; a publisher thread turns that into PropertiesChanged at
// most ten times a second.
#pragma once

#include "certificate.h"
#include "hsm_control.h"
#include "registry.h"
#include "settings.h"
#include "tls_server.h"

#include "luna/appliance_roles.h"
#include "luna/errors.h"

#include "clients_adaptor.h"
#include "ntls_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace luna::ntls {

inline constexpr const char* kObjectPath = "/com/safenet/Luna/Ntls";

struct BusDeps {
    RoleMap& roles;
    Registry& registry;
    TlsServer& server;
    HsmControl& hsm;
    std::filesystem::path stateDir;
    Settings settings;        // as loaded at start (what the server runs with)
    std::uint16_t port = 1792;
    std::string hostname;     // regencert's default common name
};

class NtlsBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Ntls_adaptor, com::safenet::Luna::Clients_adaptor,
                                                      sdbus::Properties_adaptor> {
public:
    NtlsBus(sdbus::IConnection& conn, BusDeps deps, const ServerIdentity& identity);
    ~NtlsBus();

    // Counters or the listener changed (any thread, cheap).
    void countersChanged();
    // Prune deleted partitions, push the table to hsmd, refresh the HSM serial (worker thread).
    void syncHsmSoon();
    // Pushes the assignments now; throws if hsmd does not take them (HsmLink::beforeConnect).
    void pushAssignments();

private:
    // com.safenet.Luna.Ntls
    void SetBind(const std::string& device, const bool& ipv6) override;
    std::string RestartListener() override;
    void SetIpCheck(const bool& enabled) override;
    void SetTimeout(const uint32_t& seconds) override;
    void SetThreads(const uint32_t& datapath, const uint32_t& cmdprocessor) override;
    void SetKeepAlive(const uint32_t& idle, const uint32_t& interval, const uint32_t& probes) override;
    void ResetCounters() override;
    std::string RegenerateCertificate(const std::string& commonName, const std::string& startDate,
                                      const uint32_t& days) override;
    void SetCertificateMonitor(const bool& enabled, const uint32_t& preExpiryDays,
                               const uint32_t& trapIntervalHours) override;
    bool Running() override;
    uint32_t ConnectedClients() override;
    uint32_t Links() override;
    uint64_t SuccessfulConnections() override;
    uint64_t FailedConnections() override;
    uint64_t MalformedFrames() override;
    uint64_t CertificateNotAfter() override;
    std::string CertificateFingerprint() override;
    std::string CertificatePem() override;
    bool CertificateMonitor() override;
    uint32_t CertificatePreExpiryDays() override;
    uint32_t CertificateTrapIntervalHours() override;
    std::string BindDevice() override;
    bool BindIpv6() override;
    std::string BoundAddress() override;
    std::string BoundDevice() override;
    uint16_t Port() override;
    bool IpCheck() override;
    uint32_t Timeout() override;
    uint32_t DatapathThreads() override;
    uint32_t CmdProcessorThreads() override;
    uint32_t KeepAliveIdle() override;
    uint32_t KeepAliveInterval() override;
    uint32_t KeepAliveProbes() override;
    std::vector<sdbus::Struct<std::string, std::string>> Clients() override;
    std::vector<sdbus::Struct<std::string, std::string, std::string>> Assignments() override;

    // com.safenet.Luna.Clients
    void Register(const std::string& name, const std::string& hostname, const std::string& ip,
                  const std::string& certificatePem, const bool& replace) override;
    void Delete(const std::string& name) override;
    std::vector<std::string> List() override;
    std::tuple<std::string, std::string, std::string, std::vector<sdbus::Struct<std::string, std::string>>> Show(
        const std::string& name) override;
    std::string Fingerprint(const std::string& name) override;
    void AssignPartition(const std::string& name, const std::string& partition) override;
    void RevokePartition(const std::string& name, const std::string& partition) override;
    void MapHostIp(const std::string& name, const std::string& ip) override;
    void UnmapHostIp(const std::string& name) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string>> HostIps() override;

    struct Caller {
        uid_t uid;
        AppRole role;
    };
    Caller authorize(Permit permit);
    template <class Fn>
    auto translate(Fn&& fn) -> decltype(fn());
    // Settings: change a copy, save it, then make it current; returns the new settings.
    template <class Fn>
    Settings changeSettings(Fn&& fn);
    void setIdentity(const ServerIdentity& id);
    // After a registry change: hsmd's table follows, or (if hsmd cannot be told) the links of
    // `cut` close, so no link keeps what was taken away.
    void registryChanged(const std::string& cut = {});
    void emitNtls(std::vector<std::string> names);
    void publishLoop();
    void workLoop();
    void post(std::function<void()> job);

    sdbus::IConnection& conn_;
    BusDeps d_;
    std::mutex mu_;   // settings_, identity fields, hsmSerial_
    Settings settings_;
    std::string fingerprint_, pem_;
    std::uint64_t notAfter_ = 0;
    std::string hsmSerial_;

    sdbus::Slot hsmOwnerWatch_, partitionsWatch_;

    std::mutex pubMu_;
    std::condition_variable pubCv_;
    bool dirty_ = false, stopping_ = false;
    ServerStats lastStats_;
    std::thread publisher_;

    std::mutex workMu_;
    std::condition_variable workCv_;
    std::deque<std::function<void()>> jobs_;
    bool workStopping_ = false;
    std::thread worker_;
};

// Every failure leaves as the registry's D-Bus error; anything unexpected is a general error.
template <class Fn>
auto NtlsBus::translate(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        throw sdbus::Error(dbusErrorName(e.code()), e.what());
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        throw sdbus::Error(dbusErrorName(rc::GENERAL_ERROR), std::string("internal error: ") + e.what());
    }
}

} // namespace luna::ntls

// What the client, ntls and sysconf regencert/fingerprint commands need from ntlsd, as a small
// interface (the D-Bus implementation is ntls_dbus.cpp; unit tests install a fake). Refusals
// arrive as luna::Error with the CKR ntlsd named; an unreachable ntlsd is CKR_DEVICE_ERROR
// ("NTLS is not running").
//
// The session's one connection is made on first use through the installed connector. The
// lunash executable installs the D-Bus connector from ntls_dbus.cpp at start-up, so neither
// the shell nor main() has to know this service exists.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lunash {

struct NtlsInfo {
    bool running = false;
    std::uint32_t connectedClients = 0, links = 0;
    std::uint64_t successful = 0, failed = 0;
    std::string bindDevice, boundAddress, boundDevice;
    bool bindIpv6 = false, ipCheck = true;
    std::uint32_t timeout = 20, datapath = 5, cmdProcessor = 20, keepIdle = 10, keepInterval = 10, keepProbes = 2;
    bool certMonitor = false;
    std::uint32_t preExpiry = 30, trapInterval = 6;
    std::uint64_t notAfter = 0;
    std::string fingerprint, certificatePem;
};

struct ClientDetails {
    std::string hostname, ip, mappedIp;
    std::vector<std::pair<std::string, std::string>> partitions;   // (serial, name)
};

struct HostIpMapping {
    std::string client, hostname, ip;
};

class NtlsService {
public:
    virtual ~NtlsService() = default;
    virtual NtlsInfo info() = 0;
    virtual void setBind(const std::string& device, bool ipv6) = 0;
    virtual std::string restartListener() = 0;
    virtual void setIpCheck(bool enabled) = 0;
    virtual void setTimeout(std::uint32_t seconds) = 0;
    virtual void setThreads(std::uint32_t datapath, std::uint32_t cmdProcessor) = 0;
    virtual void setKeepAlive(std::uint32_t idle, std::uint32_t interval, std::uint32_t probes) = 0;
    virtual void resetCounters() = 0;
    virtual std::string regenerateCertificate(const std::string& commonName, const std::string& startDate,
                                              std::uint32_t days) = 0;
    virtual void setCertificateMonitor(bool enabled, std::uint32_t preExpiry, std::uint32_t trapInterval) = 0;

    virtual void registerClient(const std::string& name, const std::string& hostname, const std::string& ip,
                                const std::string& certificatePem, bool replace) = 0;
    virtual void deleteClient(const std::string& name) = 0;
    virtual std::vector<std::string> listClients() = 0;
    virtual ClientDetails showClient(const std::string& name) = 0;
    virtual std::string clientFingerprint(const std::string& name) = 0;
    virtual void assignPartition(const std::string& name, const std::string& partition) = 0;
    virtual void revokePartition(const std::string& name, const std::string& partition) = 0;
    virtual void mapHostIp(const std::string& name, const std::string& ip) = 0;
    virtual void unmapHostIp(const std::string& name) = 0;
    virtual std::vector<HostIpMapping> hostIps() = 0;
};

using NtlsConnector = std::function<std::unique_ptr<NtlsService>()>;

// The session's connection to ntlsd (made on first use).
NtlsService& ntls();
// Replaces the connector and drops the current connection (unit tests; ntls_dbus.cpp at start).
void setNtlsConnector(NtlsConnector connector);

} // namespace lunash

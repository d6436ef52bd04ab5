// com.safenet.Luna.Clients: the NTLS client registry on the bus (see ntls_bus.h).
#include "ntls_bus.h"

#include <syslog.h>

namespace luna::ntls {
namespace {

using NtlsIface = com::safenet::Luna::Ntls_adaptor;

constexpr Permit kReaders = AppRole::Admin | AppRole::Operator | AppRole::Monitor;
constexpr Permit kChangers = AppRole::Admin | AppRole::Operator;

Client need(const Registry& r, const std::string& name) {
    auto c = r.find(name);
    if (!c) throw Error(rc::CLIENT_NOT_FOUND, "No client named '" + name + "' is registered");
    return *c;
}

} // namespace

void NtlsBus::registryChanged(const std::string& cut) {
    try {
        pushAssignments();
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "cannot give hsmd the client assignments (%s)%s", e.what(),
               cut.empty() ? "" : "; closing the client's links");
        if (!cut.empty()) d_.server.closeClient(cut);
    }
    try {
        emitPropertiesChangedSignal(NtlsIface::INTERFACE_NAME, std::vector<std::string>{"Clients", "Assignments"});
    } catch (const sdbus::Error&) {
    }
}

void NtlsBus::Register(const std::string& name, const std::string& hostname, const std::string& ip,
                       const std::string& certificatePem, const bool& replace) {
    const auto caller = authorize(kChangers);
    bool replaced = false;
    translate([&] {
        auto cert = parseClientCertificate(certificatePem);
        Client c;
        c.name = name;
        c.hostname = hostname;
        c.ip = ip;
        c.certificate = toBase64Der(cert.get());
        c.pin = sha256Pin(cert.get());
        c.fingerprint = sha1Fingerprint(cert.get());
        replaced = d_.registry.find(name).has_value();
        d_.registry.add(std::move(c), replace);
        syslog(LOG_NOTICE, "NTLS client '%s' %s by uid %u (%s %s)", name.c_str(), replaced ? "re-registered" : "registered",
               static_cast<unsigned>(caller.uid), ip.empty() ? "hostname" : "ip", ip.empty() ? hostname.c_str() : ip.c_str());
    });
    // Links made with the old certificate do not outlive its registration.
    if (replaced) d_.server.closeClient(name);
    registryChanged();
}

void NtlsBus::Delete(const std::string& name) {
    const auto caller = authorize(kChangers);
    translate([&] { d_.registry.remove(name); });
    d_.server.closeClient(name);
    syslog(LOG_NOTICE, "NTLS client '%s' deleted by uid %u", name.c_str(), static_cast<unsigned>(caller.uid));
    registryChanged();
}

std::vector<std::string> NtlsBus::List() {
    authorize(kReaders);
    std::vector<std::string> names;
    for (const auto& c : d_.registry.all()) names.push_back(c.name);
    return names;
}

std::tuple<std::string, std::string, std::string, std::vector<sdbus::Struct<std::string, std::string>>> NtlsBus::Show(
    const std::string& name) {
    authorize(kReaders);
    return translate([&] {
        const auto c = need(d_.registry, name);
        std::map<std::uint64_t, std::string> names;
        try {
            for (const auto& p : d_.hsm.partitions()) names[p.serial] = p.name;
        } catch (const Error&) {
            // hsmd away: serials without names
        }
        std::vector<sdbus::Struct<std::string, std::string>> parts;
        for (auto serial : c.partitions) parts.emplace_back(std::to_string(serial), names[serial]);
        return std::make_tuple(c.hostname, c.ip, c.mappedIp, parts);
    });
}

std::string NtlsBus::Fingerprint(const std::string& name) {
    authorize(kChangers);
    return translate([&] { return need(d_.registry, name).fingerprint; });
}

void NtlsBus::AssignPartition(const std::string& name, const std::string& partition) {
    const auto caller = authorize(kChangers);
    translate([&] {
        need(d_.registry, name);
        const auto p = d_.hsm.resolve(partition);
        d_.registry.assign(name, p.serial);
        syslog(LOG_NOTICE, "partition %s (%llu) assigned to NTLS client '%s' by uid %u", p.name.c_str(),
               static_cast<unsigned long long>(p.serial), name.c_str(), static_cast<unsigned>(caller.uid));
    });
    registryChanged();
}

void NtlsBus::RevokePartition(const std::string& name, const std::string& partition) {
    const auto caller = authorize(kChangers);
    translate([&] {
        const auto c = need(d_.registry, name);
        // A deleted partition can still be revoked by its serial number.
        std::uint64_t serial = 0;
        try {
            serial = d_.hsm.resolve(partition).serial;
        } catch (const Error& e) {
            if (e.code() != rc::PARTITION_NOT_FOUND || partition.find_first_not_of("0123456789") != std::string::npos ||
                partition.empty())
                throw;
            serial = std::stoull(partition);
        }
        d_.registry.revoke(name, serial);
        syslog(LOG_NOTICE, "partition %llu revoked from NTLS client '%s' by uid %u", static_cast<unsigned long long>(serial),
               name.c_str(), static_cast<unsigned>(caller.uid));
    });
    registryChanged(name);
}

void NtlsBus::MapHostIp(const std::string& name, const std::string& ip) {
    authorize(kChangers);
    translate([&] { d_.registry.mapIp(name, ip); });
    registryChanged();
}

void NtlsBus::UnmapHostIp(const std::string& name) {
    authorize(kChangers);
    translate([&] { d_.registry.unmapIp(name); });
    registryChanged();
}

std::vector<sdbus::Struct<std::string, std::string, std::string>> NtlsBus::HostIps() {
    authorize(kReaders);
    std::vector<sdbus::Struct<std::string, std::string, std::string>> out;
    for (const auto& c : d_.registry.all())
        if (!c.mappedIp.empty()) out.emplace_back(c.name, c.hostname.empty() ? c.name : c.hostname, c.mappedIp);
    return out;
}

// ---- the registry as properties (SNMP's hsmClientRegistrationTable / PartitionAssignmentTable) -----

std::vector<sdbus::Struct<std::string, std::string>> NtlsBus::Clients() {
    std::vector<sdbus::Struct<std::string, std::string>> out;
    for (const auto& c : d_.registry.all()) out.emplace_back(c.name, c.ip.empty() ? c.hostname : c.ip);
    return out;
}

std::vector<sdbus::Struct<std::string, std::string, std::string>> NtlsBus::Assignments() {
    std::string hsmSerial;
    {
        std::lock_guard lock(mu_);
        hsmSerial = hsmSerial_;
    }
    std::vector<sdbus::Struct<std::string, std::string, std::string>> out;
    for (const auto& c : d_.registry.all())
        for (auto p : c.partitions) out.emplace_back(c.name, hsmSerial, std::to_string(p));
    return out;
}

} // namespace luna::ntls

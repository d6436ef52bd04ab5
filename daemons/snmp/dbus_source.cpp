// StateSource over D-Bus: hsmd's com.safenet.Luna.Hsm and com.safenet.Luna.Partitions
// (lib/dbus/*.xml), read with the generated proxies. Properties come in one GetAll per
// interface; policies and partition details through the methods, which hsmd authorizes
// for the monitor role that luna-snmp's user holds.
#include "collector.h"
#include "log.h"

#include "hsm_proxy.h"
#include "partitions_proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <set>

namespace luna::snmp {
namespace {

constexpr const char* kObjectPath = "/com/safenet/Luna/Hsm";
constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";
constexpr const char* kNtlsObjectPath = "/com/safenet/Luna/Ntls";
constexpr const char* kNtlsInterface = "com.safenet.Luna.Ntls";
using Properties = std::map<std::string, sdbus::Variant>;

class HsmdProxy final
    : public sdbus::ProxyInterfaces<com::safenet::Luna::Hsm_proxy, com::safenet::Luna::Partitions_proxy> {
public:
    HsmdProxy(sdbus::IConnection& connection, const std::string& destination)
        : ProxyInterfaces(connection, destination, kObjectPath) {
        registerProxy();
    }
    ~HsmdProxy() { unregisterProxy(); }
    HsmdProxy(const HsmdProxy&) = delete;
    HsmdProxy& operator=(const HsmdProxy&) = delete;

    Properties all(const std::string& interface) {
        Properties props;
        getProxy().callMethod("GetAll").onInterface(kPropertiesInterface).withArguments(interface).storeResultsTo(props);
        return props;
    }
};

// A property of the given type, or `fallback` when hsmd does not publish it (yet).
template <class T>
T prop(const Properties& props, const std::string& name, T fallback = T{}) {
    auto it = props.find(name);
    if (it == props.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

std::vector<PolicyState> hsmPolicies(HsmdProxy& p) {
    std::vector<PolicyState> out;
    for (const auto& r : p.com::safenet::Luna::Hsm_proxy::GetPolicies())
        out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>()});
    return out;
}

std::vector<PolicyState> partitionPolicies(HsmdProxy& p, const std::string& serial) {
    std::vector<PolicyState> out;
    for (const auto& r : p.com::safenet::Luna::Partitions_proxy::GetPolicies(serial))
        out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>()});
    return out;
}

class DbusSource final : public StateSource {
public:
    explicit DbusSource(DbusSourceOptions options) : options_(std::move(options)) {
        conditions_["hsmd"] = "not read yet";   // so the first successful read is logged
    }

    Snapshot read() override {
        Snapshot s;
        try {
            connect();
            s.hsm = readHsm();
            s.ntls = readNtls();
            s.clients = readClients();
            note("hsmd", "", LOG_INFO, "reading HSM state from " + options_.hsmBusName);
        } catch (const sdbus::Error& e) {
            s.hsm.reset();
            note("hsmd", e.getName(), LOG_WARNING,
                 "HSM state unavailable, HSM tables empty until it returns: " + e.getName() + ": " + e.getMessage());
            // A broken connection is rebuilt next time; a missing hsmd is simply asked again.
            if (e.getName() != "org.freedesktop.DBus.Error.ServiceUnknown" &&
                e.getName() != "org.freedesktop.DBus.Error.NameHasNoOwner")
                disconnect();
        } catch (const std::exception& e) {
            s.hsm.reset();
            note("hsmd", "exception", LOG_WARNING, std::string("HSM state unavailable: ") + e.what());
            disconnect();
        }
        return s;
    }

private:
    void connect() {
        if (conn_) return;
        conn_ = sdbus::createSystemBusConnection();
        conn_->setMethodCallTimeout(options_.callTimeout);
        proxy_ = std::make_unique<HsmdProxy>(*conn_, options_.hsmBusName);
        bus_ = sdbus::createProxy(*conn_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    }

    void disconnect() {
        bus_.reset();
        proxy_.reset();
        conn_.reset();
    }

    HsmState readHsm() {
        using Hsm = com::safenet::Luna::Hsm_proxy;
        using Parts = com::safenet::Luna::Partitions_proxy;
        const Properties p = proxy_->all(Hsm::INTERFACE_NAME);
        HsmState h;
        h.serial = prop<std::string>(p, "SerialNumber");
        h.label = prop<std::string>(p, "Label");
        h.model = prop<std::string>(p, "Model");
        h.firmware = prop<std::string>(p, "FirmwareVersion");
        h.authenticationMethod = prop<std::string>(p, "AuthenticationMethod");
        h.rpvInitialized = prop<bool>(p, "RpvInitialized");
        h.fipsMode = prop<bool>(p, "FipsMode");
        h.auditRoleInitialized = prop<bool>(p, "AuditRoleInitialized");
        h.manuallyZeroized = prop<bool>(p, "ManuallyZeroized");
        h.soLoginAttemptsLeft = prop<std::uint32_t>(p, "SoLoginAttemptsLeft");
        h.maxPartitions = prop<std::uint32_t>(p, "MaxPartitions");
        h.licensedPartitions = prop<std::uint32_t>(p, "LicensedPartitions");
        h.partitionCount = prop<std::uint32_t>(p, "PartitionCount");
        h.storageTotal = prop<std::uint64_t>(p, "StorageTotal");
        h.storageUsed = prop<std::uint64_t>(p, "StorageUsed");
        h.storageFree = prop<std::uint64_t>(p, "StorageFree");
        // TODO(hsmd): not in com.safenet.Luna.Hsm yet; proposed in docs/snmp.md. Read as soon
        // as hsmd publishes them, 0 until then.
        h.upTimeSeconds = prop<std::uint64_t>(p, "UpTime");
        h.busyTimeSeconds = prop<std::uint64_t>(p, "BusyTime");
        h.commandCount = prop<std::uint64_t>(p, "CommandCount");
        h.operationRequests = prop<std::uint64_t>(p, "OperationRequests");
        h.operationErrors = prop<std::uint64_t>(p, "OperationErrors");
        using LicenseRows = std::vector<sdbus::Struct<std::string, std::string>>;
        if (auto it = p.find("Licenses"); it != p.end() && it->second.containsValueOfType<LicenseRows>()) {
            h.licenses.emplace();
            for (const auto& l : it->second.get<LicenseRows>()) h.licenses->push_back({l.get<0>(), l.get<1>()});
        }

        h.policiesKnown = guardedCall("GetPolicies", [&] { h.policies = hsmPolicies(*proxy_); });

        // The Partitions property needs no role; Show and GetPolicies need the monitor role.
        using PartitionRows = std::vector<sdbus::Struct<std::string, std::string, std::uint32_t, std::uint64_t,
                                                        std::uint64_t, std::uint64_t>>;
        const Properties pp = proxy_->all(Parts::INTERFACE_NAME);
        for (const auto& r : prop<PartitionRows>(pp, "Partitions")) {
            PartitionState part{r.get<0>(), r.get<1>(), "", r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>(), {}};
            guardedCall("Partitions.Show", [&] {
                const auto fields = proxy_->Show(part.serial);
                part.label = prop<std::string>(fields, "Label");
            });
            guardedCall("Partitions.GetPolicies", [&] { part.policies = partitionPolicies(*proxy_, part.serial); });
            h.partitions.push_back(std::move(part));
        }
        return h;
    }

    // A refused or failed detail call costs that detail, not the whole snapshot. Errors
    // that mean the connection or hsmd is gone still abort the read.
    template <class Fn>
    bool guardedCall(const std::string& what, Fn fn) {
        try {
            fn();
            note(what, "", LOG_INFO, "");
            return true;
        } catch (const sdbus::Error& e) {
            if (e.getName().starts_with("org.freedesktop.DBus.Error.")) throw;
            const bool denied = e.getName().ends_with("ACCESS_DENIED");
            note(what, e.getName(), LOG_WARNING,
                 what + " refused: " + e.getName() + ": " + e.getMessage() +
                     (denied ? " (give luna-snmp's user the monitor role in hsmd's roles file)" : ""));
            return false;
        }
    }

    // ntlsd's com.safenet.Luna.Ntls (lib/dbus/com.safenet.Luna.Ntls.xml, docs/ntls.md): not
    // running while nothing owns the name; unknown while its properties cannot be read.
    NtlsState readNtls() {
        bool owned = false;
        bus_->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(options_.ntlsBusName)
            .storeResultsTo(owned);
        NtlsState n;
        n.status = owned ? NtlsState::Status::Unknown : NtlsState::Status::NotRunning;
        ntlsProps_.clear();
        if (!owned) return n;
        try {
            auto proxy = sdbus::createProxy(*conn_, options_.ntlsBusName, kNtlsObjectPath);
            proxy->callMethod("GetAll").onInterface(kPropertiesInterface).withArguments(std::string(kNtlsInterface))
                .storeResultsTo(ntlsProps_);
        } catch (const sdbus::Error& e) {
            note("ntlsd", e.getName(), LOG_WARNING, "NTLS state unavailable: " + e.getName() + ": " + e.getMessage());
            return n;
        }
        note("ntlsd", "", LOG_INFO, "");
        n.status = prop<bool>(ntlsProps_, "Running") ? NtlsState::Status::Up : NtlsState::Status::NotRunning;
        n.connectedClients = prop<uint32_t>(ntlsProps_, "ConnectedClients");
        n.links = prop<uint32_t>(ntlsProps_, "Links");
        n.successfulConnections = prop<uint64_t>(ntlsProps_, "SuccessfulConnections");
        n.failedConnections = prop<uint64_t>(ntlsProps_, "FailedConnections");
        return n;
    }

    // The registry from the same GetAll: Clients a(ss) (name, hostname or IP) and
    // Assignments a(sss) (client, HSM serial, partition serial).
    std::vector<ClientState> readClients() {
        using Pair = std::vector<sdbus::Struct<std::string, std::string>>;
        using Triple = std::vector<sdbus::Struct<std::string, std::string, std::string>>;
        std::vector<ClientState> out;
        std::map<std::string, std::size_t> index;
        for (const auto& c : prop<Pair>(ntlsProps_, "Clients")) {
            index[c.get<0>()] = out.size();
            out.push_back({c.get<0>(), c.get<1>(), {}});
        }
        for (const auto& a : prop<Triple>(ntlsProps_, "Assignments"))
            if (auto it = index.find(a.get<0>()); it != index.end())
                out[it->second].assignments.push_back({a.get<1>(), a.get<2>()});
        return out;
    }

    // Log a condition when it starts and when it ends, not at every refresh.
    void note(const std::string& what, const std::string& condition, int priority, const std::string& text) {
        auto& last = conditions_[what];
        if (last == condition) return;
        if (!condition.empty()) logLine(priority, text);
        else logLine(LOG_INFO, what == "hsmd" ? text : what + " answers again");
        last = condition;
    }

    DbusSourceOptions options_;
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<HsmdProxy> proxy_;
    std::unique_ptr<sdbus::IProxy> bus_;
    std::map<std::string, std::string> conditions_;
    Properties ntlsProps_;   // the last GetAll of com.safenet.Luna.Ntls (readNtls, then readClients)
};

} // namespace

std::unique_ptr<StateSource> makeDbusSource(DbusSourceOptions options) {
    return std::make_unique<DbusSource>(std::move(options));
}

} // namespace luna::snmp

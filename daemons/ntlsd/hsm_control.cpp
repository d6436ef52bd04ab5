#include "hsm_control.h"

#include "luna/errors.h"

namespace luna::ntls {
namespace {
constexpr const char* kHsmObject = "/com/safenet/Luna/Hsm";
constexpr const char* kProps = "org.freedesktop.DBus.Properties";
}

HsmControl::HsmControl(std::string busName) : busName_(std::move(busName)) {}

// One retry on a fresh connection: the first failure may be a connection that died with an
// earlier hsmd or bus. A refusal hsmd names keeps its code.
template <class Fn>
auto HsmControl::call(Fn&& fn) -> decltype(fn(std::declval<sdbus::IProxy&>())) {
    std::lock_guard lock(mu_);
    for (int attempt = 0;; ++attempt) {
        try {
            if (!proxy_) {
                conn_ = sdbus::createSystemBusConnection();
                proxy_ = sdbus::createProxy(*conn_, busName_, kHsmObject);
            }
            return fn(*proxy_);
        } catch (const sdbus::Error& e) {
            if (auto code = codeFromDbusErrorName(e.getName())) throw Error(*code, e.getMessage());
            proxy_.reset();
            conn_.reset();
            if (attempt > 0) throw Error(rc::TOKEN_NOT_PRESENT, "hsmd is not reachable: " + e.getMessage());
        }
    }
}

std::vector<PartitionRef> HsmControl::partitions() {
    return call([](sdbus::IProxy& p) {
        sdbus::Variant v;
        p.callMethod("Get").onInterface(kProps).withArguments("com.safenet.Luna.Partitions", "Partitions").storeResultsTo(v);
        std::vector<PartitionRef> out;
        for (const auto& row :
             v.get<std::vector<sdbus::Struct<std::string, std::string, uint32_t, uint64_t, uint64_t, uint64_t>>>()) {
            try {
                out.push_back({std::stoull(row.get<0>()), row.get<1>()});
            } catch (const std::exception&) {
            }
        }
        return out;
    });
}

std::string HsmControl::hsmSerial() {
    return call([](sdbus::IProxy& p) {
        sdbus::Variant v;
        p.callMethod("Get").onInterface(kProps).withArguments("com.safenet.Luna.Hsm", "SerialNumber").storeResultsTo(v);
        return v.get<std::string>();
    });
}

PartitionRef HsmControl::resolve(const std::string& nameOrSerial) {
    for (const auto& p : partitions())
        if (p.name == nameOrSerial || std::to_string(p.serial) == nameOrSerial) return p;
    throw Error(rc::PARTITION_NOT_FOUND, "No partition named '" + nameOrSerial + "'");
}

void HsmControl::pushAssignments(const std::vector<Client>& clients) {
    std::vector<sdbus::Struct<std::string, std::vector<uint64_t>>> table;
    for (const auto& c : clients) table.emplace_back(c.name, std::vector<uint64_t>(c.partitions.begin(), c.partitions.end()));
    call([&](sdbus::IProxy& p) {
        p.callMethod("SetAssignments").onInterface("com.safenet.Luna.ClientAccess").withArguments(table);
        return 0;
    });
}

} // namespace luna::ntls

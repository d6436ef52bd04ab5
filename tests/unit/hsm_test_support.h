// Shared by the Hsm unit tests: a throwaway state directory, an Hsm on it with a manual
// clock and cheap password hashing, and a partition brought to the state the seed's
// recipes start from (PSO, CO and CU created and their initial passwords changed).
#pragma once

#include "hsm/hsm.h"
#include "luna/errors.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace luna::hsm::test {

// Fails the check (not the test run) when `statement` does not throw luna::Error with
// `expected`; says which code and message it got instead.
#define LUNA_CHECK_ERROR(statement, expected)                                                                  \
    do {                                                                                                       \
        try {                                                                                                  \
            statement;                                                                                         \
            BOOST_ERROR("expected " << ::luna::hsm::test::codeName(expected) << " from: " #statement);         \
        } catch (const ::luna::Error& e_) {                                                                    \
            BOOST_CHECK_MESSAGE(e_.code() == static_cast<std::uint32_t>(expected),                             \
                                #statement << ": got " << ::luna::hsm::test::codeName(e_.code()) << " ("       \
                                           << e_.what() << "), expected "                                      \
                                           << ::luna::hsm::test::codeName(expected));                          \
        }                                                                                                      \
    } while (0)

inline std::string codeName(std::uint32_t code) {
    if (auto d = luna::findError(code)) return std::string(d->name);
    return "code " + std::to_string(code);
}

class TempDir {
public:
    TempDir() {
        std::string tmpl = "/tmp/luna-hsm-test-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline constexpr std::string_view kLabel = "myLunaHSM";
inline constexpr std::string_view kSoPassword = "SoPassw0rd";
inline constexpr std::string_view kDomain = "myDomain-1";
inline constexpr std::string_view kPsoPin = "PsoPin-0001";
inline constexpr std::string_view kCoPin = "CoPin-00001";
inline constexpr std::string_view kCuPin = "CuPin-00001";
inline constexpr std::string_view kPartitionDomain = "partDomain-1";
// What the PSO and CO first give the CO and CU; policy 21 makes them change it.
inline constexpr std::string_view kCoInitialPin = "CoFirst-0001";
inline constexpr std::string_view kCuInitialPin = "CuFirst-0001";

// CKA_PRIVATE; an object is private unless its template says CKA_PRIVATE = 0.
inline constexpr std::uint32_t kCkaPrivate = 0x00000002;
inline constexpr std::uint32_t kCkaValue = 0x00000011;

inline Attributes publicObject(std::size_t valueBytes = 16) {
    return {{kCkaPrivate, Bytes{0}}, {kCkaValue, Bytes(valueBytes, 0x5a)}};
}
inline Attributes privateObject(std::size_t valueBytes = 16) {
    return {{kCkaPrivate, Bytes{1}}, {kCkaValue, Bytes(valueBytes, 0xa5)}};
}

// One HSM in its own state directory; restart() is a power cycle of the same device.
struct HsmEnv {
    explicit HsmEnv(std::uint32_t licensedPartitions = 20, std::uint64_t storageBytes = 33554432)
        : licensed(licensedPartitions), storage(storageBytes) {
        restart();
    }
    HsmConfig config() {
        return HsmConfig{.stateDir = dir.path() / "state",
                         .kdfIterations = 1000,
                         .licensedPartitions = licensed,
                         .storageBytes = storage,
                         .clock = &clock};
    }
    void restart() {
        hsm.reset();
        hsm = std::make_unique<Hsm>(config());
    }
    Hsm& operator*() { return *hsm; }
    Hsm* operator->() { return hsm.get(); }

    TempDir dir;
    ManualClock clock;
    std::uint32_t licensed;
    std::uint64_t storage;
    std::unique_ptr<Hsm> hsm;
};

// Hard init, then the HSM SO logged in on `so`.
inline void initAndLogin(Hsm& hsm, const SessionId& so) {
    BOOST_REQUIRE(hsm.init(so, kLabel, kSoPassword, kDomain));
    hsm.loginSo(so, kSoPassword);
}

// Partition init, PSO creates the CO, CO creates the CU, each changes its initial password
// (HSM policy 21 = 1 by default). Every role is logged out again; `s` is the session used.
inline void provisionPartition(Hsm& hsm, const std::string& ref, const SessionId& s = "partition-admin") {
    hsm.initPartition(s, ref, "label-" + ref, kPsoPin, kPartitionDomain);
    hsm.loginPartition(s, ref, Role::PartitionSo, kPsoPin);
    hsm.initRole(s, ref, Role::CryptoOfficer, kCoInitialPin);
    hsm.logoutPartition(s, ref);
    hsm.loginPartition(s, ref, Role::CryptoOfficer, kCoInitialPin);
    hsm.changeRolePin(s, ref, kCoInitialPin, kCoPin);
    hsm.initRole(s, ref, Role::CryptoUser, kCuInitialPin);
    hsm.logoutPartition(s, ref);
    hsm.loginPartition(s, ref, Role::CryptoUser, kCuInitialPin);
    hsm.changeRolePin(s, ref, kCuInitialPin, kCuPin);
    hsm.logoutPartition(s, ref);
}

// True when `pin` logs `role` in to `ref` on a fresh session (logged out again after).
inline bool canLogin(Hsm& hsm, const std::string& ref, Role role, std::string_view pin) {
    static int n = 0;
    const SessionId s = "probe-" + std::to_string(++n);
    try {
        hsm.loginPartition(s, ref, role, pin);
    } catch (const luna::Error&) {
        hsm.endSession(s);
        return false;
    }
    hsm.endSession(s);
    return true;
}

inline bool canLoginSo(Hsm& hsm, std::string_view password) {
    static int n = 0;
    const SessionId s = "so-probe-" + std::to_string(++n);
    try {
        hsm.loginSo(s, password);
    } catch (const luna::Error&) {
        hsm.endSession(s);
        return false;
    }
    hsm.endSession(s);
    return true;
}

} // namespace luna::hsm::test

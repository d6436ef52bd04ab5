#include "appliance_bus.h"

#include "sysconf/appliance_settings.h"
#include "sysconf/atomic_file.h"
#include "sysconf/license.h"

#include "luna/errors.h"

#include "services/systemd_control.h"

#include <syslog.h>

#include <chrono>
#include <thread>

#include <filesystem>

namespace luna::sysconfd {
namespace {

// hsm/hsm.h kMaxLicensedPartitions: the 790 model's ceiling (seed ch.20).
constexpr std::uint32_t kMaxPartitions = 100;

sysconf::LicenseStore loadLicenses(const std::filesystem::path& file) {
    return sysconf::LicenseStore::parse(sysconf::readFile(file).value_or(""));
}

} // namespace

ApplianceBus::ApplianceBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                           const sysconf::PlatformPaths& paths, HsmIdentity& hsm, services::ServiceControl& services)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), paths_(paths), hsm_(hsm), services_(services) {
    registerAdaptor();
}

ApplianceBus::~ApplianceBus() { unregisterAdaptor(); }

void ApplianceBus::SetBanner(const std::string& text) {
    gate_.serve(getObject(), Request::ApplianceSetBanner, std::to_string(text.size()) + " bytes",
                [&](const Caller&) { sysconf::setBanner(paths_.bannerFile, text); });
}

void ApplianceBus::ClearBanner() {
    gate_.serve(getObject(), Request::ApplianceClearBanner, "", [&](const Caller&) { sysconf::clearBanner(paths_.bannerFile); });
}

bool ApplianceBus::GetForceSoLogin() {
    return gate_.serve(getObject(), Request::ApplianceGetForceSoLogin, "",
                       [&](const Caller&) { return sysconf::forceSoLogin(paths_.forceSoLoginFile); });
}

void ApplianceBus::SetForceSoLogin(const bool& enabled) {
    gate_.serve(getObject(), Request::ApplianceSetForceSoLogin, enabled ? "enabled" : "disabled",
                [&](const Caller&) { sysconf::setForceSoLogin(paths_.forceSoLoginFile, enabled); });
}

std::vector<sdbus::Struct<std::string, uint32_t, std::string>> ApplianceBus::GetSshFingerprints() {
    return gate_.serve(getObject(), Request::ApplianceSshFingerprints, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint32_t, std::string>> out;
        for (auto& k : sysconf::hostKeyFingerprints(paths_.sshDir)) out.emplace_back(k.type, k.bits, k.fingerprint);
        return out;
    });
}

std::tuple<std::string, std::string> ApplianceBus::GetLicenseFingerprint() {
    return gate_.serve(getObject(), Request::ApplianceLicenseFingerprint, "", [&](const Caller&) {
        const auto serial = hsm_.serial();
        return std::make_tuple(serial, sysconf::lockingCode(serial));
    });
}

std::vector<sdbus::Struct<uint32_t, std::string, std::string, uint32_t>> ApplianceBus::ListLicenses() {
    return gate_.serve(getObject(), Request::ApplianceListLicenses, "", [&](const Caller&) {
        std::vector<sdbus::Struct<uint32_t, std::string, std::string, uint32_t>> out;
        uint32_t i = 0;
        const auto store = loadLicenses(paths_.licenseFile());
        for (const auto& l : store.licenses()) {
            const auto* f = sysconf::findFeature(l.fields.feature);
            out.emplace_back(++i, f ? std::string(f->display) : l.fields.feature, l.fields.version, l.fields.quantity);
        }
        return out;
    });
}

std::tuple<std::string, bool> ApplianceBus::ApplyLicense(const std::string& license) {
    return gate_.serve(getObject(), Request::ApplianceApplyLicense, "", [&](const Caller&) {
        auto store = loadLicenses(paths_.licenseFile());
        auto l = sysconf::verifyLicense(license, hsm_.serial());
        const auto* f = sysconf::findFeature(l.fields.feature);
        if (f->partitions) {
            const auto total = hsm_.licensedPartitions() + store.partitionsAdded() + l.fields.quantity;
            if (total > kMaxPartitions)
                throw Error(rc::LICENSE_INVALID, "Upgrade to " + std::to_string(total) +
                                                     " partitions not available for this model of HSM");
        }
        const std::string feature = l.fields.feature;
        store.add(std::move(l));
        std::filesystem::create_directories(paths_.stateDir);
        sysconf::writeFileAtomic(paths_.licenseFile(), store.render(), sysconf::FileOwner{0, 0, 0644});
        return std::make_tuple(feature, f->destructive);
    });
}

void ApplianceBus::RevokeLicense(const uint32_t& index) {
    gate_.serve(getObject(), Request::ApplianceRevokeLicense, std::to_string(index), [&](const Caller&) {
        auto store = loadLicenses(paths_.licenseFile());
        store.revoke(index);
        sysconf::writeFileAtomic(paths_.licenseFile(), store.render(), sysconf::FileOwner{0, 0, 0644});
    });
}

// The shutdown stops sysconfd too, so the reply goes out first: the manager is checked now,
// the job is queued a moment later from a connection of its own.
void ApplianceBus::shutdownSoon(bool reboot) {
    services_.status(reboot ? "reboot.target" : "poweroff.target");   // CKR_SERVICE_MANAGER_UNAVAILABLE
    std::thread([reboot] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        try {
            services::SystemdControl systemd;
            if (reboot) systemd.reboot();
            else systemd.powerOff();
        } catch (const std::exception& e) {
            syslog(LOG_ERR, "%s failed: %s", reboot ? "reboot" : "power-off", e.what());
        }
    }).detach();
}

void ApplianceBus::Reboot() {
    gate_.serve(getObject(), Request::ApplianceReboot, "", [&](const Caller&) { shutdownSoon(true); });
}

void ApplianceBus::PowerOff() {
    gate_.serve(getObject(), Request::AppliancePowerOff, "", [&](const Caller&) { shutdownSoon(false); });
}

} // namespace luna::sysconfd

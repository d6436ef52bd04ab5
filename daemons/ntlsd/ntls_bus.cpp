#include "ntls_bus.h"

#include "luna/errors.h"

#include <syslog.h>

#include <ctime>

namespace luna::ntls {
namespace {

using NtlsIface = com::safenet::Luna::Ntls_adaptor;

constexpr Permit kReaders = AppRole::Admin | AppRole::Operator | AppRole::Monitor;
constexpr Permit kChangers = AppRole::Admin | AppRole::Operator;
constexpr Permit kAdmin = {static_cast<unsigned>(AppRole::Admin)};

// "YYYYMMDD" as midnight UTC, nullopt if it is not a date.
std::optional<std::time_t> parseDate(const std::string& s) {
    if (s.size() != 8 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(s.substr(4, 2)) - 1;
    tm.tm_mday = std::stoi(s.substr(6, 2));
    const std::tm asked = tm;
    const std::time_t t = timegm(&tm);
    if (tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon || tm.tm_mday != asked.tm_mday) return std::nullopt;
    return t;
}

} // namespace

NtlsBus::NtlsBus(sdbus::IConnection& conn, BusDeps deps, const ServerIdentity& identity)
    : AdaptorInterfaces(conn, kObjectPath), conn_(conn), d_(std::move(deps)), settings_(d_.settings) {
    setIdentity(identity);
    lastStats_ = d_.server.stats();
    // hsmd back on the bus: it starts with an empty table. Partitions deleted: their
    // assignments go (the reference: deleting a partition unassigns it).
    hsmOwnerWatch_ = conn_.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" +
            d_.hsm.busName() + "'",
        [this](sdbus::Message& m) {
            std::string name, oldOwner, newOwner;
            m >> name >> oldOwner >> newOwner;
            if (!newOwner.empty()) syncHsmSoon();
        });
    partitionsWatch_ = conn_.addMatch(
        "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='/com/safenet/Luna/Hsm',"
        "arg0='com.safenet.Luna.Partitions'",
        [this](sdbus::Message&) { syncHsmSoon(); });
    publisher_ = std::thread([this] { publishLoop(); });
    worker_ = std::thread([this] { workLoop(); });
    registerAdaptor();
    syncHsmSoon();
}

NtlsBus::~NtlsBus() {
    unregisterAdaptor();
    {
        std::lock_guard lock(pubMu_);
        stopping_ = true;
    }
    pubCv_.notify_all();
    publisher_.join();
    {
        std::lock_guard lock(workMu_);
        workStopping_ = true;
    }
    workCv_.notify_all();
    worker_.join();
}

NtlsBus::Caller NtlsBus::authorize(Permit permit) {
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    if (!msg) throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "no caller");
    const uid_t uid = msg->getCredsEuid();
    auto role = d_.roles.roleOf(uid);
    if (!role || !permit.allows(*role)) {
        syslog(LOG_NOTICE, "refused %s.%s from uid %u (%s)", msg->getInterfaceName().c_str(),
               msg->getMemberName().c_str(), static_cast<unsigned>(uid),
               role ? std::string(appRoleName(*role)).c_str() : "no appliance role");
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED),
                           role ? "The " + std::string(appRoleName(*role)) + " role may not run this command"
                                : "The caller has no appliance role");
    }
    return {uid, *role};
}


template <class Fn>
Settings NtlsBus::changeSettings(Fn&& fn) {
    std::lock_guard lock(mu_);
    Settings next = settings_;
    fn(next);
    saveSettings(d_.stateDir / "ntls.conf", next);
    settings_ = next;
    return next;
}

void NtlsBus::setIdentity(const ServerIdentity& id) {
    std::lock_guard lock(mu_);
    fingerprint_ = sha1Fingerprint(id.cert.get());
    pem_ = toPem(id.cert.get());
    notAfter_ = static_cast<std::uint64_t>(notAfter(id.cert.get()));
}

void NtlsBus::emitNtls(std::vector<std::string> names) {
    try {
        emitPropertiesChangedSignal(NtlsIface::INTERFACE_NAME, names);
    } catch (const sdbus::Error& e) {
        syslog(LOG_WARNING, "cannot signal property changes: %s", e.what());
    }
}

// ---- background: counters and hsmd -------------------------------------------------------------

void NtlsBus::countersChanged() {
    {
        std::lock_guard lock(pubMu_);
        dirty_ = true;
    }
    pubCv_.notify_one();
}

void NtlsBus::publishLoop() {
    std::unique_lock lock(pubMu_);
    for (;;) {
        pubCv_.wait(lock, [this] { return dirty_ || stopping_; });
        if (stopping_) return;
        // Coalesce a burst (a storm of connects) into one signal.
        pubCv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
        if (stopping_) return;
        dirty_ = false;
        lock.unlock();
        const auto now = d_.server.stats();
        std::vector<std::string> names;
        if (now.listening != lastStats_.listening) names.push_back("Running");
        if (now.clients != lastStats_.clients) names.push_back("ConnectedClients");
        if (now.links != lastStats_.links) names.push_back("Links");
        if (now.successful != lastStats_.successful) names.push_back("SuccessfulConnections");
        if (now.failed != lastStats_.failed) names.push_back("FailedConnections");
        if (now.malformed != lastStats_.malformed) names.push_back("MalformedFrames");
        if (now.boundAddress != lastStats_.boundAddress) names.insert(names.end(), {"BoundAddress", "BoundDevice"});
        lastStats_ = now;
        if (!names.empty()) emitNtls(std::move(names));
        lock.lock();
    }
}

void NtlsBus::post(std::function<void()> job) {
    {
        std::lock_guard lock(workMu_);
        jobs_.push_back(std::move(job));
    }
    workCv_.notify_one();
}

void NtlsBus::workLoop() {
    std::unique_lock lock(workMu_);
    for (;;) {
        workCv_.wait(lock, [this] { return workStopping_ || !jobs_.empty(); });
        if (workStopping_) return;
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        try {
            job();
        } catch (const std::exception& e) {
            syslog(LOG_WARNING, "%s", e.what());
        }
        lock.lock();
    }
}

void NtlsBus::syncHsmSoon() {
    post([this] {
        bool pruned = false;
        try {
            std::set<std::uint64_t> serials;
            for (const auto& p : d_.hsm.partitions()) serials.insert(p.serial);
            pruned = d_.registry.prune(serials);
            if (pruned) syslog(LOG_NOTICE, "client assignments of deleted partitions removed");
            auto serial = d_.hsm.hsmSerial();
            std::lock_guard lock(mu_);
            if (serial != hsmSerial_) pruned = true;
            hsmSerial_ = serial;
        } catch (const Error&) {
            return;   // hsmd is away; its return brings us back here
        }
        try {
            pushAssignments();
        } catch (const std::exception& e) {
            syslog(LOG_ERR, "cannot give hsmd the client assignments: %s", e.what());
        }
        if (pruned) emitPropertiesChangedSignal(NtlsIface::INTERFACE_NAME, std::vector<std::string>{"Assignments"});
    });
}

void NtlsBus::pushAssignments() { d_.hsm.pushAssignments(d_.registry.all()); }

// ---- com.safenet.Luna.Ntls: settings ---------------------------------------------------------------

void NtlsBus::SetBind(const std::string& device, const bool& ipv6) {
    authorize(kChangers);
    translate([&] {
        checkBindDevice(device);
        changeSettings([&](Settings& s) {
            s.bindDevice = device;
            s.bindIpv6 = ipv6;
        });
        syslog(LOG_NOTICE, "NTLS binding set to %s%s (applies when NTLS restarts)", device.c_str(), ipv6 ? " (IPv6)" : "");
    });
    emitNtls({"BindDevice", "BindIpv6"});
}

std::string NtlsBus::RestartListener() {
    authorize(kChangers);
    Settings s;
    {
        std::lock_guard lock(mu_);
        s = settings_;
    }
    return translate([&] { return d_.server.restartListener(s.bindDevice, s.bindIpv6); });
}

void NtlsBus::SetIpCheck(const bool& enabled) {
    authorize(kChangers);
    translate([&] { changeSettings([&](Settings& s) { s.ipCheck = enabled; }); });
    d_.server.setIpCheck(enabled);
    syslog(LOG_NOTICE, "NTLS client source IP validation %s", enabled ? "enabled" : "disabled");
    emitNtls({"IpCheck"});
}

void NtlsBus::SetTimeout(const uint32_t& seconds) {
    authorize(kChangers);
    translate([&] {
        checkRange("timeout", seconds, kTimeout);
        changeSettings([&](Settings& s) { s.timeout = seconds; });
    });
    d_.server.setTimeout(seconds);
    emitNtls({"Timeout"});
}

void NtlsBus::SetThreads(const uint32_t& datapath, const uint32_t& cmdprocessor) {
    authorize(kChangers);
    translate([&] {
        if (datapath) checkRange("datapath", datapath, kDatapath);
        if (cmdprocessor) checkRange("cmdprocessor", cmdprocessor, kCmdProcessor);
        changeSettings([&](Settings& s) {
            if (datapath) s.datapath = datapath;
            if (cmdprocessor) s.cmdProcessor = cmdprocessor;
        });
    });
    emitNtls({"DatapathThreads", "CmdProcessorThreads"});
}

void NtlsBus::SetKeepAlive(const uint32_t& idle, const uint32_t& interval, const uint32_t& probes) {
    authorize(kChangers);
    translate([&] {
        checkRange("idle", idle, kKeepIdle);
        checkRange("interval", interval, kKeepInterval);
        checkRange("probes", probes, kKeepProbes);
        changeSettings([&](Settings& s) {
            s.keepIdle = idle;
            s.keepInterval = interval;
            s.keepProbes = probes;
        });
    });
    emitNtls({"KeepAliveIdle", "KeepAliveInterval", "KeepAliveProbes"});
}

void NtlsBus::ResetCounters() {
    authorize(kChangers);
    d_.server.resetCounters();
    syslog(LOG_NOTICE, "NTLS counters reset");
}

void NtlsBus::SetCertificateMonitor(const bool& enabled, const uint32_t& preExpiryDays, const uint32_t& trapIntervalHours) {
    authorize(kChangers);
    translate([&] {
        if (preExpiryDays) checkRange("preexpiry", preExpiryDays, kPreExpiry);
        if (trapIntervalHours) checkRange("trapinterval", trapIntervalHours, kTrapInterval);
        changeSettings([&](Settings& s) {
            s.certMonitor = enabled;
            if (preExpiryDays) s.preExpiry = preExpiryDays;
            if (trapIntervalHours) s.trapInterval = trapIntervalHours;
        });
    });
    emitNtls({"CertificateMonitor", "CertificatePreExpiryDays", "CertificateTrapIntervalHours"});
}

std::string NtlsBus::RegenerateCertificate(const std::string& commonName, const std::string& startDate,
                                           const uint32_t& days) {
    const auto caller = authorize(kAdmin);
    auto fp = translate([&] {
        CertificateRequest req;
        req.commonName = commonName.empty() ? d_.hostname : commonName;
        req.days = days;
        if (!startDate.empty()) {
            auto t = parseDate(startDate);
            if (!t) throw Error(rc::CERTIFICATE_INVALID, "'" + startDate + "' is not a date in the form YYYYMMDD");
            req.notBefore = *t;
        }
        auto id = generateServerIdentity(req);
        auto ctx = makeServerContext(id);
        saveServerIdentity(d_.stateDir, id);
        d_.server.setContext(std::move(ctx));
        setIdentity(id);
        syslog(LOG_NOTICE, "NTLS server certificate regenerated by uid %u (CN=%s, %u days)",
               static_cast<unsigned>(caller.uid), req.commonName.c_str(), req.days);
        return sha1Fingerprint(id.cert.get());
    });
    emitNtls({"CertificateNotAfter", "CertificateFingerprint", "CertificatePem"});
    return fp;
}

// ---- com.safenet.Luna.Ntls: properties --------------------------------------------------------------

bool NtlsBus::Running() { return d_.server.stats().listening; }
uint32_t NtlsBus::ConnectedClients() { return d_.server.stats().clients; }
uint32_t NtlsBus::Links() { return d_.server.stats().links; }
uint64_t NtlsBus::SuccessfulConnections() { return d_.server.stats().successful; }
uint64_t NtlsBus::FailedConnections() { return d_.server.stats().failed; }
uint64_t NtlsBus::MalformedFrames() { return d_.server.stats().malformed; }
std::string NtlsBus::BoundAddress() { return d_.server.stats().boundAddress; }
std::string NtlsBus::BoundDevice() { return d_.server.stats().boundDevice; }
uint16_t NtlsBus::Port() { return d_.port; }

uint64_t NtlsBus::CertificateNotAfter() {
    std::lock_guard lock(mu_);
    return notAfter_;
}
std::string NtlsBus::CertificateFingerprint() {
    std::lock_guard lock(mu_);
    return fingerprint_;
}
std::string NtlsBus::CertificatePem() {
    std::lock_guard lock(mu_);
    return pem_;
}

bool NtlsBus::CertificateMonitor() { std::lock_guard lock(mu_); return settings_.certMonitor; }
uint32_t NtlsBus::CertificatePreExpiryDays() { std::lock_guard lock(mu_); return settings_.preExpiry; }
uint32_t NtlsBus::CertificateTrapIntervalHours() { std::lock_guard lock(mu_); return settings_.trapInterval; }
std::string NtlsBus::BindDevice() { std::lock_guard lock(mu_); return settings_.bindDevice; }
bool NtlsBus::BindIpv6() { std::lock_guard lock(mu_); return settings_.bindIpv6; }
bool NtlsBus::IpCheck() { std::lock_guard lock(mu_); return settings_.ipCheck; }
uint32_t NtlsBus::Timeout() { std::lock_guard lock(mu_); return settings_.timeout; }
uint32_t NtlsBus::DatapathThreads() { std::lock_guard lock(mu_); return settings_.datapath; }
uint32_t NtlsBus::CmdProcessorThreads() { std::lock_guard lock(mu_); return settings_.cmdProcessor; }
uint32_t NtlsBus::KeepAliveIdle() { std::lock_guard lock(mu_); return settings_.keepIdle; }
uint32_t NtlsBus::KeepAliveInterval() { std::lock_guard lock(mu_); return settings_.keepInterval; }
uint32_t NtlsBus::KeepAliveProbes() { std::lock_guard lock(mu_); return settings_.keepProbes; }

} // namespace luna::ntls

#include "audit_bus.h"

#include "luna/audit_config.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <syslog.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace luna::hsmd {
namespace {

constexpr Permit kAuditor = {static_cast<unsigned>(AppRole::Audit)};
constexpr std::uint32_t kMaxFetch = 10000;

// Every failure leaves as a named registry error; anything unexpected is a device error.
template <class Fn>
auto translate(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const luna::Error& e) {
        throw sdbus::Error(dbusErrorName(e.code()), e.what());
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "internal error: %s", e.what());
        throw sdbus::Error(dbusErrorName(rc::GENERAL_ERROR), std::string("internal error: ") + e.what());
    }
}

constexpr auto kMinSignalInterval = std::chrono::milliseconds(10);

} // namespace

AuditBus::AuditBus(sdbus::IConnection& conn, hsm::Hsm& hsm, RoleMap& roles, WorkQueue& work, std::set<uid_t> cbsUids,
                   std::function<void()> hsmChanged)
    : AdaptorInterfaces(conn, kAuditObjectPath), hsm_(hsm), roles_(roles), work_(work), cbsUids_(std::move(cbsUids)),
      hsmChanged_(std::move(hsmChanged)) {
    notifier_ = std::thread([this] { notifyLoop(); });
    // Called by the audit journal's flusher once records are on the disk (each flush round):
    // only note the newest sequence; the notifier emits, so the flusher never waits for the bus.
    hsm_.setAuditListener([this](std::uint64_t seq) {
        {
            std::lock_guard lock(notifyMu_);
            pending_ = std::max(pending_, seq);
        }
        notifyCv_.notify_one();
    });
    registerAdaptor();
}

AuditBus::~AuditBus() {
    hsm_.setAuditListener({});
    {
        std::lock_guard lock(notifyMu_);
        stopping_ = true;
    }
    notifyCv_.notify_one();
    notifier_.join();
    unregisterAdaptor();
}

void AuditBus::notifyLoop() {
    std::unique_lock lock(notifyMu_);
    for (;;) {
        notifyCv_.wait(lock, [this] { return stopping_ || pending_; });
        if (stopping_) return;
        const auto seq = std::exchange(pending_, 0);
        lock.unlock();
        try {
            emitRecordsAvailable(seq);
        } catch (const std::exception& e) {
            syslog(LOG_WARNING, "cannot signal RecordsAvailable: %s", e.what());
        }
        lock.lock();
        // At most one signal per interval (flushes come faster when commands wait for them:
        // hsmd --audit-sync-each), and cbsd fetches everything new at each signal anyway.
        notifyCv_.wait_for(lock, kMinSignalInterval, [this] { return stopping_; });
    }
}

std::string AuditBus::authorizeAuditor() {
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    if (!msg) throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "no caller");
    const uid_t uid = msg->getCredsEuid();
    auto role = roles_.roleOf(uid);
    if (!role || !kAuditor.allows(*role)) {
        syslog(LOG_NOTICE, "refused %s.%s from uid %u (%s)", msg->getInterfaceName().c_str(), msg->getMemberName().c_str(),
               static_cast<unsigned>(uid), role ? std::string(appRoleName(*role)).c_str() : "no appliance role");
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED),
                           role ? "The " + std::string(appRoleName(*role)) + " role may not run audit commands"
                                : "The caller has no appliance role");
    }
    const std::string sender = msg->getSender();
    // Records name the caller: the appliance's access id and the caller's uid.
    hsm_.setSessionOrigin(sender, 2147483651u, static_cast<std::uint32_t>(uid));
    return sender;
}

void AuditBus::authorizeCbs() {
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    const uid_t uid = msg ? msg->getCredsEuid() : static_cast<uid_t>(-1);
    if (uid != 0 && !cbsUids_.count(uid)) {
        syslog(LOG_NOTICE, "refused Audit.%s from uid %u (only cbsd)", msg ? msg->getMemberName().c_str() : "?",
               static_cast<unsigned>(uid));
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "Only cbsd fetches audit records");
    }
}

// Slow calls (password hashing, verifying a whole file) run on the work queue.
template <class Fn, class... R>
void AuditBus::offload(sdbus::Result<R...>&& result, Fn fn) {
    auto reply = std::make_shared<sdbus::Result<R...>>(std::move(result));
    work_.post([reply, fn = std::move(fn)]() mutable {
        try {
            auto values = translate(fn);
            std::apply([&](auto&&... v) { reply->returnResults(v...); }, values);
        } catch (const sdbus::Error& e) {
            reply->returnError(e);
        }
    });
}

void AuditBus::Init(sdbus::Result<>&& result, std::string password, std::string domain) {
    authorizeAuditor();
    offload(std::move(result), [=, this] {
        hsm_.initAuditor(password, domain);
        syslog(LOG_NOTICE, "audit role initialized");
        if (hsmChanged_) hsmChanged_();   // AuditRoleInitialized
        return std::tuple<>();
    });
}

void AuditBus::Login(sdbus::Result<>&& result, std::string password) {
    auto sender = authorizeAuditor();
    offload(std::move(result), [=, this] {
        hsm_.loginAuditor(sender, password);
        return std::tuple<>();
    });
}

void AuditBus::Logout() {
    auto sender = authorizeAuditor();
    translate([&] { hsm_.logoutAuditor(sender); });
}

void AuditBus::ChangePassword(sdbus::Result<>&& result, std::string oldPassword, std::string newPassword) {
    auto sender = authorizeAuditor();
    offload(std::move(result), [=, this] {
        hsm_.changeAuditorPassword(sender, oldPassword, newPassword);
        return std::tuple<>();
    });
}

std::map<std::string, sdbus::Variant> AuditBus::Show() {
    auto sender = authorizeAuditor();
    return translate([&] {
        auto st = hsm_.auditStatus(sender);
        std::map<std::string, sdbus::Variant> m{
            {"Serial", sdbus::Variant(st.serial)},
            {"RoleInitialized", sdbus::Variant(st.roleInitialized)},
            {"LoggedIn", sdbus::Variant(st.loggedIn)},
            {"DaemonSeen", sdbus::Variant(st.daemonSeen)},
            {"StoredRecords", sdbus::Variant(static_cast<uint64_t>(st.buffer.stored))},
            {"NewestSequence", sdbus::Variant(static_cast<uint64_t>(st.buffer.newestSeq))},
            {"Capacity", sdbus::Variant(static_cast<uint64_t>(st.buffer.capacity))},
            {"HsmTime", sdbus::Variant(static_cast<int64_t>(st.hsmTime))},
            {"ForeignSecret", sdbus::Variant(st.foreignSecret)},
        };
        if (st.loggedIn) {
            m["Configured"] = sdbus::Variant(st.settings.configured);
            m["EventMask"] = sdbus::Variant(st.settings.mask);
            m["Rotation"] = sdbus::Variant(std::string(audit::rotationName(st.settings.rotation)));
        }
        return m;
    });
}

void AuditBus::SetConfig(const uint32_t& eventMask, const bool& keepMask, const std::string& rotation) {
    auto sender = authorizeAuditor();
    translate([&] {
        std::optional<audit::Rotation> r;
        if (!rotation.empty()) {
            r = audit::rotationFromName(rotation);
            if (!r) throw Error(rc::ARGUMENTS_BAD, "Unknown rotation '" + rotation + "'");
        }
        if (eventMask & ~audit::kAllBits) throw Error(rc::ARGUMENTS_BAD, "Unknown bits in the event mask");
        hsm_.setAuditSettings(sender, keepMask ? std::nullopt : std::optional<std::uint32_t>(eventMask), r);
    });
}

void AuditBus::Sync(const int64_t& hostTime) {
    auto sender = authorizeAuditor();
    translate([&] { hsm_.syncAuditClock(sender, hostTime); });
}

std::tuple<std::string, std::vector<uint8_t>> AuditBus::ExportSecret() {
    auto sender = authorizeAuditor();
    return translate([&] {
        auto blob = hsm_.exportAuditSecret(sender);
        return std::tuple<std::string, std::vector<uint8_t>>(hsm_.info().serial + ".lws", std::move(blob));
    });
}

void AuditBus::ImportSecret(const std::vector<uint8_t>& secret, const std::string& serialSource,
                            const std::string& serialTarget) {
    auto sender = authorizeAuditor();
    translate([&] { hsm_.importAuditSecret(sender, secret, serialSource, serialTarget); });
}

void AuditBus::Verify(sdbus::Result<uint64_t, uint64_t, uint32_t, bool,
                                    std::vector<sdbus::Struct<std::string, uint32_t, uint64_t, std::string>>>&& result,
                      std::vector<std::string> records, std::string successor, bool external) {
    auto sender = authorizeAuditor();
    offload(std::move(result), [=, this] {
        auto r = hsm_.verifyAuditLog(sender, records, successor.empty() ? std::nullopt : std::optional(successor),
                                     external);
        std::vector<sdbus::Struct<std::string, uint32_t, uint64_t, std::string>> problems;
        for (const auto& p : r.problems)
            problems.emplace_back(std::string(hsm::auditProblemName(p.kind)), p.line, p.seq, p.message);
        return std::make_tuple(static_cast<uint64_t>(r.firstSeq), static_cast<uint64_t>(r.lastSeq), r.records,
                               r.tailChecked, std::move(problems));
    });
}

std::tuple<uint64_t, std::string, std::string> AuditBus::FetchRecords(const uint64_t& after,
                                                                               const uint32_t& max) {
    authorizeCbs();
    return translate([&] {
        auto records = hsm_.fetchAuditRecords(after, std::min(max, kMaxFetch));
        std::string lines;
        lines.reserve(records.size() * audit::kLineBytes);
        for (const auto& [seq, line] : records) {
            if (line.size() != audit::kLineBytes)
                throw Error(rc::STORAGE_CORRUPT, "audit record " + std::to_string(seq) + " is damaged in the buffer");
            lines += line;
        }
        const uint64_t first = records.empty() ? 0 : records.front().first;
        return std::make_tuple(first, std::move(lines), std::string(audit::rotationName(hsm_.auditRotation())));
    });
}

std::tuple<sdbus::UnixFd, uint64_t, uint64_t, uint64_t, uint64_t, std::string> AuditBus::OpenRecords(
    const uint64_t& after) {
    authorizeCbs();
    return translate([&] {
        const auto span = hsm_.openAuditRecords(after);
        return std::make_tuple(sdbus::UnixFd(span.fd, sdbus::adopt_fd), static_cast<uint64_t>(span.first),
                               static_cast<uint64_t>(span.offset), static_cast<uint64_t>(span.upTo),
                               static_cast<uint64_t>(span.newest), std::string(audit::rotationName(hsm_.auditRotation())));
    });
}

void AuditBus::Acknowledge(const uint64_t& upTo) {
    authorizeCbs();
    translate([&] { hsm_.acknowledgeAuditRecords(upTo); });
}

} // namespace luna::hsmd

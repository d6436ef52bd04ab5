#include "relp_forwarder.h"

#include "relp_session.h"
#include "state.h"

#include <syslog.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <system_error>

namespace luna::cbsd {
namespace {

constexpr std::size_t kChunk = 256;          // records read from disk at a time
constexpr std::uint64_t kSaveEvery = 1024;   // acknowledged records between cursor saves mid-stream

std::string thisHost() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "luna";
    std::string h(name);
    return h.substr(0, h.find('.'));
}

} // namespace

RelpForwarder::RelpForwarder(RecordFeed& feed, std::string serial, std::string host, std::uint16_t port,
                             std::filesystem::path cursorFile, std::uint64_t startAfter, unsigned retryMs)
    : feed_(feed), serial_(std::move(serial)), host_(std::move(host)), port_(port), cursorFile_(std::move(cursorFile)),
      retryMs_(retryMs), hostname_(thisHost()) {
    std::ifstream in(cursorFile_);
    std::string key;
    std::uint64_t seq = 0;
    if (in >> key >> seq && key == "acknowledged") {
        cursor_ = seq;
    } else {
        cursor_ = startAfter;
        saveCursor(cursor_);
    }
    thread_ = std::thread([this] { run(); });
}

RelpForwarder::~RelpForwarder() {
    {
        std::lock_guard lock(mu_);
        stop_ = 1;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void RelpForwarder::forget() {
    {
        std::lock_guard lock(mu_);
        stop_ = 1;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::error_code ec;
    std::filesystem::remove(cursorFile_, ec);
}

void RelpForwarder::wake() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    cv_.notify_all();
}

ForwarderStatus RelpForwarder::status() {
    ForwarderStatus s;
    const auto newest = feed_.newest();
    std::lock_guard lock(mu_);
    s.state = state_;
    s.error = error_;
    s.acknowledged = cursor_;
    s.behind = newest > cursor_ ? newest - cursor_ : 0;
    return s;
}

std::string RelpForwarder::format(const std::string& hostname, long now, const std::string& serial,
                                  const std::string& record) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    ::gmtime_r(&t, &tm);   // the records' own timestamps are UTC too
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    std::string r = record;
    if (!r.empty() && r.back() == '\n') r.pop_back();
    return "<158>" + std::string(stamp) + " " + hostname + " cbsd: " + serial + "^" + r;
}

void RelpForwarder::saveCursor(std::uint64_t seq) {
    writeDurably(cursorFile_, "acknowledged " + std::to_string(seq) + "\n");
}

void RelpForwarder::setState(const std::string& state, const std::string& error) {
    std::lock_guard lock(mu_);
    if (state == "unreachable" && state_ != "unreachable")
        ::syslog(LOG_WARNING, "audit remote host %s:%u unreachable: %s", host_.c_str(), port_, error.c_str());
    else if (state != "unreachable" && state_ == "unreachable")
        ::syslog(LOG_INFO, "audit remote host %s:%u reachable again", host_.c_str(), port_);
    state_ = state;
    error_ = error;
}

bool RelpForwarder::waitOrStop(unsigned ms) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return wake_ || stop_; });
    wake_ = false;
    return !stop_;
}

void RelpForwarder::run() {
    unsigned waitMs = 0;
    while (waitOrStop(waitMs)) {
        bool ok = false;
        try {
            ok = deliver();
        } catch (const std::exception& e) {
            setState("unreachable", e.what());
        }
        // Nothing new wakes us; a poll now and then also catches records written while the
        // notification was in flight. After a failure, retry every retryMs (the SIEM is back
        // within a second of coming up).
        std::uint64_t cursor;
        {
            std::lock_guard lock(mu_);
            cursor = cursor_;
        }
        waitMs = !ok ? retryMs_ : feed_.newest() > cursor ? 0 : 2000;
    }
}

bool RelpForwarder::deliver() {
    std::uint64_t cursor;
    {
        std::lock_guard lock(mu_);
        cursor = cursor_;
    }
    if (feed_.newest() <= cursor) {
        setState("up to date");
        return true;
    }
    {
        // While unreachable, a retry stays "unreachable" until it gets through.
        std::lock_guard lock(mu_);
        if (state_ != "unreachable") state_ = "connecting";
    }
    RelpSession session(host_, port_, &stop_);
    if (!session.open()) {
        setState("unreachable", session.error());
        return false;
    }
    setState("sending");
    std::vector<std::uint64_t> sent;   // sequence numbers in the order sent in this session
    std::uint64_t lastRead = cursor, saved = cursor;
    auto persist = [&] {
        std::uint64_t c;
        {
            std::lock_guard lock(mu_);
            c = cursor_;
        }
        if (c != saved) saveCursor(c);
        saved = c;
    };
    auto advance = [&](std::uint64_t acked) {
        if (acked == 0) return;
        const auto seq = sent[acked - 1];
        {
            std::lock_guard lock(mu_);
            cursor_ = seq;
        }
        if (seq >= saved + kSaveEvery) {
            saveCursor(seq);
            saved = seq;
        }
    };
    for (;;) {
        // The newest first: records up to it are on disk unless `audit log clear` removed them.
        const auto newest = feed_.newest();
        auto recs = feed_.recordsAfter(lastRead, kChunk);
        if (recs.empty()) {
            if (newest > lastRead && sent.empty()) {
                // `audit log clear` deleted records before they reached this host.
                ::syslog(LOG_WARNING, "audit records %llu to %llu were cleared before reaching %s:%u",
                         static_cast<unsigned long long>(lastRead + 1), static_cast<unsigned long long>(newest),
                         host_.c_str(), port_);
                {
                    std::lock_guard lock(mu_);
                    cursor_ = newest;
                }
                saveCursor(newest);
                session.close();
                setState("up to date");
                return true;
            }
            break;
        }
        for (const auto& [seq, line] : recs) {
            if (stop_) {
                persist();
                return true;
            }
            if (!session.send(format(hostname_, static_cast<long>(std::time(nullptr)), serial_, line))) {
                // Resend from the cursor next time: what the server has not acknowledged.
                advance(session.acknowledged());
                persist();
                setState("unreachable", session.error());
                return false;
            }
            sent.push_back(seq);
            lastRead = seq;
            advance(session.acknowledged());
        }
    }
    // Everything there is was sent: a polite close confirms the tail.
    if (!session.close()) {
        advance(session.acknowledged());
        persist();
        setState("unreachable", session.error());
        return false;
    }
    advance(sent.size());
    persist();
    setState(feed_.newest() <= saved ? "up to date" : "sending");
    return true;
}

} // namespace luna::cbsd

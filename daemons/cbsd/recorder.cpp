#include "recorder.h"

#include <syslog.h>

#include <ctime>

namespace luna::cbsd {
namespace {
std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }
} // namespace

Recorder::Recorder(LogDirectory& dir, StateFile& state, SyslogOut& syslog, std::uint32_t batch)
    : dir_(dir), stateFile_(state), syslog_(syslog), batch_(batch ? batch : 1) {}

void Recorder::start() {
    std::lock_guard lock(mu_);
    state_ = stateFile_.load();
    const auto onDisk = dir_.recover(state_.nextFile);
    // Written and fsynced but the cursor not saved: the file is the truth.
    if (onDisk > state_.written) state_.written = onDisk;
    if (state_.syslogged > state_.written) state_.syslogged = state_.written;
    state_.nextFile = dir_.nextNumber();
    resendToSyslog();
    stateFile_.save(state_);
    ::syslog(LOG_INFO, "audit logs of HSM %s in %s: newest record on disk %llu", dir_.serial().c_str(),
             dir_.directory().c_str(), static_cast<unsigned long long>(state_.written));
}

void Recorder::resendToSyslog() {
    while (state_.syslogged < state_.written) {
        auto recs = dir_.recordsAfter(state_.syslogged, batch_);
        if (recs.empty()) {   // cleared from disk meanwhile: nothing left to send
            state_.syslogged = state_.written;
            break;
        }
        for (const auto& [seq, line] : recs) {
            if (seq > state_.written) break;
            if (!syslog_.send(dir_.serial(), line)) break;
            state_.syslogged = seq;
        }
        if (state_.syslogged < recs.back().first && state_.syslogged < state_.written) break;   // syslog down
    }
}

std::size_t Recorder::drain(RecordSource& source) {
    std::size_t total = 0;
    for (;;) {
        std::uint64_t after;
        {
            std::lock_guard lock(mu_);
            after = state_.written;
        }
        auto batch = source.fetch(after, batch_);
        std::vector<std::string> lines;
        std::vector<std::uint64_t> seqs;
        std::uint64_t last = 0;
        {
            std::lock_guard lock(mu_);
            rotation_ = batch.rotation;
            for (auto& [seq, line] : batch.records) {
                if (seq <= state_.written || (last && seq <= last)) continue;   // already on disk
                if (!last && seq != state_.written + 1 && state_.written)
                    ::syslog(LOG_WARNING, "audit records %llu to %llu were never received",
                             static_cast<unsigned long long>(state_.written + 1), static_cast<unsigned long long>(seq - 1));
                lines.push_back(std::move(line));
                seqs.push_back(seq);
                last = seq;
            }
            if (!lines.empty()) {
                try {
                    dir_.rotateIfDue(rotation_, now());
                    dir_.append(lines, now());
                    dir_.sync();
                } catch (...) {
                    // Part of the batch may have reached the disk (before a rotation, say):
                    // take what is there as written, so it is never written twice.
                    try {
                        const auto onDisk = dir_.recover(state_.nextFile);
                        if (onDisk > state_.written) {
                            state_.written = onDisk;
                            state_.nextFile = dir_.nextNumber();
                            stateFile_.save(state_);
                        }
                    } catch (...) {
                    }
                    throw;
                }
                const auto previous = state_.written;
                state_.written = last;
                state_.nextFile = dir_.nextNumber();
                if (state_.syslogged == previous) {
                    for (std::size_t i = 0; i < lines.size() && syslog_.send(dir_.serial(), lines[i]); ++i)
                        state_.syslogged = seqs[i];
                } else {
                    resendToSyslog();   // syslog was behind already: catch up from disk, in order
                }
                stateFile_.save(state_);
            }
        }
        std::uint64_t written;
        {
            std::lock_guard lock(mu_);
            written = state_.written;
        }
        if (written > acknowledged_) {
            source.acknowledge(written);
            acknowledged_ = written;
        }
        total += lines.size();
        if (!lines.empty() && onWritten_) onWritten_();
        if (batch.records.size() < batch_) break;
    }
    // Syslog was away (rsyslog restarting after a configuration change): catch up now, not
    // only when the next record comes, which on a quiet HSM may be much later.
    {
        std::lock_guard lock(mu_);
        if (state_.syslogged < state_.written) {
            const auto before = state_.syslogged;
            resendToSyslog();
            if (state_.syslogged != before) stateFile_.save(state_);
        }
    }
    return total;
}

void Recorder::tick(std::int64_t t) {
    std::lock_guard lock(mu_);
    if (dir_.rotateIfDue(rotation_, t))
        ::syslog(LOG_INFO, "rotated the audit log (%s)", std::string(audit::rotationName(rotation_)).c_str());
}

std::vector<LogFile> Recorder::list() {
    std::lock_guard lock(mu_);
    return dir_.list();
}

std::string Recorder::read(const std::string& name) {
    std::lock_guard lock(mu_);
    return dir_.read(name);
}

void Recorder::clear() {
    std::lock_guard lock(mu_);
    dir_.clear();
    state_.syslogged = state_.written;
    state_.nextFile = dir_.nextNumber();
    stateFile_.save(state_);
}

void Recorder::rotate() {
    std::lock_guard lock(mu_);
    dir_.rotate();
}

std::vector<std::pair<std::uint64_t, std::string>> Recorder::recordsAfter(std::uint64_t after, std::size_t max) {
    std::lock_guard lock(mu_);
    return dir_.recordsAfter(after, max);
}

std::uint64_t Recorder::newest() {
    std::lock_guard lock(mu_);
    return state_.written;
}

CbsState Recorder::state() {
    std::lock_guard lock(mu_);
    return state_;
}

} // namespace luna::cbsd

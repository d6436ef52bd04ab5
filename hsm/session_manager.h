// PKCS#11 sessions: handles, the application (client link) that owns each, read-only or
// read/write, and the operations in progress. A session is used by one request at a time
// in practice (hsmd runs one session's requests in order) but its mutex keeps it safe
// regardless. Handles are never reused within a process lifetime.
#pragma once

#include "hsm/mechanisms.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace luna::hsm {

struct Session {
    std::uint64_t handle = 0;
    std::uint64_t slot = 0;     // partition serial
    std::string app;            // the owning application: one client link
    bool rw = false;

    std::mutex mu;              // guards everything below
    std::unique_ptr<CipherOp> encrypt, decrypt;
    std::unique_ptr<SignOp> sign, verify;
    std::unique_ptr<DigestOp> digest;
    std::optional<std::vector<std::uint64_t>> found;   // C_FindObjects results not yet returned
};
using SessionPtr = std::shared_ptr<Session>;

class SessionManager {
public:
    explicit SessionManager(std::size_t maxSessions) : max_(maxSessions) {}

    // Throws CKR_DEVICE_ERROR when the session table is full (ch.10: SM_SESSION_REALLOC_ERROR).
    SessionPtr open(const std::string& app, std::uint64_t slot, bool rw);
    // Throws CKR_SESSION_HANDLE_INVALID unless `app` owns the session.
    SessionPtr get(std::uint64_t handle, const std::string& app) const;
    SessionPtr close(std::uint64_t handle, const std::string& app);
    // Every session of `app` (on `slot` only, if given); returns the closed sessions.
    std::vector<SessionPtr> closeAll(const std::string& app, std::optional<std::uint64_t> slot);

    struct Counts {
        std::uint32_t total = 0, rw = 0;
    };
    Counts count(std::uint64_t slot) const;
    Counts count(const std::string& app, std::uint64_t slot) const;

private:
    std::size_t max_;
    mutable std::shared_mutex mu_;
    std::map<std::uint64_t, SessionPtr> sessions_;
    std::uint64_t next_ = 1;
};

} // namespace luna::hsm

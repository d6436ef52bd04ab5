// The HSM's persistent store: a transactional key/value store in one SQLite file in WAL
// mode with synchronous=FULL, so a committed transaction survives a SIGKILL or power cut
// and an interrupted one leaves no trace. secure_delete is on and erase paths checkpoint
// and truncate the WAL, so destroyed records do not linger in the files.
//
// Thread-safe: a recursive mutex makes each call, and a whole transaction(), one thread's at
// a time (the audit log commits its batches outside the Hsm's lock: hsm/audit_log.h).
//
// Records live in namespaces ("hsm", "partition", "object/<serial>", ...); values are
// opaque bytes (already sealed by the key hierarchy where they are secret).
#pragma once

#include "hsm/secure_bytes.h"

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;

namespace luna::hsm {

class Store {
public:
    // Opens (creating if absent) `file` and checks its integrity; throws
    // luna::Error(CKR_STORAGE_CORRUPT) if the file is unreadable.
    explicit Store(const std::filesystem::path& file);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    std::optional<Bytes> get(std::string_view ns, std::string_view key) const;
    std::vector<std::pair<std::string, Bytes>> list(std::string_view ns) const;
    std::vector<std::string> namespaces(std::string_view prefix) const;

    // Writes. Outside transaction() each is its own committed transaction.
    void put(std::string_view ns, std::string_view key, std::span<const std::uint8_t> value);
    void erase(std::string_view ns, std::string_view key);
    void eraseNamespace(std::string_view ns);
    void eraseNamespacePrefix(std::string_view prefix);

    // Runs `fn` as one atomic transaction: all its writes commit together or, if it
    // throws, none do (the exception propagates).
    void transaction(const std::function<void()>& fn);
    // Is the calling thread inside transaction()?
    bool inTransaction() const;

    // After destroying secrets: checkpoint and truncate the WAL and rebuild the file so
    // no freed page keeps old content.
    void scrub();

private:
    void exec(const char* sql) const;
    sqlite3* db_ = nullptr;
    mutable std::recursive_mutex mu_;
    int depth_ = 0;   // under mu_
};

} // namespace luna::hsm

#include "hsm/store.h"

#include "luna/errors.h"

#include <sqlite3.h>
#include <sys/stat.h>

namespace luna::hsm {
namespace {
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
            throw Error(rc::DEVICE_ERROR, std::string("store: ") + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt& text(int i, std::string_view s) {
        sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& blob(int i, std::span<const std::uint8_t> b) {
        sqlite3_bind_blob(st_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
        return *this;
    }
    bool step() {
        int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw Error(rc::DEVICE_ERROR, std::string("store: ") + sqlite3_errmsg(db_));
    }
    std::string columnText(int i) {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, i))) : std::string();
    }
    Bytes columnBlob(int i) {
        auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st_, i));
        return p ? Bytes(p, p + sqlite3_column_bytes(st_, i)) : Bytes();
    }

private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

// Escape LIKE wildcards so namespace prefixes match literally.
std::string likePrefix(std::string_view prefix) {
    std::string out;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + '%';
}
} // namespace

Store::Store(const std::filesystem::path& file) {
    const mode_t old = ::umask(077);
    int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             nullptr);
    ::umask(old);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(rc::STORAGE_CORRUPT, "store " + file.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA secure_delete=ON");
        Stmt check(db_, "PRAGMA quick_check");
        if (!check.step() || check.columnText(0) != "ok")
            throw Error(rc::STORAGE_CORRUPT, "store " + file.string() + " failed its integrity check");
        exec("CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, k TEXT NOT NULL, v BLOB NOT NULL, "
             "PRIMARY KEY (ns, k)) WITHOUT ROWID");
    } catch (const Error&) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    } 
}

Store::~Store() { sqlite3_close(db_); }

void Store::exec(const char* sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown";
        sqlite3_free(err);
        throw Error(rc::STORAGE_CORRUPT, std::string("store: ") + msg);
    }
}

std::optional<Bytes> Store::get(std::string_view ns, std::string_view key) const {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT v FROM kv WHERE ns = ?1 AND k = ?2");
    s.text(1, ns).text(2, key);
    if (!s.step()) return std::nullopt;
    return s.columnBlob(0);
}

std::vector<std::pair<std::string, Bytes>> Store::list(std::string_view ns) const {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT k, v FROM kv WHERE ns = ?1 ORDER BY k");
    s.text(1, ns);
    std::vector<std::pair<std::string, Bytes>> out;
    while (s.step()) out.emplace_back(s.columnText(0), s.columnBlob(1));
    return out;
}

std::vector<std::string> Store::namespaces(std::string_view prefix) const {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT DISTINCT ns FROM kv WHERE ns LIKE ?1 ESCAPE '\\' ORDER BY ns");
    s.text(1, likePrefix(prefix));
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.columnText(0));
    return out;
}

void Store::put(std::string_view ns, std::string_view key, std::span<const std::uint8_t> value) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "INSERT INTO kv (ns, k, v) VALUES (?1, ?2, ?3) ON CONFLICT (ns, k) DO UPDATE SET v = excluded.v");
    s.text(1, ns).text(2, key).blob(3, value);
    s.step();
}

void Store::erase(std::string_view ns, std::string_view key) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "DELETE FROM kv WHERE ns = ?1 AND k = ?2");
    s.text(1, ns).text(2, key);
    s.step();
}

void Store::eraseNamespace(std::string_view ns) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "DELETE FROM kv WHERE ns = ?1");
    s.text(1, ns);
    s.step();
}

void Store::eraseNamespacePrefix(std::string_view prefix) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "DELETE FROM kv WHERE ns LIKE ?1 ESCAPE '\\'");
    s.text(1, likePrefix(prefix));
    s.step();
}

void Store::transaction(const std::function<void()>& fn) {
    std::lock_guard lock(mu_);
    if (depth_ > 0) {   // nested: part of the enclosing transaction
        ++depth_;
        try {
            fn();
        } catch (...) {
            --depth_;
            throw;
        }
        --depth_;
        return;
    }
    exec("BEGIN IMMEDIATE");
    depth_ = 1;
    try {
        fn();
    } catch (...) {
        depth_ = 0;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    depth_ = 0;
    exec("COMMIT");
}

bool Store::inTransaction() const {
    // Another thread's transaction holds mu_: try_lock fails and the answer is "not ours".
    std::unique_lock lock(mu_, std::try_to_lock);
    return lock.owns_lock() && depth_ > 0;
}

void Store::scrub() {
    std::lock_guard lock(mu_);
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    exec("VACUUM");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace luna::hsm

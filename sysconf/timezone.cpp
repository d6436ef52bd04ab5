#include "sysconf/timezone.h"

#include "sysconf/atomic_file.h"

#include "luna/errors.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <system_error>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A TZif file (zone files are often links to one another: followed).
bool isZoneFile(const fs::path& p) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return false;
    std::ifstream in(p, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, sizeof magic) && std::string_view(magic, 4) == "TZif";
}

bool wellFormed(std::string_view name) {
    if (name.empty() || name.size() > 100 || name.front() == '/' || name.back() == '/') return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('/', start);
        auto part = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (part.empty() || part == "." || part == ".." || part.front() == '.') return false;
        for (char c : part)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+') return false;
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return true;
}

// libc's notion of the local zone is the TZ variable; sysconfd serves one request at a time,
// so switching it around a conversion is safe there.
class ZoneScope {
public:
    explicit ZoneScope(const fs::path& zone) {
        if (const char* old = std::getenv("TZ")) old_ = old, hadOld_ = true;
        ::setenv("TZ", (":" + zone.string()).c_str(), 1);
        ::tzset();
    }
    ~ZoneScope() {
        if (hadOld_) ::setenv("TZ", old_.c_str(), 1);
        else ::unsetenv("TZ");
        ::tzset();
    }
    ZoneScope(const ZoneScope&) = delete;
    ZoneScope& operator=(const ZoneScope&) = delete;

private:
    std::string old_;
    bool hadOld_ = false;
};

int digits(std::string_view s, std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

TimeZones::TimeZones(fs::path etcDir, fs::path zoneinfoDir)
    : timezone_(etcDir / "timezone"), localtime_(etcDir / "localtime"), zoneinfo_(std::move(zoneinfoDir)) {}

std::string TimeZones::check(std::string_view name) const {
    if (!wellFormed(name) || !isZoneFile(zoneFile(name)))
        throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(name.substr(0, 60)) +
                                                  "' is not a time zone (see sysconf timezone list)");
    return std::string(name);
}

std::vector<std::string> TimeZones::list(std::string_view region) const {
    std::vector<std::string> out;
    const auto needle = lower(region);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(zoneinfo_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto rel = fs::relative(it->path(), zoneinfo_).string();
        if (!wellFormed(rel) || rel.find('.') != std::string::npos) continue;
        if (!needle.empty() && lower(rel).find(needle) == std::string::npos) continue;
        if (!isZoneFile(it->path())) continue;
        out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string TimeZones::current() const {
    if (auto name = readFile(timezone_)) {
        auto n = name->substr(0, name->find_first_of("\r\n"));
        if (wellFormed(n)) return n;
    }
    std::error_code ec;
    auto target = fs::read_symlink(localtime_, ec);
    if (!ec) {
        auto rel = fs::relative(target, zoneinfo_, ec).string();
        if (!ec && wellFormed(rel)) return rel;
    }
    return "UTC";
}

void TimeZones::set(std::string_view name) const {
    const auto zone = check(name);
    // The link first: libc follows it; the name file only records it.
    const fs::path tmp = localtime_.parent_path() / (".localtime." + std::to_string(::getpid()));
    ::unlink(tmp.c_str());
    if (::symlink(zoneFile(zone).c_str(), tmp.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot link " + tmp.string());
    if (::rename(tmp.c_str(), localtime_.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw std::system_error(e, std::generic_category(), "cannot replace " + localtime_.string());
    }
    writeFileAtomic(timezone_, zone + "\n", FileOwner{0, 0, 0644});
}

std::string TimeZones::format(std::int64_t epoch, const char* fmt) const {
    ZoneScope scope(zoneFile(current()));
    std::time_t t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[128];
    auto n = std::strftime(buf, sizeof buf, fmt, &tm);
    return std::string(buf, n);
}

std::int64_t TimeZones::parseWallClock(std::string_view hhmm, std::string_view yyyymmdd, std::int64_t now) const {
    const int h = hhmm.size() == 5 && hhmm[2] == ':' ? digits(hhmm, 0, 2) : -1;
    const int m = h >= 0 ? digits(hhmm, 3, 2) : -1;
    if (h < 0 || h > 23 || m < 0 || m > 59)
        throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(hhmm.substr(0, 20)) + "' is not a time (HH:MM, 24-hour clock)");
    ZoneScope scope(zoneFile(current()));
    std::tm tm{};
    std::time_t t = static_cast<std::time_t>(now);
    ::localtime_r(&t, &tm);
    if (!yyyymmdd.empty()) {
        const int y = yyyymmdd.size() == 8 ? digits(yyyymmdd, 0, 4) : -1;
        const int mo = y >= 0 ? digits(yyyymmdd, 4, 2) : -1;
        const int d = y >= 0 ? digits(yyyymmdd, 6, 2) : -1;
        // 1970-2037 keeps every 32-bit consumer (and the RTC) happy.
        if (y < 1970 || y > 2037 || mo < 1 || mo > 12 || d < 1 || d > 31)
            throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(yyyymmdd.substr(0, 20)) + "' is not a date (YYYYMMDD)");
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        std::tm check = tm;
        check.tm_hour = 12;
        check.tm_isdst = -1;
        std::mktime(&check);
        if (check.tm_mday != d) throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(yyyymmdd) + "' is not a date");
    }
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm));
}

} // namespace luna::sysconf

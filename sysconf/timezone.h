// The appliance's time zone (LunaSH `sysconf timezone set/show/list`) and wall-clock
// arithmetic in it (`sysconf time HH:MM [YYYYMMDD]`). The zone is two files under the etc
// root, the Debian way: <etc>/timezone holds the name, <etc>/localtime links to the zone's
// file in the zoneinfo directory. Names are checked against that directory: components of
// letters, digits, '_', '-' and '+', no "..", and the file must be a TZif zone file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

class TimeZones {
public:
    TimeZones(std::filesystem::path etcDir, std::filesystem::path zoneinfoDir);

    // The name as given if it is a zone; CKR_CONFIG_VALUE_INVALID otherwise.
    std::string check(std::string_view name) const;
    // Zone names whose path contains `region` (case-insensitive); every zone when empty.
    std::vector<std::string> list(std::string_view region) const;

    // The configured zone: <etc>/timezone, else what <etc>/localtime links to, else "UTC".
    std::string current() const;
    // Writes both files (each atomically: the link is made beside and renamed over).
    void set(std::string_view name) const;

    // strftime of `epoch` in the configured zone ("%a %b %e %H:%M:%S %Z %Y").
    std::string format(std::int64_t epoch, const char* fmt) const;
    // The abbreviation in effect at `epoch` ("EST", "EDT", "UTC").
    std::string abbreviation(std::int64_t epoch) const { return format(epoch, "%Z"); }
    // `sysconf time`: "HH:MM" and optionally "YYYYMMDD" (else the date at `now`) as seconds
    // since the epoch, read in the configured zone. CKR_CONFIG_VALUE_INVALID on bad input.
    std::int64_t parseWallClock(std::string_view hhmm, std::string_view yyyymmdd, std::int64_t now) const;

    const std::filesystem::path& timezoneFile() const { return timezone_; }
    const std::filesystem::path& localtimeLink() const { return localtime_; }

private:
    std::filesystem::path zoneFile(std::string_view name) const { return zoneinfo_ / std::string(name); }
    std::filesystem::path timezone_, localtime_, zoneinfo_;
};

} // namespace luna::sysconf

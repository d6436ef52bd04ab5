// How the appliance's logs rotate (LunaSH `syslog rotations`, `syslog period`, `syslog
// rotate`): a logrotate file rendered from two settings, which its first line carries as a
// "# luna-logrotate" comment for parse() to read back. Rotated files get a date suffix
// (lunalogs-2017-03-01), so a second rotation on the same day finds its target taken and
// is skipped: "Logs cannot be rotated more than once per day."
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

enum class RotationPeriod { Daily, Weekly, Monthly };
std::string_view periodName(RotationPeriod p);
RotationPeriod parsePeriod(std::string_view name);   // daily, weekly, monthly; CKR_CONFIG_VALUE_INVALID

struct RotationSettings {
    // "two rotations would keep the current log files and the most recent set": logrotate's
    // `rotate` is one less. 1-100 (the reference's range).
    int rotations = 4;
    RotationPeriod period = RotationPeriod::Weekly;

    static constexpr int kMinRotations = 1;
    static constexpr int kMaxRotations = 100;
    static int checkRotations(long long n);   // CKR_CONFIG_VALUE_INVALID

    static RotationSettings parse(std::string_view text);   // CKR_GENERAL_ERROR if not ours
    static RotationSettings load(const std::filesystem::path& file);   // absent: defaults

    // The logrotate file for `logs` (absolute paths); `postrotate` is run once after them
    // (rsyslog reopening its files), "" for none.
    std::string render(const std::vector<std::filesystem::path>& logs, std::string_view postrotate) const;
};

} // namespace luna::sysconf

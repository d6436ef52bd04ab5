// The owning programs' own checks of a candidate configuration file, before it is put in
// place: `rsyslogd -N1` for the syslog drop-in, `logrotate -d` for the rotation file,
// `sshd -t` for sshd_config. An interface so the backup and reset logic is testable
// without the programs; SystemChecks runs them (throws std::runtime_error with the
// program's last line when it refuses).
#pragma once

#include <filesystem>
#include <string_view>

namespace luna::sysconf {

enum class Check { None, Rsyslog, Logrotate, Sshd };

class ConfigChecks {
public:
    virtual ~ConfigChecks() = default;
    virtual void check(Check what, const std::filesystem::path& candidate) = 0;
};

class SystemChecks final : public ConfigChecks {
public:
    // `scratchDir`: a private (root-only) directory for rsyslogd's work directory.
    explicit SystemChecks(std::filesystem::path scratchDir) : scratch_(std::move(scratchDir)) {}
    void check(Check what, const std::filesystem::path& candidate) override;

    // rsyslogd -N1 on a whole configuration (the main file with its drop-ins).
    static void checkRsyslogMain(const std::filesystem::path& mainConf);

private:
    std::filesystem::path scratch_;
};

} // namespace luna::sysconf

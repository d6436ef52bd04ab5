// The appliance clock as sysconfd sets it (`sysconf time`). An interface, so the real one
// (systemd-timedated over D-Bus, which also keeps the hardware clock in step; daemons/
// sysconfd/timedated_clock.cpp) never runs where the host's clock must not change: tests
// and the sandbox use OffsetClock, an appliance clock that is the system clock plus an
// offset kept in a file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace luna::sysconf {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t now() = 0;               // seconds since the epoch
    virtual void set(std::int64_t epoch) = 0;
    virtual std::string_view kind() const = 0;    // "system", "offset"
};

class OffsetClock final : public Clock {
public:
    explicit OffsetClock(std::filesystem::path file) : file_(std::move(file)) {}
    std::int64_t now() override;
    void set(std::int64_t epoch) override;
    std::string_view kind() const override { return "offset"; }
    std::int64_t offset() const;

private:
    std::filesystem::path file_;
};

} // namespace luna::sysconf

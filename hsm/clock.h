// Injected time source: the audit lockout's timed unlock is tested without sleeping.
#pragma once

#include <chrono>

namespace luna::hsm {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return t_; }
    void advance(std::chrono::seconds d) { t_ += d; }

private:
    std::chrono::system_clock::time_point t_ = std::chrono::system_clock::now();
};

} // namespace luna::hsm

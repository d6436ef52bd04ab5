#include "timedated_clock.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

#include <ctime>

namespace luna::sysconfd {

TimedatedClock::TimedatedClock() = default;
TimedatedClock::~TimedatedClock() = default;

std::int64_t TimedatedClock::now() { return static_cast<std::int64_t>(std::time(nullptr)); }

void TimedatedClock::set(std::int64_t epoch) {
    try {
        if (!conn_) conn_ = sdbus::createSystemBusConnection();
        auto proxy = sdbus::createProxy(*conn_, "org.freedesktop.timedate1", "/org/freedesktop/timedate1");
        proxy->callMethod("SetTime")
            .onInterface("org.freedesktop.timedate1")
            .withArguments(static_cast<std::int64_t>(epoch) * 1000000, false, false);
    } catch (const sdbus::Error& e) {
        throw Error(rc::CONFIG_ACTIVATION_FAILED, "The system clock could not be set (" + e.getMessage() + ")");
    }
}

} // namespace luna::sysconfd

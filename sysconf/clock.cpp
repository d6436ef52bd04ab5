#include "sysconf/clock.h"

#include "sysconf/atomic_file.h"

#include <ctime>
#include <string>

namespace luna::sysconf {

std::int64_t OffsetClock::offset() const {
    auto text = readFile(file_);
    if (!text) return 0;
    try {
        return std::stoll(*text);
    } catch (const std::exception&) {
        return 0;
    }
}

std::int64_t OffsetClock::now() { return static_cast<std::int64_t>(std::time(nullptr)) + offset(); }

void OffsetClock::set(std::int64_t epoch) {
    writeFileAtomic(file_, std::to_string(epoch - static_cast<std::int64_t>(std::time(nullptr))) + "\n",
                    FileOwner{0, 0, 0644});
}

} // namespace luna::sysconf

#include "collector.h"

#include "log.h"

#include <csignal>

namespace luna::snmp {

Collector::Collector(StateSource& source, std::chrono::milliseconds interval, std::string softwareVersion)
    : source_(source), interval_(interval), softwareVersion_(std::move(softwareVersion)) {
    auto empty = std::make_shared<Snapshot>();
    empty->softwareVersion = softwareVersion_;
    latest_ = std::move(empty);
}

Collector::~Collector() { stop(); }

void Collector::start() {
    // Signals belong to the agent thread, which waits for them in Net-SNMP's select().
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    thread_ = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Collector::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const Snapshot> Collector::latest() const {
    std::lock_guard lock(mu_);
    return latest_;
}

void Collector::run() {
    std::uint64_t generation = 0;
    for (;;) {
        auto next = std::make_shared<Snapshot>(source_.read());
        next->generation = ++generation;
        next->softwareVersion = softwareVersion_;
        std::unique_lock lock(mu_);
        latest_ = std::move(next);
        if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
}

} // namespace luna::snmp

// The D-Bus side of luna-snmp. A StateSource reads the daemons' published state into a
// Snapshot; the Collector does so on its own thread every refresh interval (the seed's 60 s
// table cache) and hands the agent thread the newest snapshot. Net-SNMP and sdbus-c++ never
// meet: the only thing the two threads share is a const Snapshot behind a mutex.
#pragma once

#include "snapshot.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace luna::snmp {

class StateSource {
public:
    virtual ~StateSource() = default;
    // Never throws: what cannot be read is absent from the snapshot (and logged once).
    virtual Snapshot read() = 0;
};

struct DbusSourceOptions {
    std::string hsmBusName = "com.safenet.Luna.Hsm";
    // ntlsd's future bus name; see docs/snmp.md for the interface luna-snmp expects there.
    std::string ntlsBusName = "com.safenet.Luna.Ntls";
    std::chrono::milliseconds callTimeout{5000};
};

// Reads hsmd on the system bus (DBUS_SYSTEM_BUS_ADDRESS in tests). Reconnects to the bus
// by itself after the bus or hsmd goes away.
std::unique_ptr<StateSource> makeDbusSource(DbusSourceOptions options);

class Collector {
public:
    Collector(StateSource& source, std::chrono::milliseconds interval, std::string softwareVersion);
    ~Collector();
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    void start();   // the first collection happens at once
    void stop();
    std::shared_ptr<const Snapshot> latest() const;

private:
    void run();

    StateSource& source_;
    const std::chrono::milliseconds interval_;
    const std::string softwareVersion_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::shared_ptr<const Snapshot> latest_;
    std::thread thread_;
};

} // namespace luna::snmp

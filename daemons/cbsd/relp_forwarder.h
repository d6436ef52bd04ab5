// Delivers one HSM's audit records to one remote log server over RELP, from the log files on
// disk, in sequence order, and keeps a durable cursor: the newest record the server has
// certainly acknowledged (RelpSession says which). A restart, a reboot or an outage of the
// server loses nothing: sending resumes after the cursor, so a record the server may already
// have seen is sent again, with the same sequence number (the SIEM dedupes by it).
//
// One thread per host. The message is what the syslog hand-off sends (syslog_out.h), with
// this appliance's host name: "<158>TIMESTAMP HOST cbsd: <SN>^<record>", so the receiver's
// `%msg:F,94:2%` writes the record line unchanged.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace luna::cbsd {

// Where the forwarder reads records: the recorder's files (recorder.h), a fake in tests.
class RecordFeed {
public:
    virtual ~RecordFeed() = default;
    // Records with sequence > after, oldest first, at most max.
    virtual std::vector<std::pair<std::uint64_t, std::string>> recordsAfter(std::uint64_t after, std::size_t max) = 0;
    // The newest record on disk.
    virtual std::uint64_t newest() = 0;
};

struct ForwarderStatus {
    std::string state;            // "connecting", "sending", "up to date", "unreachable"
    std::uint64_t acknowledged = 0;
    std::uint64_t behind = 0;     // records on disk the server has not acknowledged
    std::string error;            // the last failure, while unreachable
};

class RelpForwarder {
public:
    // `cursorFile`: where the cursor lives; absent = start after `startAfter`.
    RelpForwarder(RecordFeed& feed, std::string serial, std::string host, std::uint16_t port,
                  std::filesystem::path cursorFile, std::uint64_t startAfter, unsigned retryMs = 1000);
    ~RelpForwarder();   // stops the thread (a session in progress is broken off)
    RelpForwarder(const RelpForwarder&) = delete;
    RelpForwarder& operator=(const RelpForwarder&) = delete;

    void wake();
    ForwarderStatus status();
    const std::string& host() const { return host_; }
    std::uint16_t port() const { return port_; }
    // Stops and deletes the cursor file (the host was deleted).
    void forget();

    static std::string format(const std::string& hostname, long now, const std::string& serial, const std::string& record);

private:
    void run();
    bool deliver();   // false: the server is unreachable
    void saveCursor(std::uint64_t seq);
    void setState(const std::string& state, const std::string& error = {});
    bool waitOrStop(unsigned ms);

    RecordFeed& feed_;
    std::string serial_, host_;
    std::uint16_t port_;
    std::filesystem::path cursorFile_;
    unsigned retryMs_;
    std::string hostname_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool wake_ = true;
    int stop_ = 0;   // librelp polls it (relpEngineSetShutdownImmdtPtr)
    std::uint64_t cursor_ = 0;
    std::string state_ = "connecting", error_;
    std::thread thread_;
};

} // namespace luna::cbsd

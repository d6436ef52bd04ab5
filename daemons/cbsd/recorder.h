// cbsd's job: take records from the HSM's buffer, put them in the log files, make them
// durable, hand them to syslog, and only then acknowledge them, so a record is always either
// in the HSM's buffer or on disk. The order per batch:
//   fetch (after the `written` cursor) -> append -> fsync -> syslog -> save cursors -> acknowledge
// A crash anywhere loses nothing and duplicates nothing on disk: at restart the newest record
// on disk wins over a cursor that was not saved, records the HSM still holds are fetched after
// it, and records written but not yet handed to syslog are resent from disk.
#pragma once

#include "log_dir.h"
#include "relp_forwarder.h"
#include "state.h"
#include "syslog_out.h"

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace luna::cbsd {

// Where records come from: hsmd's com.safenet.Luna.Audit (main.cpp), a fake in tests.
class RecordSource {
public:
    virtual ~RecordSource() = default;
    struct Batch {
        std::vector<std::pair<std::uint64_t, std::string>> records;
        audit::Rotation rotation = audit::kDefaultRotation;
    };
    virtual Batch fetch(std::uint64_t after, std::uint32_t max) = 0;
    virtual void acknowledge(std::uint64_t upTo) = 0;
};

class Recorder final : public RecordFeed {
public:
    Recorder(LogDirectory& dir, StateFile& state, SyslogOut& syslog, std::uint32_t batch = 1000);

    // Recovers the files and cursors; resends to syslog what a crash kept from it.
    void start();
    // Fetches and writes until the source has nothing more; returns the records written.
    std::size_t drain(RecordSource& source);
    // Rotates the file in progress when the schedule says so.
    void tick(std::int64_t now);

    // For the D-Bus methods (logs_bus.h): everything that touches the files goes through here.
    std::vector<LogFile> list();
    std::string read(const std::string& name);
    void clear();
    void rotate();
    CbsState state();

    // For the RELP forwarders: the files on disk, and a call after new records reached them
    // (made outside the recorder's lock).
    std::vector<std::pair<std::uint64_t, std::string>> recordsAfter(std::uint64_t after, std::size_t max) override;
    std::uint64_t newest() override;
    void onWritten(std::function<void()> fn) { onWritten_ = std::move(fn); }
    const std::string& serial() const { return dir_.serial(); }

private:
    void resendToSyslog();
    LogDirectory& dir_;
    StateFile& stateFile_;
    SyslogOut& syslog_;
    std::uint32_t batch_;
    std::mutex mu_;
    CbsState state_;
    audit::Rotation rotation_ = audit::kDefaultRotation;
    std::uint64_t acknowledged_ = 0;
    std::function<void()> onWritten_;
};

} // namespace luna::cbsd

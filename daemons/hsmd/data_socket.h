// The data plane's transport: a local SOCK_SEQPACKET socket, one datagram per envelope
// (proto/codec.h). Only root and the configured ntlsd uid may connect (SO_PEERCRED);
// anyone else is logged, counted and disconnected.
//
// Each connection has a reader thread that decodes envelopes and frames; requests run on
// the worker pool (threads = cores), except those of a kind measured short (cost_estimate.h),
// which the reader runs itself: one thread hand-over less per request. Requests of one
// session run in arrival order (a strand per session), requests of different sessions in
// parallel. Malformed datagrams are
// counted and logged; when the frame header is readable the sender gets a refusal with
// its request id (CKR_ARGUMENTS_BAD, or CKR_FUNCTION_NOT_SUPPORTED for an unknown
// operation), and the daemon keeps serving everyone else. A connection's end closes every
// link it carried (sessions, session objects, logins).
#pragma once

#include "cost_estimate.h"
#include "work_queue.h"

#include "hsm/data_plane.h"
#include "proto/codec.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <sys/types.h>

namespace luna::hsmd {

struct DataSocketConfig {
    std::filesystem::path path;
    std::set<uid_t> allowedUids;   // besides root: the ntlsd user
};

struct DataPlaneCounters {   // published as hsmd's D-Bus properties, read by SNMP
    std::atomic<std::uint64_t> connections{0}, refusedPeers{0}, requests{0}, malformed{0};
    std::atomic<std::uint64_t> errors{0};       // requests answered with a CKR other than CKR_OK
    std::atomic<std::uint64_t> busyMicros{0};   // time spent executing requests
};

class DataSocket {
public:
    // `threads` workers run the requests (hsmd: one per core).
    DataSocket(hsm::DataPlane& dp, unsigned threads, DataSocketConfig config);
    ~DataSocket();
    DataSocket(const DataSocket&) = delete;
    DataSocket& operator=(const DataSocket&) = delete;

    const DataPlaneCounters& counters() const { return counters_; }

private:
    struct Conn;
    using StrandKey = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>;   // connection, link, session

    void acceptLoop();
    void serve(std::shared_ptr<Conn> conn);
    void onDatagram(const std::shared_ptr<Conn>& conn, std::span<const std::uint8_t> dgram);
    void execute(const std::shared_ptr<Conn>& conn, hsm::Caller caller, std::uint64_t wireLink, std::string client,
                 std::uint32_t requestId, proto::Request request, std::size_t kind);
    void refuse(Conn& conn, std::uint64_t link, const std::string& client, std::uint32_t requestId, std::uint16_t op,
                std::uint32_t rv, const std::string& detail);
    void send(Conn& conn, std::uint64_t link, const std::string& client, const proto::Bytes& frame);
    void post(const StrandKey* key, std::function<void()> job);
    void runStrand(StrandKey key, std::function<void()> job);
    void finishStrand(const StrandKey& key);   // after a strand's job: the next one to a worker, or the strand ends

    hsm::DataPlane& dp_;
    DataSocketConfig config_;
    DataPlaneCounters counters_;
    int listenFd_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;

    std::mutex connMu_;
    std::map<std::uint64_t, std::shared_ptr<Conn>> conns_;
    std::vector<std::thread> readers_;
    std::uint64_t nextConn_ = 1;
    std::atomic<std::uint64_t> nextLink_{1};
    CostEstimate costs_;

    std::mutex strandMu_;
    std::map<StrandKey, std::deque<std::function<void()>>> strands_;
    std::unique_ptr<WorkQueue> work_;   // last: drained before the rest goes
};

} // namespace luna::hsmd

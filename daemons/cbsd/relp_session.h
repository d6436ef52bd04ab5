// One RELP session to a remote log server (a SIEM), over librelp. librelp reports no
// per-message acknowledgement, so what the server has acknowledged is inferred from the two
// things it does promise: a send returns only when the window has room (fewer than `window`
// messages unacknowledged; the server answers in order, so all but the last window-1 are
// acknowledged), and a polite close returns only after the server answered the close, which
// it does after every message before it. close() is how the forwarder confirms a tail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct relpEngine_s;
struct relpClt_s;

namespace luna::cbsd {

class RelpSession {
public:
    static constexpr int kWindow = 128;

    // `stop`: set non-zero (by another thread) to break off a wait for the server at once.
    RelpSession(std::string host, std::uint16_t port, int* stop, unsigned timeoutSeconds = 10);
    ~RelpSession();
    RelpSession(const RelpSession&) = delete;
    RelpSession& operator=(const RelpSession&) = delete;

    // Opens the session (TCP connect and the RELP open handshake); false with error() set.
    bool open();
    bool isOpen() const { return clt_ != nullptr; }
    // One syslog message; false when the session broke (it is closed then).
    bool send(std::string_view message);
    // Messages sent in this session that the server has certainly acknowledged.
    std::uint64_t acknowledged() const { return sent_ > kWindow ? sent_ - kWindow : 0; }
    std::uint64_t sent() const { return sent_; }
    // Closes politely; true if the server acknowledged everything sent in the session.
    bool close();

    const std::string& error() const { return error_; }

private:
    static void onError(void* self, char* objinfo, char* errmsg, int code);
    void drop();

    std::string host_;
    std::string port_;
    int* stop_;
    unsigned timeout_;
    relpEngine_s* engine_ = nullptr;
    relpClt_s* clt_ = nullptr;
    std::uint64_t sent_ = 0;
    bool failed_ = false;
    std::string error_;
};

} // namespace luna::cbsd

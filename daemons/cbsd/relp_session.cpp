#include "relp_session.h"

extern "C" {   // librelp.h has no C++ guards
#include <librelp.h>
}
#include <sys/socket.h>

namespace luna::cbsd {
namespace {
void quiet(char*, ...) {}
} // namespace

RelpSession::RelpSession(std::string host, std::uint16_t port, int* stop, unsigned timeoutSeconds)
    : host_(std::move(host)), port_(std::to_string(port)), stop_(stop), timeout_(timeoutSeconds) {}

RelpSession::~RelpSession() { drop(); }

void RelpSession::onError(void* self, char* objinfo, char* errmsg, int code) {
    auto* s = static_cast<RelpSession*>(self);
    if (!s) return;
    s->failed_ = true;
    if (s->error_.empty())
        s->error_ = std::string(errmsg ? errmsg : "error") + " (" + (objinfo ? objinfo : "") + ", librelp " +
                    std::to_string(code) + ")";
}

bool RelpSession::open() {
    drop();
    failed_ = false;
    error_.clear();
    sent_ = 0;
    if (relpEngineConstruct(&engine_) != RELP_RET_OK) {
        error_ = "librelp: no engine";
        return false;
    }
    // librelp calls its debug printer unconditionally: it must be set.
    relpEngineSetDbgprint(engine_, quiet);
    relpEngineSetDnsLookupMode(engine_, 0);
    relpEngineSetEnableCmd(engine_, reinterpret_cast<unsigned char*>(const_cast<char*>("syslog")), eRelpCmdState_Required);
    relpEngineSetOnErr(engine_, [](void* u, char* o, char* m, relpRetVal c) { onError(u, o, m, c); });
    if (stop_) relpEngineSetShutdownImmdtPtr(engine_, stop_);
    if (relpEngineCltConstruct(engine_, &clt_) != RELP_RET_OK) {
        error_ = "librelp: no client";
        drop();
        return false;
    }
    relpCltSetUsrPtr(clt_, this);
    relpCltSetTimeout(clt_, timeout_);
    relpCltSetConnTimeout(clt_, static_cast<int>(timeout_));
    relpCltSetWindowSize(clt_, kWindow);
    auto rc = relpCltConnect(clt_, AF_UNSPEC, reinterpret_cast<unsigned char*>(port_.data()),
                             reinterpret_cast<unsigned char*>(host_.data()));
    if (rc != RELP_RET_OK) {
        if (error_.empty()) error_ = "cannot open a RELP session (librelp " + std::to_string(rc) + ")";
        drop();
        return false;
    }
    return true;
}

bool RelpSession::send(std::string_view message) {
    if (!clt_) return false;
    auto rc = relpCltSendSyslog(clt_, reinterpret_cast<unsigned char*>(const_cast<char*>(message.data())), message.size());
    if (rc != RELP_RET_OK || failed_) {
        if (error_.empty()) error_ = "the RELP session broke (librelp " + std::to_string(rc) + ")";
        drop();
        return false;
    }
    ++sent_;
    return true;
}

bool RelpSession::close() {
    if (!clt_) return false;
    // The client's destructor sends "close" and waits for the server's answer; a failure on
    // the way is reported through onError.
    relpEngineCltDestruct(engine_, &clt_);
    clt_ = nullptr;
    const bool ok = !failed_;
    if (!ok && error_.empty()) error_ = "the RELP session did not close cleanly";
    drop();
    return ok;
}

void RelpSession::drop() {
    if (clt_) relpEngineCltDestruct(engine_, &clt_);
    clt_ = nullptr;
    if (engine_) relpEngineDestruct(&engine_);
    engine_ = nullptr;
}

} // namespace luna::cbsd

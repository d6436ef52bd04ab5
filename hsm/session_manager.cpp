#include "hsm/session_manager.h"

#include "luna/errors.h"

namespace luna::hsm {

SessionPtr SessionManager::open(const std::string& app, std::uint64_t slot, bool rw) {
    std::unique_lock lock(mu_);
    if (sessions_.size() >= max_)
        throw Error(CKR_DEVICE_ERROR, "The HSM session table is full (LUNA_RET_SM_SESSION_REALLOC_ERROR): close unused sessions");
    auto s = std::make_shared<Session>();
    s->handle = next_++;
    s->slot = slot;
    s->app = app;
    s->rw = rw;
    sessions_.emplace(s->handle, s);
    return s;
}

SessionPtr SessionManager::get(std::uint64_t handle, const std::string& app) const {
    std::shared_lock lock(mu_);
    auto it = sessions_.find(handle);
    if (it == sessions_.end() || it->second->app != app) throw Error(CKR_SESSION_HANDLE_INVALID);
    return it->second;
}

SessionPtr SessionManager::close(std::uint64_t handle, const std::string& app) {
    std::unique_lock lock(mu_);
    auto it = sessions_.find(handle);
    if (it == sessions_.end() || it->second->app != app) throw Error(CKR_SESSION_HANDLE_INVALID);
    auto s = it->second;
    sessions_.erase(it);
    return s;
}

std::vector<SessionPtr> SessionManager::closeAll(const std::string& app, std::optional<std::uint64_t> slot) {
    std::unique_lock lock(mu_);
    std::vector<SessionPtr> out;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second->app == app && (!slot || it->second->slot == *slot)) {
            out.push_back(it->second);
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

SessionManager::Counts SessionManager::count(std::uint64_t slot) const {
    std::shared_lock lock(mu_);
    Counts c;
    for (const auto& [_, s] : sessions_)
        if (s->slot == slot) {
            ++c.total;
            c.rw += s->rw ? 1 : 0;
        }
    return c;
}

SessionManager::Counts SessionManager::count(const std::string& app, std::uint64_t slot) const {
    std::shared_lock lock(mu_);
    Counts c;
    for (const auto& [_, s] : sessions_)
        if (s->slot == slot && s->app == app) {
            ++c.total;
            c.rw += s->rw ? 1 : 0;
        }
    return c;
}

} // namespace luna::hsm

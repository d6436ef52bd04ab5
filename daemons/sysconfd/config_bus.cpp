#include "config_bus.h"

#include "luna/errors.h"

namespace luna::sysconfd {
namespace {

// The users service carries the roles file and the SSH keys: restoring or resetting it
// changes who holds which role, which only the original admin account may do (as `user role
// add`); otherwise a named admin could grant roles or plant keys through a crafted backup.
void checkUsersChange(const Caller& c, const std::string& service) {
    if ((service == "users" || service == "all") && c.uid != 0 && c.user != "admin")
        throw Error(rc::ACCESS_DENIED, "Only the original admin account may restore or reset the users configuration "
                                       "(roles and keys); name another service");
}

} // namespace

ConfigBus::ConfigBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                     sysconf::ConfigBackups& backups)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), backups_(backups) {
    registerAdaptor();
}

ConfigBus::~ConfigBus() { unregisterAdaptor(); }

std::string ConfigBus::Backup(const std::string& description) {
    return gate_.serve(getObject(), Request::ConfigBackup, description.substr(0, 80),
                       [&](const Caller&) { return backups_.create(description); });
}

std::vector<sdbus::Struct<std::string, uint64_t, std::string>> ConfigBus::List() {
    return gate_.serve(getObject(), Request::ConfigList, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint64_t, std::string>> out;
        for (const auto& b : backups_.list()) out.emplace_back(b.name, static_cast<uint64_t>(b.size), b.description);
        return out;
    });
}

std::tuple<std::string, std::vector<sdbus::Struct<std::string, std::string>>> ConfigBus::Show(const std::string& file) {
    return gate_.serve(getObject(), Request::ConfigShow, file, [&](const Caller&) {
        auto m = backups_.show(file);
        std::vector<sdbus::Struct<std::string, std::string>> info;
        for (auto& [k, v] : m.info) info.emplace_back(k, v);
        return std::make_tuple(m.description, std::move(info));
    });
}

void ConfigBus::Delete(const std::string& file) {
    gate_.serve(getObject(), Request::ConfigDelete, file, [&](const Caller&) { backups_.remove(file); });
}

void ConfigBus::Clear() {
    gate_.serve(getObject(), Request::ConfigClear, "", [&](const Caller&) { backups_.clear(); });
}

std::string ConfigBus::Restore(const std::string& file, const std::string& service) {
    return gate_.serve(getObject(), Request::ConfigRestore, file + " " + service, [&](const Caller& c) {
        checkUsersChange(c, service);
        return backups_.restore(file, service);
    });
}

std::vector<sdbus::Struct<std::string, bool, std::string>> ConfigBus::FactoryReset(const std::string& service) {
    return gate_.serve(getObject(), Request::ConfigFactoryReset, service, [&](const Caller& c) {
        checkUsersChange(c, service);
        std::vector<sdbus::Struct<std::string, bool, std::string>> out;
        for (auto& r : backups_.factoryReset(service)) out.emplace_back(r.service, r.ok, r.detail);
        return out;
    });
}

sdbus::UnixFd ConfigBus::Export(const std::string& file) {
    return gate_.serve(getObject(), Request::ConfigExport, file,
                       [&](const Caller&) { return sdbus::UnixFd(backups_.openBackup(file), sdbus::adopt_fd); });
}

void ConfigBus::Import(const sdbus::UnixFd& backup, const std::string& file) {
    gate_.serve(getObject(), Request::ConfigImport, file, [&](const Caller&) { backups_.importBackup(backup.get(), file); });
}

} // namespace luna::sysconfd

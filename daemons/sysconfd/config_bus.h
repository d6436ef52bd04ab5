// com.safenet.Luna.Config on sysconfd's object: LunaSH `sysconf config ...`.
#pragma once

#include "gatekeeper.h"

#include "sysconf/config_backup.h"

#include "config_adaptor.h"

#include <functional>

namespace luna::sysconfd {

class ConfigBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Config_adaptor> {
public:
    ConfigBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::ConfigBackups& backups);
    ~ConfigBus();

private:
    std::string Backup(const std::string& description) override;
    std::vector<sdbus::Struct<std::string, uint64_t, std::string>> List() override;
    std::tuple<std::string, std::vector<sdbus::Struct<std::string, std::string>>> Show(const std::string& file) override;
    void Delete(const std::string& file) override;
    void Clear() override;
    std::string Restore(const std::string& file, const std::string& service) override;
    std::vector<sdbus::Struct<std::string, bool, std::string>> FactoryReset(const std::string& service) override;
    sdbus::UnixFd Export(const std::string& file) override;
    void Import(const sdbus::UnixFd& backup, const std::string& file) override;

    Gatekeeper& gate_;
    sysconf::ConfigBackups& backups_;
};

} // namespace luna::sysconfd

#include "sysconf/ntp_manager.h"

#include "sysconf/atomic_file.h"

#include <filesystem>

namespace luna::sysconf {

std::string NtpManager::configuration() const {
    return readFile(paths_.ntpConf).value_or(NtpSettings().render(paths_.ntpDriftFile));
}

void NtpManager::write(const NtpSettings& s, bool start) {
    const std::string unit(kUnit);
    const bool wasRunning = services_.status(unit).running();
    std::filesystem::create_directories(paths_.ntpConf.parent_path());
    applyConfig({paths_.ntpConf, s.render(paths_.ntpDriftFile), FileOwner{0, 0, 0644}, {}, [&] {
                     if (start || wasRunning) services_.restart(unit);
                 }});
}

void NtpManager::addServer(NtpServer server) {
    auto s = settings();
    s.addServer(std::move(server));
    write(s, true);
    services_.enable(std::string(kUnit));
}

void NtpManager::deleteServer(std::string_view host) {
    auto s = settings();
    s.deleteServer(host);
    write(s, false);
}

void NtpManager::enable() {
    const std::string unit(kUnit);
    if (!std::filesystem::exists(paths_.ntpConf)) write(settings(), false);
    services_.enable(unit);
    services_.restart(unit);
}

void NtpManager::disable() {
    const std::string unit(kUnit);
    services_.disable(unit);
    services_.stop(unit);
}

NtpManager::Status NtpManager::status() {
    auto st = services_.status(std::string(kUnit));
    return {st.running(), st.unitFileState == "enabled"};
}

} // namespace luna::sysconf

#include "time_bus.h"

#include "luna/errors.h"

namespace luna::sysconfd {

constexpr const char* kDateFormat = "%a %b %e %H:%M:%S %Z %Y";

TimeBus::TimeBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::Clock& clock,
                 sysconf::TimeZones& zones)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), clock_(clock), zones_(zones) {
    registerAdaptor();
}

TimeBus::~TimeBus() { unregisterAdaptor(); }

std::tuple<int64_t, std::string, std::string, std::string, std::string> TimeBus::GetTime() {
    return gate_.serve(getObject(), Request::TimeGet, "", [&](const Caller&) {
        const auto now = clock_.now();
        return std::make_tuple(static_cast<int64_t>(now), zones_.format(now, kDateFormat), zones_.current(),
                               zones_.abbreviation(now), std::string(clock_.kind()));
    });
}

std::string TimeBus::SetTime(const std::string& time, const std::string& date) {
    return gate_.serve(getObject(), Request::TimeSet, time + (date.empty() ? "" : " " + date), [&](const Caller&) {
        const auto epoch = zones_.parseWallClock(time, date, clock_.now());
        clock_.set(epoch);
        return zones_.format(clock_.now(), kDateFormat);
    });
}

void TimeBus::SetTimeZone(const std::string& zone) {
    gate_.serve(getObject(), Request::TimeSetZone, zone, [&](const Caller&) { zones_.set(zone); });
}

std::vector<std::string> TimeBus::ListTimeZones(const std::string& region) {
    return gate_.serve(getObject(), Request::TimeListZones, region, [&](const Caller&) {
        if (region.size() > 64) throw Error(rc::CONFIG_VALUE_INVALID, "The region is too long");
        return zones_.list(region);
    });
}

NtpBus::NtpBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::NtpManager& ntp)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), ntp_(ntp) {
    registerAdaptor();
}

NtpBus::~NtpBus() { unregisterAdaptor(); }

std::vector<std::string> NtpBus::ListServers() {
    return gate_.serve(getObject(), Request::NtpListServers, "", [&](const Caller&) {
        std::vector<std::string> out;
        const auto settings = ntp_.settings();
        for (const auto& s : settings.servers()) out.push_back(s.line());
        return out;
    });
}

void NtpBus::AddServer(const std::string& host, const bool& burst, const bool& iburst, const bool& prefer,
                       const uint32_t& key, const uint32_t& version) {
    gate_.serve(getObject(), Request::NtpAddServer, host, [&](const Caller&) {
        ntp_.addServer({host, burst, iburst, prefer, key, version});
    });
}

void NtpBus::DeleteServer(const std::string& host) {
    gate_.serve(getObject(), Request::NtpDeleteServer, host, [&](const Caller&) { ntp_.deleteServer(host); });
}

void NtpBus::Enable() {
    gate_.serve(getObject(), Request::NtpEnable, "", [&](const Caller&) { ntp_.enable(); });
}

void NtpBus::Disable() {
    gate_.serve(getObject(), Request::NtpDisable, "", [&](const Caller&) { ntp_.disable(); });
}

std::tuple<bool, bool> NtpBus::GetStatus() {
    return gate_.serve(getObject(), Request::NtpStatus, "", [&](const Caller&) {
        auto s = ntp_.status();
        return std::make_tuple(s.running, s.enabled);
    });
}

std::string NtpBus::GetConfiguration() {
    return gate_.serve(getObject(), Request::NtpConfiguration, "", [&](const Caller&) { return ntp_.configuration(); });
}

} // namespace luna::sysconfd

// The fixed set of requests sysconfd answers, each with its permit rule (the OpenSSH
// monitor model, STYLE.md): one row per D-Bus method, checked before anything else runs.
// A method without a row cannot be served: handlers name their row, and the table is
// complete by construction (static_assert below).
#pragma once

#include "luna/appliance_roles.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace luna::sysconfd {

enum class Request : std::size_t {
    Whoami,
    ListRequests,
    UsersList,
    UsersAdd,
    UsersDelete,
    UsersEnable,
    UsersDisable,
    UsersSetPassword,
    UsersAddRole,
    UsersDeleteRole,
    UsersClearRoles,
    UsersListRoles,
    UsersGetRoles,
    MySetPassword,
    MyPasswordExpiry,
    MyListPublicKeys,
    MyAddPublicKey,
    MyDeletePublicKey,
    MyClearPublicKeys,
    // The appliance platform (docs/sysconf-platform.md).
    SyslogListHosts,
    SyslogAddHost,
    SyslogDeleteHost,
    SyslogClearHosts,
    SyslogSetSeverity,
    SyslogGetConfiguration,
    SyslogSetRotations,
    SyslogSetPeriod,
    SyslogRotate,
    SyslogListFiles,
    SyslogTail,
    SyslogArchive,
    SyslogExport,
    SyslogCleanup,
    AuditListHosts,
    AuditAddHost,
    AuditDeleteHost,
    AuditClearHosts,
    ServicesList,
    ServicesStatus,
    ServicesStart,
    ServicesStop,
    ServicesRestart,
    ConfigBackup,
    ConfigList,
    ConfigShow,
    ConfigDelete,
    ConfigClear,
    ConfigRestore,
    ConfigFactoryReset,
    ConfigExport,
    ConfigImport,
    TimeGet,
    TimeSet,
    TimeSetZone,
    TimeListZones,
    NtpListServers,
    NtpAddServer,
    NtpDeleteServer,
    NtpEnable,
    NtpDisable,
    NtpStatus,
    NtpConfiguration,
    ApplianceSetBanner,
    ApplianceClearBanner,
    ApplianceGetForceSoLogin,
    ApplianceSetForceSoLogin,
    ApplianceSshFingerprints,
    ApplianceLicenseFingerprint,
    ApplianceListLicenses,
    ApplianceApplyLicense,
    ApplianceRevokeLicense,
    ApplianceReboot,
    AppliancePowerOff,
    // LunaSH `sysconf snmp ...` (docs/snmp.md).
    SnmpStatus,
    SnmpEnable,
    SnmpDisable,
    SnmpListUsers,
    SnmpAddUser,
    SnmpDeleteUser,
    SnmpClearUsers,
    SnmpListTargets,
    SnmpAddTarget,
    SnmpDeleteTargets,
    SnmpClearTargets,
    SnmpGetTrapHost,
    SnmpSetTrapHost,
    SnmpClearTrapHost,
    SnmpTrapStatus,
    SnmpEnableTrap,
    SnmpDisableTrap,
    SnmpTestTrap,
    Count
};

// Who, beyond the role, may make a request.
enum class Who {
    Anyone,          // any caller, even one without a role (it learns only about itself)
    Role,            // a caller whose role is in `roles`
    ApplianceUser,   // ... and is an appliance user (acts on its own account: not root)
    OriginalAdmin,   // ... and is the built-in admin account (or root): "user role" changes
};

struct RequestRule {
    Request id;
    std::string_view name;     // Interface.Method, as logged
    Permit roles;
    Who who;
    bool changes;              // logged when it succeeds
};

inline constexpr Permit kAdmin{static_cast<unsigned>(AppRole::Admin)};
inline constexpr Permit kAudit{static_cast<unsigned>(AppRole::Audit)};
inline constexpr Permit kEveryRole = AppRole::Admin | AppRole::Operator | AppRole::Monitor | AppRole::Audit;
// The platform commands' "User Privileges" (LunaSH reference): admin; admin and operator;
// admin, operator and monitor.
inline constexpr Permit kAdminOperator = AppRole::Admin | AppRole::Operator;
inline constexpr Permit kAdminOperatorMonitor = AppRole::Admin | AppRole::Operator | AppRole::Monitor;

inline constexpr std::array<RequestRule, static_cast<std::size_t>(Request::Count)> kRequestTable{{
    {Request::Whoami, "Sysconf.Whoami", kEveryRole, Who::Anyone, false},
    {Request::ListRequests, "Sysconf.Requests", kEveryRole, Who::Role, false},
    // LunaSH `user ...`: admin only (reference, "User Privileges: Admin"); `user role
    // add/clear/delete` "is available only to the original admin account".
    {Request::UsersList, "Users.List", kAdmin, Who::Role, false},
    {Request::UsersAdd, "Users.Add", kAdmin, Who::Role, true},
    {Request::UsersDelete, "Users.Delete", kAdmin, Who::Role, true},
    {Request::UsersEnable, "Users.Enable", kAdmin, Who::Role, true},
    {Request::UsersDisable, "Users.Disable", kAdmin, Who::Role, true},
    {Request::UsersSetPassword, "Users.SetPassword", kAdmin, Who::Role, true},
    {Request::UsersAddRole, "Users.AddRole", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersDeleteRole, "Users.DeleteRole", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersClearRoles, "Users.ClearRoles", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersListRoles, "Users.ListRoles", kAdmin, Who::Role, false},
    {Request::UsersGetRoles, "Users.GetRoles", kAdmin, Who::Role, false},
    // LunaSH `my ...`: every role (the audit user has `my` too), on the caller's own account.
    {Request::MySetPassword, "Users.SetMyPassword", kEveryRole, Who::ApplianceUser, true},
    {Request::MyPasswordExpiry, "Users.GetMyPasswordExpiry", kEveryRole, Who::ApplianceUser, false},
    {Request::MyListPublicKeys, "Users.ListMyPublicKeys", kEveryRole, Who::ApplianceUser, false},
    {Request::MyAddPublicKey, "Users.AddMyPublicKey", kEveryRole, Who::ApplianceUser, true},
    {Request::MyDeletePublicKey, "Users.DeleteMyPublicKey", kEveryRole, Who::ApplianceUser, true},
    {Request::MyClearPublicKeys, "Users.ClearMyPublicKeys", kEveryRole, Who::ApplianceUser, true},
    // LunaSH `syslog ...`: severity set and cleanup are admin's; show, tail, tarlogs any
    // monitoring role; the rest admin and operator.
    {Request::SyslogListHosts, "Syslog.ListRemoteHosts", kAdminOperator, Who::Role, false},
    {Request::SyslogAddHost, "Syslog.AddRemoteHost", kAdminOperator, Who::Role, true},
    {Request::SyslogDeleteHost, "Syslog.DeleteRemoteHost", kAdminOperator, Who::Role, true},
    {Request::SyslogClearHosts, "Syslog.ClearRemoteHosts", kAdminOperator, Who::Role, true},
    {Request::SyslogSetSeverity, "Syslog.SetSeverity", kAdmin, Who::Role, true},
    {Request::SyslogGetConfiguration, "Syslog.GetConfiguration", kAdminOperatorMonitor, Who::Role, false},
    {Request::SyslogSetRotations, "Syslog.SetRotations", kAdminOperator, Who::Role, true},
    {Request::SyslogSetPeriod, "Syslog.SetPeriod", kAdminOperator, Who::Role, true},
    {Request::SyslogRotate, "Syslog.Rotate", kAdminOperator, Who::Role, true},
    {Request::SyslogListFiles, "Syslog.ListLogFiles", kAdminOperatorMonitor, Who::Role, false},
    {Request::SyslogTail, "Syslog.Tail", kAdminOperatorMonitor, Who::Role, false},
    {Request::SyslogArchive, "Syslog.ArchiveLogs", kAdminOperatorMonitor, Who::Role, false},
    {Request::SyslogExport, "Syslog.ExportLog", kAdminOperator, Who::Role, false},
    {Request::SyslogCleanup, "Syslog.Cleanup", kAdmin, Who::Role, true},
    // LunaSH `audit remotehost ...` (UDP, TCP): "Only specialized Audit users can access audit
    // commands" (reference); the admin cannot see or change where audit records go.
    {Request::AuditListHosts, "Syslog.ListAuditRemoteHosts", kAudit, Who::Role, false},
    {Request::AuditAddHost, "Syslog.AddAuditRemoteHost", kAudit, Who::Role, true},
    {Request::AuditDeleteHost, "Syslog.DeleteAuditRemoteHost", kAudit, Who::Role, true},
    {Request::AuditClearHosts, "Syslog.ClearAuditRemoteHosts", kAudit, Who::Role, true},
    // LunaSH `service ...`.
    {Request::ServicesList, "Services.List", kAdminOperatorMonitor, Who::Role, false},
    {Request::ServicesStatus, "Services.Status", kAdminOperatorMonitor, Who::Role, false},
    {Request::ServicesStart, "Services.Start", kAdminOperator, Who::Role, true},
    {Request::ServicesStop, "Services.Stop", kAdminOperator, Who::Role, true},
    {Request::ServicesRestart, "Services.Restart", kAdminOperator, Who::Role, true},
    // LunaSH `sysconf config ...`: list and show for every monitoring role, the rest admin.
    {Request::ConfigBackup, "Config.Backup", kAdmin, Who::Role, true},
    {Request::ConfigList, "Config.List", kAdminOperatorMonitor, Who::Role, false},
    {Request::ConfigShow, "Config.Show", kAdminOperatorMonitor, Who::Role, false},
    {Request::ConfigDelete, "Config.Delete", kAdmin, Who::Role, true},
    {Request::ConfigClear, "Config.Clear", kAdmin, Who::Role, true},
    {Request::ConfigRestore, "Config.Restore", kAdmin, Who::Role, true},
    {Request::ConfigFactoryReset, "Config.FactoryReset", kAdmin, Who::Role, true},
    {Request::ConfigExport, "Config.Export", kAdmin, Who::Role, false},
    {Request::ConfigImport, "Config.Import", kAdmin, Who::Role, true},
    // LunaSH `sysconf time`, `sysconf timezone` (status date reads the time too).
    {Request::TimeGet, "Time.GetTime", kAdminOperatorMonitor, Who::Role, false},
    {Request::TimeSet, "Time.SetTime", kAdminOperator, Who::Role, true},
    {Request::TimeSetZone, "Time.SetTimeZone", kAdminOperator, Who::Role, true},
    {Request::TimeListZones, "Time.ListTimeZones", kAdminOperatorMonitor, Who::Role, false},
    // LunaSH `sysconf ntp ...`.
    {Request::NtpListServers, "Ntp.ListServers", kAdminOperatorMonitor, Who::Role, false},
    {Request::NtpAddServer, "Ntp.AddServer", kAdminOperator, Who::Role, true},
    {Request::NtpDeleteServer, "Ntp.DeleteServer", kAdminOperator, Who::Role, true},
    {Request::NtpEnable, "Ntp.Enable", kAdminOperator, Who::Role, true},
    {Request::NtpDisable, "Ntp.Disable", kAdminOperator, Who::Role, true},
    {Request::NtpStatus, "Ntp.GetStatus", kAdminOperatorMonitor, Who::Role, false},
    {Request::NtpConfiguration, "Ntp.GetConfiguration", kAdminOperatorMonitor, Who::Role, false},
    // LunaSH `sysconf banner/forcesologin/fingerprint/license/appliance`.
    {Request::ApplianceSetBanner, "Appliance.SetBanner", kAdmin, Who::Role, true},
    {Request::ApplianceClearBanner, "Appliance.ClearBanner", kAdmin, Who::Role, true},
    {Request::ApplianceGetForceSoLogin, "Appliance.GetForceSoLogin", kAdmin, Who::Role, false},
    {Request::ApplianceSetForceSoLogin, "Appliance.SetForceSoLogin", kAdmin, Who::Role, true},
    {Request::ApplianceSshFingerprints, "Appliance.GetSshFingerprints", kAdminOperatorMonitor, Who::Role, false},
    {Request::ApplianceLicenseFingerprint, "Appliance.GetLicenseFingerprint", kAdminOperatorMonitor, Who::Role, false},
    {Request::ApplianceListLicenses, "Appliance.ListLicenses", kAdminOperatorMonitor, Who::Role, false},
    {Request::ApplianceApplyLicense, "Appliance.ApplyLicense", kAdmin, Who::Role, true},
    {Request::ApplianceRevokeLicense, "Appliance.RevokeLicense", kAdmin, Who::Role, true},
    {Request::ApplianceReboot, "Appliance.Reboot", kAdminOperator, Who::Role, true},
    {Request::AppliancePowerOff, "Appliance.PowerOff", kAdminOperator, Who::Role, true},
    // LunaSH `sysconf snmp ...`: show, user list, notification list and trap show for every
    // monitoring role, the rest admin and operator (reference, "User Privileges").
    {Request::SnmpStatus, "Snmp.GetStatus", kAdminOperatorMonitor, Who::Role, false},
    {Request::SnmpEnable, "Snmp.Enable", kAdminOperator, Who::Role, true},
    {Request::SnmpDisable, "Snmp.Disable", kAdminOperator, Who::Role, true},
    {Request::SnmpListUsers, "Snmp.ListUsers", kAdminOperatorMonitor, Who::Role, false},
    {Request::SnmpAddUser, "Snmp.AddUser", kAdminOperator, Who::Role, true},
    {Request::SnmpDeleteUser, "Snmp.DeleteUser", kAdminOperator, Who::Role, true},
    {Request::SnmpClearUsers, "Snmp.ClearUsers", kAdminOperator, Who::Role, true},
    {Request::SnmpListTargets, "Snmp.ListNotificationTargets", kAdminOperatorMonitor, Who::Role, false},
    {Request::SnmpAddTarget, "Snmp.AddNotificationTarget", kAdminOperator, Who::Role, true},
    {Request::SnmpDeleteTargets, "Snmp.DeleteNotificationTargets", kAdminOperator, Who::Role, true},
    {Request::SnmpClearTargets, "Snmp.ClearNotificationTargets", kAdminOperator, Who::Role, true},
    {Request::SnmpGetTrapHost, "Snmp.GetTrapHost", kAdminOperatorMonitor, Who::Role, false},
    {Request::SnmpSetTrapHost, "Snmp.SetTrapHost", kAdminOperator, Who::Role, true},
    {Request::SnmpClearTrapHost, "Snmp.ClearTrapHost", kAdminOperator, Who::Role, true},
    {Request::SnmpTrapStatus, "Snmp.GetTrapStatus", kAdminOperatorMonitor, Who::Role, false},
    {Request::SnmpEnableTrap, "Snmp.EnableTrap", kAdminOperator, Who::Role, true},
    {Request::SnmpDisableTrap, "Snmp.DisableTrap", kAdminOperator, Who::Role, true},
    {Request::SnmpTestTrap, "Snmp.TestTrap", kAdminOperator, Who::Role, true},
}};

constexpr bool requestTableInOrder() {
    for (std::size_t i = 0; i < kRequestTable.size(); ++i)
        if (static_cast<std::size_t>(kRequestTable[i].id) != i) return false;
    return true;
}
static_assert(requestTableInOrder(), "kRequestTable rows must follow the Request enum");

constexpr const RequestRule& rule(Request r) { return kRequestTable[static_cast<std::size_t>(r)]; }

} // namespace luna::sysconfd

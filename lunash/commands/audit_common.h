// Shared by the audit group's files (audit.cpp, audit_log.cpp): the session's audit service,
// the -serial check, and the user's own file area (where scp puts and fetches files).
#pragma once

#include "audit_service.h"
#include "hsm_service.h"
#include "registry.h"
#include "shell.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lunash {

void registerAuditLogCommands(CommandTable& t);      // audit_log.cpp
void registerAuditRemoteCommands(CommandTable& t);   // audit_remote.cpp

inline AuditService& auditService(Context& ctx) { return ctx.hsm().audit(); }

std::string lowerCase(std::string s);
// -serial names the HSM; only the embedded one exists.
void requireSerial(Context& ctx, const Args& args, std::string_view option);
// The user's file area: the session's home ($HOME).
std::filesystem::path userDir(const Context& ctx);
// A plain file name in the user's area (no '/', no leading '.'), or a ShellError.
std::filesystem::path userFile(const Context& ctx, const std::string& name);
void writeUserFile(const Context& ctx, const std::string& name, const std::string& content);
// `name` under the user's area, tried under each prefix ("", "<serial>/", ...) in turn.
std::optional<std::filesystem::path> findUserFile(const Context& ctx, const std::string& name,
                                                  const std::vector<std::string>& prefixes);

} // namespace lunash

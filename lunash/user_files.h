// Files in the user's own file area (its home, where scp puts them), handled by lunash as
// the user, so root never walks a user-writable directory: the platform commands read a
// banner, a licence or a configuration backup from there and leave archives and exports
// there. Names are single components of a-z A-Z 0-9 '.', '-', '_' not starting with a dot
// (the reference's rule for banner files); links are never followed.
#pragma once

#include "shell.h"

#include <cstddef>
#include <string>

namespace lunash {

void checkUserFileName(const std::string& name);   // ShellError
// The whole file, at most `max` bytes; ShellError "Cannot find <name>" when absent.
std::string readUserFile(const Context& ctx, const std::string& name, std::size_t max);
// Opened read-only (for handing to sysconfd); ShellError as above.
int openUserFile(const Context& ctx, const std::string& name);
// Copies everything readable from `fd` to <home>/<name> (replacing a regular file of that
// name), mode 0600.
void writeUserFile(const Context& ctx, const std::string& name, int fd);

} // namespace lunash

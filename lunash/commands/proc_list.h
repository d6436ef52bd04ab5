// What the status commands read about processes from /proc, as the unprivileged user lunash
// runs as: the processes (sorted by PID), and each one's command as the reference shows it.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lunash {

// The first line of a small /proc or /sys file ("" when it cannot be read).
std::string readFirstLine(const std::filesystem::path& p);
// Every /proc/<pid>, lowest PID first.
std::vector<std::pair<long, std::filesystem::path>> processes();
// The program as started (argv[0]), or [name] for a kernel thread.
std::string processCommand(const std::filesystem::path& proc);

} // namespace lunash

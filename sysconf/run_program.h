// Runs the system's own tools (useradd, chpasswd, sshd -t, ...) for sysconfd: an argv, never
// a shell; a fixed environment; stdin from a string; stdout and stderr captured together; a
// deadline after which the child is killed.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct ProgramResult {
    int status = -1;        // exit status; 128 + signal number if killed
    std::string output;     // stdout and stderr, interleaved
};

ProgramResult runProgram(const std::vector<std::string>& argv, std::string_view input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

// runProgram, and a std::runtime_error naming the program, its status and its last output
// line unless it exited 0. The input is never part of the message (it may hold a password).
ProgramResult runChecked(const std::vector<std::string>& argv, std::string_view input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

} // namespace luna::sysconf

#include "commands/proc_list.h"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace lunash {

namespace fs = std::filesystem;

std::string readFirstLine(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    return line;
}

std::vector<std::pair<long, fs::path>> processes() {
    std::vector<std::pair<long, fs::path>> procs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const auto name = e.path().filename().string();
        if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) procs.emplace_back(std::stol(name), e.path());
    }
    std::sort(procs.begin(), procs.end());
    return procs;
}

std::string processCommand(const fs::path& proc) {
    std::ifstream in(proc / "cmdline", std::ios::binary);
    std::string first;
    std::getline(in, first, '\0');
    if (!first.empty()) return first;
    return "[" + readFirstLine(proc / "comm") + "]";
}

} // namespace lunash

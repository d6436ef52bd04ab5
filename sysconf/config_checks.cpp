#include "sysconf/config_checks.h"

#include "sysconf/atomic_file.h"
#include "sysconf/run_program.h"

#include <syslog.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace luna::sysconf {
namespace {

// The program's verdict: its first line that says "error", else its last line.
void run(const std::vector<std::string>& argv) {
    auto r = runProgram(argv, {}, std::chrono::seconds(30));
    if (r.status == 0) return;
    std::string pick, last;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        last = line;
        if (pick.empty() && line.find("error") != std::string::npos) pick = line;
    }
    if (pick.empty()) pick = last;
    if (pick.size() > 300) pick = pick.substr(0, 300) + "...";
    throw std::runtime_error(argv[0] + " refused it: " + pick);
}

} // namespace

void SystemChecks::checkRsyslogMain(const std::filesystem::path& mainConf) {
    run({"rsyslogd", "-N1", "-f", mainConf.string()});
}

void SystemChecks::check(Check what, const std::filesystem::path& candidate) {
    switch (what) {
    case Check::None: return;
    case Check::Rsyslog: {
        // The drop-in alone, in a configuration that gives rsyslogd a work directory of its
        // own: -N1 parses it and loads the modules it names, and nothing runs.
        std::filesystem::create_directories(scratch_ / "rsyslog-work");
        const auto wrapper = scratch_ / "rsyslog-check.conf";
        writeFileAtomic(wrapper,
                        "global(workDirectory=\"" + (scratch_ / "rsyslog-work").string() + "\")\n"
                        "include(file=\"" + candidate.string() + "\")\n",
                        FileOwner{::geteuid(), ::getegid(), 0600});
        run({"rsyslogd", "-N1", "-f", wrapper.string()});
        return;
    }
    case Check::Logrotate:
        run({"logrotate", "--debug", "--state", "/dev/null", candidate.string()});
        return;
    case Check::Sshd: {
        // sshd -t also wants its privilege separation directory, which ssh.service makes
        // (/run/sshd) and sysconfd cannot: when ssh is not running that one complaint says
        // nothing about the file, and the check counts as passed.
        auto r = runProgram({"sshd", "-t", "-f", candidate.string()}, {}, std::chrono::seconds(30));
        if (r.status != 0 && r.output.find("Missing privilege separation directory") != std::string::npos &&
            r.output.find("line ") == std::string::npos) {
            syslog(LOG_NOTICE, "sshd -t could not run (ssh is not running, no /run/sshd); %s not checked", candidate.c_str());
            return;
        }
        run({"sshd", "-t", "-f", candidate.string()});
        return;
    }
    }
}

} // namespace luna::sysconf

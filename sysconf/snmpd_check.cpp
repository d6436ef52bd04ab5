// TrialSnmpd (snmp_manager.h): snmpd's own parser is the check of a candidate snmpd.conf.
// snmpd has no check-only mode, so the candidate runs for real for a moment, on sockets in
// a private directory (the fixed agentAddress/agentXSocket lines are sysconfd's own; the
// lines an admin's input produced are the ones checked) and is killed with SIGKILL, which
// saves nothing to any persistent store.
#include "sysconf/snmp_manager.h"

#include "sysconf/atomic_file.h"

#include "luna/errors.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    explicit TempDir(const fs::path& parent) {
        fs::create_directories(parent);
        std::string tmpl = (parent / "snmpd-check.XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw Error(rc::GENERAL_ERROR, "cannot make a directory in " + parent.string());
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

void TrialSnmpd::check(const SnmpSettings& settings, const std::string& store) {
    TempDir dir(scratch_);
    SnmpAgentSettings trial = agent_;
    trial.agentAddress = "unix:" + (dir.path / "agent").string();
    trial.agentxSocket = (dir.path / "agentx").string();
    writeFileAtomic(dir.path / "pre.conf", "[snmp] persistentDir " + dir.path.string() + "\n", FileOwner{0, 0, 0600});
    writeFileAtomic(dir.path / "snmpd.conf", settings.render(trial), FileOwner{0, 0, 0600});
    writeFileAtomic(dir.path / "store.conf", store, FileOwner{0, 0, 0600});
    const std::string files = (dir.path / "pre.conf").string() + "," + (dir.path / "snmpd.conf").string() + "," +
                              (dir.path / "store.conf").string();
    const std::string log = (dir.path / "log").string();
    std::vector<std::string> argv = {snmpd_, "-f", "-C", "-c", files, "-Lf", log, "-I", "-smux,mteTrigger,mteTriggerConf"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char mibs[] = "MIBS=";
    char* env[] = {path, mibs, nullptr};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int err = posix_spawn(&pid, snmpd_.c_str(), &fa, nullptr, args.data(), env);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) throw Error(rc::CONFIG_ACTIVATION_FAILED, "cannot run " + snmpd_ + " to check the configuration");

    // Listening on both sockets means every configuration file was read.
    bool exited = false;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            break;
        }
        if (fs::exists(dir.path / "agent") && fs::exists(dir.path / "agentx")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    const std::string text = readFile(log).value_or("");
    static const std::regex complaint(R"(line [0-9]+: (Error|Warning):? *(.*))");
    std::istringstream in(text);
    std::string last;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) last = line;
        std::smatch m;
        if (std::regex_search(line, m, complaint))
            throw Error(rc::CONFIG_VALUE_INVALID, "snmpd refuses the configuration: " + m[2].str());
    }
    if (exited) throw Error(rc::CONFIG_VALUE_INVALID, "snmpd refuses the configuration: " + (last.empty() ? "it exited" : last));
}

} // namespace luna::sysconf

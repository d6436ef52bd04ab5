// The audit log subgroup (LunaSH reference "audit log"): the log files cbsd writes, read and
// cleared through cbsd; archives made and unpacked in the user's own file area with tar (a
// fixed argv, never a shell); verification by the HSM, which gets the records as they stand
// in the file plus the record that follows them (the next file's first), as ch.1 describes.
#include "commands/audit_common.h"
#include "commands/groups.h"

#include "tools.h"

#include "luna/audit_line.h"
#include "luna/errors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>

namespace lunash {
namespace fs = std::filesystem;

std::string lowerCase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void requireSerial(Context& ctx, const Args& args, std::string_view option) {
    auto given = args.get(option);
    if (!given) return;
    const auto serial = auditService(ctx).status().serial;
    if (*given != serial) throw ShellError("Error: There is no HSM with serial number " + *given + ".");
}

fs::path userDir(const Context& ctx) {
    if (!ctx.session.home.empty()) return ctx.session.home;
    if (const char* h = std::getenv("HOME"); h && *h) return h;
    throw ShellError("Error: the user has no file area.");
}

fs::path userFile(const Context& ctx, const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
        throw ShellError("Error: '" + name + "' is not a file name.");
    return userDir(ctx) / name;
}

void writeUserFile(const Context& ctx, const std::string& name, const std::string& content) {
    const auto path = userFile(ctx, name);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) throw ShellError("Error: cannot write " + path.string() + ".");
    const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::close(fd);
    if (!ok) throw ShellError("Error: cannot write " + path.string() + ".");
}

std::optional<fs::path> findUserFile(const Context& ctx, const std::string& name, const std::vector<std::string>& prefixes) {
    if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') return std::nullopt;
    for (const auto& p : prefixes) {
        auto path = userDir(ctx) / (p + name);
        std::error_code ec;
        if (fs::is_regular_file(path, ec)) return path;
    }
    return std::nullopt;
}

namespace {

constexpr std::size_t kLine = luna::audit::kLineBytes;

// One record per line: a line of the wrong length stays one (malformed) record.
std::vector<std::string> splitRecords(const std::string& content) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < content.size()) {
        auto nl = content.find('\n', start);
        if (nl == std::string::npos) break;   // a record still being written
        out.push_back(content.substr(start, nl + 1 - start));
        start = nl + 1;
    }
    return out;
}

std::string baseName(const std::string& name) {
    auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

// The file cbsd knows under that name (with or without ready_for_archive/).
const AuditLogFile* findLog(const std::vector<AuditLogFile>& files, const std::string& name) {
    for (const auto& f : files)
        if (f.name == name || baseName(f.name) == baseName(name)) return &f;
    return nullptr;
}

void list(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto [serial, files] = auditService(ctx).listLogs();
    std::size_t width = 1;
    for (const auto& f : files) width = std::max(width, std::to_string(f.size).size());
    auto row = [&](const AuditLogFile& f) {
        std::time_t t = static_cast<std::time_t>(f.mtime);
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        char when[32];
        std::strftime(when, sizeof when, "%b %d %H:%M", &tm);
        auto size = std::to_string(f.size);
        ctx.out.line(std::string(width - size.size(), ' ') + size + " " + when + " " + baseName(f.name));
    };
    ctx.out.line("Logs that are in progress");
    ctx.out.line();
    for (const auto& f : files)
        if (f.inProgress) row(f);
    ctx.out.line();
    ctx.out.line("Logs that are ready for archive:");
    ctx.out.line();
    for (const auto& f : files)
        if (!f.inProgress) row(f);
}

void tail(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto& audit = auditService(ctx);
    auto [serial, files] = audit.listLogs();
    const auto* f = findLog(files, args.str("file"));
    if (!f) throw ShellError("Error: There is no audit log file '" + args.str("file") + "'.");
    auto records = splitRecords(audit.readLog(f->name));
    if (auto n = args.number("entries"); n && *n < records.size())
        records.erase(records.begin(), records.end() - static_cast<std::ptrdiff_t>(*n));
    const auto search = args.get("search");
    for (const auto& r : records) {
        auto l = luna::audit::parseLine(r);
        if (!l) continue;
        auto shown = luna::audit::displayLine(*l);
        if (search && shown.find(*search) == std::string::npos) continue;
        ctx.out.line(shown);
    }
}

// A private staging directory in the user's area, removed on the way out.
struct Staging {
    explicit Staging(const fs::path& base) {
        std::random_device rd;
        path = base / (".audit-tar-" + std::to_string(rd()));
        fs::create_directory(path);
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace);
    }
    ~Staging() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path path;
};

void printToolLines(Context& ctx, const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        if (nl > start) ctx.out.line(text.substr(start, nl - start));
        start = nl + 1;
    }
}

void tarlogs(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto& audit = auditService(ctx);
    auto [serial, files] = audit.listLogs();
    const auto home = userDir(ctx);
    const auto secretName = serial + ".lws";
    const auto secret = findUserFile(ctx, secretName, {""});
    if (!secret) {
        ctx.out.line("WARNING: You will need to export the encrypted log secret " + secretName);
        ctx.out.line("         by running the 'audit secret export' command in order to");
        ctx.out.line("         verify these logs on another HSM!");
        ctx.out.line();
    }
    Staging stage(home);
    fs::create_directories(stage.path / serial / "ready_for_archive");
    for (const auto& f : files) {
        std::ofstream out(stage.path / serial / f.name, std::ios::binary);
        out << audit.readLog(f.name);
    }
    if (secret) fs::copy_file(*secret, stage.path / serial / secretName);
    const auto archive = "audit-" + serial + ".tgz";
    auto r = runTool({"tar", "--sort=name", "--owner=0", "--group=0", "-czvf", (home / archive).string(), "-C",
                      stage.path.string(), serial});
    if (r.status != 0) throw ShellError("Error: tar could not create " + archive + ".");
    ctx.out.line("Compressing log files:");
    ctx.out.line();
    printToolLines(ctx, r.text);
    ctx.out.line();
    ctx.out.line("The tar file containing logs is now available as file '" + archive + "'.");
    ctx.out.line("If you wish to verify your logs on another SA, scp them to another SA's audit");
    ctx.out.line("directory then use the 'audit log untar' command.");
}

void untarlogs(Context& ctx, const Args& args) {
    const auto home = userDir(ctx);
    const auto name = args.str("file");
    auto path = name.empty() ? std::nullopt : findUserFile(ctx, name, {""});
    if (!path || name.find('/') != std::string::npos) {
        ctx.out.line("Cannot find the file in " + home.string() + "/");
        ctx.out.line("Found files:");
        std::vector<std::string> found;
        for (const auto& e : fs::directory_iterator(home))
            if (e.path().filename().string()[0] != '.') found.push_back(e.path().filename().string());
        std::sort(found.begin(), found.end());
        std::string line;
        for (const auto& f : found) line += (line.empty() ? "" : " ") + f;
        throw ShellError(line);
    }
    // GNU tar keeps members inside -C (no absolute names, no "..") and never follows a
    // symlink it extracted itself.
    auto r = runTool({"tar", "--no-same-owner", "--no-same-permissions", "-xzvf", path->string(), "-C", home.string()});
    if (r.status != 0) throw ShellError("Error: '" + name + "' is not an audit log archive tar could extract.");
    ctx.out.line("Extracting logs to audit home:");
    ctx.out.line();
    printToolLines(ctx, r.text);
    ctx.out.line();
    ctx.out.line("To verify these logs see the 'audit secret import' command to import the HSM's");
    ctx.out.line("log secret.");
}

// The records of one file and what follows them, local (cbsd) or unpacked in the user's area.
struct LogToVerify {
    std::string shownName;
    std::vector<std::string> records;
    std::string successor;
    bool inProgress = false;
};

LogToVerify localLog(AuditService& audit, const std::vector<AuditLogFile>& files, const AuditLogFile& f) {
    LogToVerify v{f.name, splitRecords(audit.readLog(f.name)), "", f.inProgress};
    // The next file's first record closes this one (files are listed newest first).
    const AuditLogFile* next = nullptr;
    for (const auto& o : files)
        if (baseName(o.name) > baseName(f.name) && (!next || baseName(o.name) < baseName(next->name))) next = &o;
    if (next) {
        auto more = audit.readLog(next->name);
        if (more.size() >= kLine) v.successor = more.substr(0, kLine);
    }
    return v;
}

LogToVerify unpackedLog(Context& ctx, const std::string& name, const std::string& source) {
    auto path = findUserFile(ctx, name, {"", source + "/", source + "/ready_for_archive/"});
    if (!path) throw ShellError("Error: Cannot find the log file '" + name + "' in " + userDir(ctx).string() + "/.");
    std::ifstream in(*path, std::ios::binary);
    LogToVerify v{path->string(), splitRecords(std::string((std::istreambuf_iterator<char>(in)), {})), "", false};
    // The next file of the same HSM, wherever the archive put it. Only cbsd's names
    // (hsm_<SN>_<n>.log) have a next file: any other file (a SIEM's copy) stands alone.
    auto base = baseName(name);
    std::optional<fs::path> next;
    for (const auto& dir : {path->parent_path(), path->parent_path().parent_path(),
                            path->parent_path() / "ready_for_archive"}) {
        std::error_code ec;
        if (!base.starts_with("hsm_") || base.size() <= 12 || !fs::is_directory(dir, ec)) continue;
        for (const auto& e : fs::directory_iterator(dir)) {
            auto n = e.path().filename().string();
            if (n.size() == base.size() && n.ends_with(".log") && n.substr(0, n.size() - 12) == base.substr(0, base.size() - 12) &&
                n > base && (!next || n < next->filename().string()))
                next = e.path();
        }
    }
    if (next) {
        std::ifstream nx(*next, std::ios::binary);
        std::string first(kLine, '\0');
        if (nx.read(first.data(), static_cast<std::streamsize>(kLine))) v.successor = first;
    }
    return v;
}

void verify(Context& ctx, const Args& args) {
    auto& audit = auditService(ctx);
    const auto status = audit.status();
    if (auto t = args.get("serialtarget"); t && *t != status.serial)
        throw ShellError("Error: There is no HSM with serial number " + *t + ".");
    const auto source = args.get("serialsource").value_or(status.serial);
    const bool external = args.has("external") || source != status.serial;
    const auto name = args.str("file");

    auto load = [&] {
        if (external) return unpackedLog(ctx, name, source);
        auto [serial, files] = audit.listLogs();
        const auto* f = findLog(files, name);
        if (!f) throw ShellError("Error: There is no audit log file '" + name + "'.");
        return localLog(audit, files, *f);
    };
    auto log = load();
    // -start/-end: a run of the file; the record after -end closes it.
    auto start = args.number("start"), end = args.number("end");
    if (start || end) {
        std::vector<std::string> run;
        std::string after;
        for (const auto& r : log.records) {
            auto l = luna::audit::parseLine(r);
            const auto seq = l ? l->seq : 0;
            if (end && seq > *end) {
                if (after.empty()) after = r;
                continue;
            }
            if (!start || seq >= *start) run.push_back(r);
        }
        log.records = std::move(run);
        if (!after.empty()) log.successor = after;
    }
    if (log.records.empty()) throw ShellError("Error: The log file holds no records to verify.");

    ctx.out.line("Log file being verified " + log.shownName + ".");
    ctx.out.line();
    if (external) {
        ctx.out.line("Verifying log from HSM with serial " + source + " on HSM with serial " + status.serial);
        ctx.out.line(" Make sure that you have already imported the audit log secret.");
    } else {
        ctx.out.line("Verifying log on HSM with serial " + status.serial);
    }
    ctx.out.line();
    auto result = audit.verify(log.records, log.successor, external);
    // The file in progress may have grown (and the HSM dropped the records that follow it)
    // while it was read: read it again once before calling its end missing.
    if (log.inProgress && !start && !end && result.problems.size() == 1 && result.problems[0].kind == "truncated") {
        log = load();
        result = audit.verify(log.records, log.successor, external);
    }
    if (result.problems.empty()) {
        ctx.out.line("Verified messages " + std::to_string(result.first) + " to " + std::to_string(result.last));
        return;
    }
    ctx.out.line("Verification of messages " + std::to_string(result.first) + " to " + std::to_string(result.last) +
                 " failed:");
    for (const auto& p : result.problems) ctx.out.line("   " + p.kind + ": " + p.message);
    ctx.out.line();
    throw luna::Error(luna::rc::LOG_BAD_RECORD_HMAC);
}

void clear(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    if (!args.has("force")) {
        ctx.out.line("     *** WARNING ***");
        ctx.out.line();
        ctx.out.line("              All audit logs for this HSM will be destroyed!!!");
        ctx.out.line();
        ctx.out.line("              Are you sure you wish to continue?");
        ctx.out.line();
        ctx.requireProceed("              Type proceed to continue, or quit to quit now -");
        ctx.out.line();
    }
    auditService(ctx).clearLogs();
}

ArgSpec serial(std::string_view shortForm = "s") {
    return {.name = "serial", .shortForm = shortForm, .kind = ArgKind::String, .valueName = "<serialnum>",
            .help = "The serial number of the HSM (the embedded HSM by default)."};
}

} // namespace

void registerAuditLogCommands(CommandTable& t) {
    const RoleSet audit = roles(Role::Audit);
    t.addGroup({{"audit", "log"}, "l", "Manage Audit Log Files"});
    t.add({.path = {"audit", "log", "clear"},
           .shortForm = "c",
           .args = {{.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."},
                    serial()},
           .roles = audit,
           .help = "Clears all of the audit logs from an HSM.",
           .handler = clear});
    t.add({.path = {"audit", "log", "list"},
           .shortForm = "l",
           .args = {serial()},
           .roles = audit,
           .help = "Lists all of the audit logs on an HSM.",
           .handler = list});
    t.add({.path = {"audit", "log", "tail"},
           .shortForm = "tai",
           .args = {{.name = "entries", .shortForm = "e", .kind = ArgKind::Number, .valueName = "<logentries>",
                     .help = "The number of log entries to display."},
                    {.name = "file", .shortForm = "f", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "The log file to view.", .required = true},
                    {.name = "search", .shortForm = "sea", .kind = ArgKind::String, .valueName = "<string>",
                     .help = "Only entries containing this string."},
                    serial("ser")},
           .roles = audit,
           .help = "Displays the most recent entries in an audit log.",
           .handler = tail});
    t.add({.path = {"audit", "log", "tarlogs"},
           .shortForm = "tar",
           .args = {serial()},
           .roles = audit,
           .help = "Archives the audit logs.",
           .handler = tarlogs});
    t.add({.path = {"audit", "log", "untarlogs"},
           .shortForm = "u",
           .args = {{.name = "file", .shortForm = "f", .kind = ArgKind::String, .valueName = "<logfilename>",
                     .help = "The archived log file to restore."}},
           .roles = audit,
           .help = "Unarchives a previously archived audit log.",
           .handler = untarlogs});
    t.add({.path = {"audit", "log", "verify"},
           .shortForm = "v",
           .args = {{.name = "end", .shortForm = "en", .kind = ArgKind::Number, .valueName = "<number>",
                     .help = "The last record to verify."},
                    {.name = "external", .shortForm = "ex", .kind = ArgKind::Flag,
                     .help = "The file comes from another HSM (its secret must have been imported)."},
                    {.name = "file", .shortForm = "f", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "The log file to verify.", .required = true},
                    {.name = "serialsource", .shortForm = "serials", .kind = ArgKind::String, .valueName = "<serialnum>",
                     .help = "The serial number of the HSM that wrote the log."},
                    {.name = "serialtarget", .shortForm = "serialt", .kind = ArgKind::String, .valueName = "<serialnum>",
                     .help = "The serial number of the HSM that verifies it."},
                    {.name = "start", .shortForm = "st", .kind = ArgKind::Number, .valueName = "<number>",
                     .help = "The first record to verify."}},
           .roles = audit,
           .help = "Verifies a set of records within an audit log.",
           .handler = verify});
}

} // namespace lunash

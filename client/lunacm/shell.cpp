#include "shell.h"

#include "client/common/vendor.h"
#include "luna/errors.h"

#include <cstdio>

namespace luna::lunacm {

namespace {
constexpr const char* kVersion = "7.2.0";

bool matches(std::string_view typed, std::string_view name, std::string_view shortcut) {
    return client::equalsNoCase(typed, name) || (!shortcut.empty() && client::equalsNoCase(typed, shortcut));
}

void result(std::uint32_t code) {
    if (code == 0) {
        std::printf("\nCommand Result : No Error\n\n");
        return;
    }
    const auto def = findError(code);
    std::printf("\nCommand Result : 0x%x (%s)\n\n", code, def ? std::string(def->name).c_str() : "CKR_UNKNOWN");
}
} // namespace

Shell::Shell(State& state) : st_(state) {
    for (auto part : {slotCommands(), roleCommands(), partitionCommands(), clientconfigCommands()})
        rows_.insert(rows_.end(), part.begin(), part.end());
    groups_ = {
        {"clientconfig", "ccfg", "Client configuration"},
        {"partition", "par", "Partition commands"},
        {"role", "ro", "Role management commands"},
        {"slot", "s", "Slot management commands"},
    };
}

void Shell::banner() {
    std::printf("LunaCM v%s. Copyright (c) 2006-2017 SafeNet, Inc.\n\n%14sAvailable HSMs:\n", kVersion, "");
    try {
        printSlots(st_, st_.slots());
    } catch (const std::exception& e) {
        std::printf("\n%14s%s\n", "", e.what());
    }
    std::printf("\n");
}

void Shell::help(const std::vector<std::string>& words) {
    if (words.size() >= 2) {
        for (const auto& r : rows_)
            if (matches(words[1], r.group, r.groupShort) && (words.size() < 3 || matches(words[2], r.name, r.shortcut))) {
                std::printf("\n%s\n", client::syntaxLine(std::string(r.group) + " " + std::string(r.name), r.options).c_str());
                for (const auto& o : r.options)
                    std::printf("   -%-18s -%-8s %s\n", std::string(o.name).c_str(), std::string(o.shortcut).c_str(), std::string(o.help).c_str());
            }
        return;
    }
    std::printf("\nThe following commands are available:\n\n Command              Short      Description\n"
                " -------              -----      -----------\n");
    for (const auto& g : groups_)
        std::printf(" %-20s %-10s %s\n", std::string(g.name).c_str(), std::string(g.shortcut).c_str(), std::string(g.help).c_str());
    std::printf(" %-20s %-10s %s\n", "help", "?", "Show the commands, or one group's");
    std::printf(" %-20s %-10s %s\n", "exit", "quit", "Leave lunacm");
}

bool Shell::run(const std::string& line) {
    std::vector<std::string> words;
    try {
        words = client::splitWords(line);
    } catch (const client::UsageError& e) {
        std::printf("\nError: %s\n\nCommand Result : Invalid Syntax\n\n", e.what());
        return false;
    }
    if (words.empty()) return true;
    if (client::equalsNoCase(words[0], "exit") || client::equalsNoCase(words[0], "quit")) {
        exit_ = true;
        return true;
    }
    if (words[0] == "?" || client::equalsNoCase(words[0], "help")) {
        help(words);
        result(0);
        return true;
    }
    const CommandRow* row = nullptr;
    bool groupKnown = false;
    for (const auto& r : rows_) {
        if (!matches(words[0], r.group, r.groupShort)) continue;
        groupKnown = true;
        if (words.size() > 1 && matches(words[1], r.name, r.shortcut)) row = &r;
    }
    if (!row) {
        if (groupKnown) help({"help", words[0]});
        else std::printf("\nError: '%s' is not a LunaCM command (help lists them)\n", words[0].c_str());
        std::printf("\nCommand Result : Invalid Syntax\n\n");
        return false;
    }
    const auto syntax = client::syntaxLine(std::string(row->group) + " " + std::string(row->name), row->options);
    try {
        const auto opts = client::parseOptions(std::span(words).subspan(2), row->options);
        row->run(st_, opts);
        result(0);
        return true;
    } catch (const client::UsageError& e) {
        std::printf("\nError: %s\n\nSyntax: %s\n\nCommand Result : Invalid Syntax\n\n", e.what(), syntax.c_str());
    } catch (const Cancelled&) {
        std::printf("\nCommand Result : 0xb (User Cancelled Operation)\n\n");
    } catch (const Error& e) {
        // The appliance's refusals speak for themselves by name; the client's own failures
        // (no link, a timeout) also say why.
        const auto c = e.code();
        if (c == client::vendor::CKR_UNABLE_TO_CONNECT || c == client::vendor::CKR_TIMEOUT || c == CKR_DEVICE_ERROR ||
            c == CKR_SLOT_ID_INVALID)
            std::printf("\n%s\n", e.what());
        result(c);
    } catch (const std::exception& e) {
        std::printf("\n%s\n", e.what());
        result(CKR_GENERAL_ERROR);
    }
    return false;
}

} // namespace luna::lunacm

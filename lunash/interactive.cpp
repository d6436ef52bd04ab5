#include "interactive.h"

#include "completion.h"

#include <editline/readline.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace lunash {
namespace {

// libedit's readline interface calls plain functions: the session they complete for.
Shell* gShell = nullptr;
std::vector<std::string> gMatches;

char* nextMatch(const char*, int state) {
    if (state == 0) {
        std::string before(rl_line_buffer, static_cast<std::size_t>(rl_point));
        gMatches = completions(gShell->table(), before, gShell->session().role);
    }
    auto i = static_cast<std::size_t>(state);
    return i < gMatches.size() ? ::strdup(gMatches[i].c_str()) : nullptr;
}

char** complete(const char* text, int, int) {
    rl_attempted_completion_over = 1;   // never fall back to file names
    return rl_completion_matches(text, nextMatch);
}

} // namespace

bool runInteractive(Shell& shell, const std::string& prompt) {
    gShell = &shell;
    rl_readline_name = const_cast<char*>("lunash");
    rl_attempted_completion_function = complete;
    rl_completion_append_character = ' ';
    using_history();
    stifle_history(500);
    bool allOk = true;
    for (;;) {
        std::cout.flush();
        char* raw = readline(prompt.c_str());
        if (!raw) {
            std::cout << '\n';
            break;
        }
        std::string line(raw);
        std::free(raw);
        if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
        auto r = shell.run(line);
        if (r.exit) break;
        if (r.ran) {
            allOk = allOk && r.ok;
            std::cout << '\n';
        }
    }
    gShell = nullptr;
    return allOk;
}

} // namespace lunash

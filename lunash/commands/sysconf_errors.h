// sysconfd explains each refusal in a sentence ("User james already exists."); the user and
// my commands show it above the registry's failure line, which Shell::run prints.
#pragma once

#include "shell.h"

#include "luna/errors.h"

namespace lunash {

template <class Fn>
auto explained(Context& ctx, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const luna::Error& e) {
        if (!e.detail().empty()) ctx.out.line("Error: " + e.detail());
        throw;
    }
}

} // namespace lunash

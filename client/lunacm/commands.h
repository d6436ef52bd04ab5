// lunacm's command table: one row per command (group, its shortcut, the command, its
// shortcut, its options, its help line, its handler), as the LunaCM reference lists them.
// Help, syntax lines and option checks come from the rows (shell.cpp).
#pragma once

#include "state.h"

#include "client/common/cli.h"

#include <p11-kit/pkcs11.h>

#include <functional>

namespace luna::lunacm {

struct CommandRow {
    std::string_view group, groupShort;
    std::string_view name, shortcut;
    std::vector<client::OptionSpec> options;
    std::string_view help;
    std::function<void(State&, const client::Options&)> run;
};

struct GroupRow {
    std::string_view name, shortcut, help;
};

std::vector<CommandRow> slotCommands();
std::vector<CommandRow> roleCommands();
std::vector<CommandRow> partitionCommands();
std::vector<CommandRow> clientconfigCommands();

// Output in LunaCM's layout: "              Label ->                                    par0".
void field(std::string_view label, std::string_view value);
void printSlots(State& st, const std::vector<client::Slot>& slots);
// The configuration line of a slot: "Luna User Partition With SO (PW) Signing With Cloning Mode".
inline constexpr std::string_view kConfiguration = "Luna User Partition With SO (PW) Signing With Cloning Mode";

// A password from -password, else asked for (twice when `confirm`).
std::string password(State& st, const client::Options& o, std::string_view option, std::string_view prompt,
                     std::string_view again = {});

} // namespace luna::lunacm

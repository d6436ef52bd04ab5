// slot list / slot set, and the clientconfig commands that need no appliance administrator.
#include "commands.h"

#include "client/common/server_list.h"

#include <cstdio>

namespace luna::lunacm {

void field(std::string_view label, std::string_view value) {
    std::printf("%14s%-44s%.*s\n", "", (std::string(label) + " ->").c_str(), static_cast<int>(value.size()), value.data());
}

void printSlots(State& st, const std::vector<client::Slot>& slots) {
    for (const auto& s : slots) {
        const auto hello = st.server(s).hello();
        std::printf("\n");
        field("Slot Id", std::to_string(s.id));
        field("Label", s.partition.label);
        field("Serial Number", std::to_string(s.partition.slot));
        field("Model", hello.model);
        field("Firmware Version", hello.firmware);
        field("Configuration", kConfiguration);
        field("Slot Description", "Net Token Slot");
    }
    for (const auto& p : st.problems()) std::printf("\n%14sWarning: %s\n", "", p.c_str());
    if (auto id = st.currentId()) std::printf("\n%14sCurrent Slot Id: %llu\n", "", static_cast<unsigned long long>(*id));
}

std::string password(State& st, const client::Options& o, std::string_view option, std::string_view prompt,
                     std::string_view again) {
    if (o.has(option)) return o.value(option);
    auto first = st.console.secret(prompt);
    if (!again.empty() && st.console.secret(again) != first) throw Error(CKR_PIN_INVALID, "The two entries differ");
    return first;
}

namespace {

void slotList(State& st, const client::Options&) { printSlots(st, st.slots()); }

void slotSet(State& st, const client::Options& o) {
    const auto v = o.value("slot");
    char* end = nullptr;
    const auto id = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end) throw client::UsageError("-slot needs a slot number");
    st.setCurrent(id);
    const auto s = st.current();
    std::printf("\n%14sCurrent Slot Id: %llu    (Luna User Slot %s (PW) Signing With Cloning Mode)\n", "",
                static_cast<unsigned long long>(id), st.server(s).hello().firmware.c_str());
}

void listServers(State& st, const client::Options&) {
    std::printf("\n Server ID Server                          Channel HTL Required\n");
    std::printf(" __________________________________________________________________\n\n");
    for (const auto& s : st.config().servers)
        std::printf(" %-19u %-43s%-7s%s\n\n", s.index, s.name.c_str(), "NTLS", "no");
}

void verify(State& st, const client::Options&) {
    auto slots = st.slots();
    std::printf("\nThe following Luna SA Slots/Partitions were found:\n\n");
    std::printf("Slot          Serial #                                    Label\n");
    std::printf("====          ================                            =====\n");
    for (const auto& s : slots)
        std::printf("%4llu%26llu                            %s\n", static_cast<unsigned long long>(s.id),
                    static_cast<unsigned long long>(s.partition.slot), s.partition.label.c_str());
    for (const auto& p : st.problems()) std::printf("\nWarning: %s\n", p.c_str());
}

void deleteServer(State&, const client::Options& o) {
    const auto path = client::defaultConfigPath();
    auto file = client::ConfigFile::load(path);
    const auto name = o.value("server");
    if (!client::removeServer(file, name)) throw Error(CKR_ARGUMENTS_BAD, "Server " + name + " is not in the server list");
    file.save(path);
    std::printf("\nServer %s successfully removed from server list.\n", name.c_str());
}

} // namespace

std::vector<CommandRow> slotCommands() {
    return {
        {"slot", "s", "list", "l", {}, "List the available slots", slotList},
        {"slot", "s", "set", "s", {{"slot", "s", "<slot_number>", "The slot to work on", true}}, "Set the current slot", slotSet},
    };
}

std::vector<CommandRow> clientconfigCommands() {
    return {
        {"clientconfig", "ccfg", "deleteserver", "d", {{"server", "n", "<server_name>", "The server to delete", true}},
         "Delete a SafeNet Luna Network HSM server", deleteServer},
        {"clientconfig", "ccfg", "listservers", "ls", {}, "List the registered SafeNet Luna Network HSM appliances", listServers},
        {"clientconfig", "ccfg", "verify", "v", {}, "Verify the slots/partitions visible to the client", verify},
    };
}

} // namespace luna::lunacm

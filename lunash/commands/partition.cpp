// The partition group: application partitions as the HSM SO creates and manages them.
// Create, delete, resize and rename need the HSM SO login of this session (hsmd checks).
#include "commands/groups.h"

#include "shell.h"

namespace lunash {
namespace {

void create(Context& ctx, const Args& args) {
    const auto name = args.str("partition");
    const auto size = args.number("size").value_or(0);
    const bool all = args.has("allfreestorage");
    if (size && all) throw ShellError("Error: Use either -size or -allfreestorage, not both.");
    if (!args.has("force"))
        ctx.requireProceed("          Type 'proceed' to create the partition, or\n          'quit' to quit now.\n          ");
    ctx.hsm().createPartition(name, size, all);
    ctx.succeeded();
}

void remove(Context& ctx, const Args& args) {
    const auto name = args.str("partition");
    if (!args.has("force")) {
        ctx.out.line("CAUTION:  Are you sure you wish to delete the partition named:");
        ctx.out.line("            " + name);
        ctx.requireProceed("          Type 'proceed' to delete the partition, or 'quit'\n          to quit now.\n          ");
    }
    ctx.hsm().deletePartition(name);
    ctx.succeeded();
}

void list(Context& ctx, const Args&) {
    auto& out = ctx.out;
    const auto parts = ctx.hsm().listPartitions();
    out.line(padRight("", 54) + "Storage (bytes)");
    out.line(padRight("", 48) + std::string(28, '-'));
    const std::string header = " " + padRight("Partition", 21) + padRight("Name", 23) + "Objects" +
                               padLeft("Total", 8) + padLeft("Used", 8) + padLeft("Free", 8);
    out.line(header);
    out.line(" " + std::string(header.size() - 1, '='));
    for (const auto& p : parts)
        out.line(" " + padRight(p.serial, 21) + padRight(p.name, 23) + padLeft(std::to_string(p.objects), 7) +
                 padLeft(std::to_string(p.total), 8) + padLeft(std::to_string(p.used), 8) +
                 padLeft(std::to_string(p.free), 8));
}

void showOne(Output& out, const PartitionDetails& d) {
    const std::string in = "     ";
    auto yn = [](bool b) { return std::string(b ? "yes" : "no"); };
    auto f = [&](std::string_view label, const std::string& v) {
        out.line(v.empty() ? in + std::string(label) : padRight(in + std::string(label), 69) + v);
    };
    f("Partition Name:", d.name);
    f("Partition SN:", d.serial);
    f("Partition Label:", d.label);
    // hsmd does not yet track "PIN to be changed"; a partition without its SO reads as zeroized.
    f("Partition SO     PIN To Be Changed:", "no");
    f("Partition SO     Zeroized:", yn(!d.initialized));
    f("Partition SO     Login Attempts Left:", std::to_string(d.psoAttemptsLeft));
    f("Crypto Officer   PIN To Be Changed:", "no");
    f("Crypto Officer   Locked Out:", yn(d.coLocked));
    f("Crypto Officer   Login Attempts Left:", std::to_string(d.coAttemptsLeft));
    f("Crypto User      PIN To Be Changed:", "no");
    f("Crypto User      Locked Out:", yn(d.cuLocked));
    f("Crypto User      Login Attempts Left:", std::to_string(d.cuAttemptsLeft));
    f("Legacy Domain Has Been Set:", "no");
    f("Partition Storage Information (Bytes):", "Total=" + std::to_string(d.total) + ", Used=" +
                                                    std::to_string(d.used) + ", Free=" + std::to_string(d.free));
    f("Partition Object Count:", std::to_string(d.objects));
}

void show(Context& ctx, const Args& args) {
    auto& hsm = ctx.hsm();
    if (auto one = args.get("partition"); one && !args.has("all")) {
        showOne(ctx.out, hsm.showPartition(*one));
        return;
    }
    const auto parts = hsm.listPartitions();
    if (parts.empty()) ctx.out.line("There are no partitions.");
    bool first = true;
    for (const auto& p : parts) {
        if (!first) ctx.out.line();
        first = false;
        showOne(ctx.out, hsm.showPartition(p.serial));
    }
}

void resize(Context& ctx, const Args& args) {
    const auto size = args.number("size");
    const bool all = args.has("allfreestorage");
    if (!size && !all) throw ShellError("Error: Specify -size <bytes> or -allfreestorage.");
    if (size && all) throw ShellError("Error: Use either -size or -allfreestorage, not both.");
    const auto name = args.str("partition");
    if (!args.has("force"))
        ctx.requireProceed("          Type 'proceed' to resize the partition, or\n          'quit' to quit now.\n          ");
    ctx.hsm().resizePartition(name, size.value_or(0), all);
    ctx.succeeded();
}

void rename(Context& ctx, const Args& args) {
    const auto from = args.str("partition");
    const auto to = args.str("newname");
    if (!args.has("force")) {
        ctx.out.line("CAUTION:          Are you sure you wish to make the following changes to partition \"" + from +
                     "\"?:");
        ctx.out.line("                      Partition name:   " + to);
        ctx.out.line("                      Partition label: no change");
        ctx.out.line();
        ctx.requireProceed("                Type 'proceed' to change the partition name/label, or 'quit'\n"
                           "                to quit now.\n                ");
    }
    ctx.hsm().renamePartition(from, to);
    ctx.out.line("              Partition name successfully updated in the partition file list.");
    ctx.out.line();
    ctx.succeeded();
}

ArgSpec force() { return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."}; }

ArgSpec partitionArg(std::string_view shortForm, std::string_view help, bool required = true) {
    return {.name = "partition", .shortForm = shortForm, .kind = ArgKind::String, .valueName = "<name>",
            .help = help, .required = required};
}

ArgSpec sizeArg() {
    return {.name = "size", .shortForm = "s", .kind = ArgKind::Number, .valueName = "<bytes>",
            .help = "The size, in bytes, to allocate from the remaining storage on the HSM."};
}

ArgSpec allFree() {
    return {.name = "allfreestorage", .shortForm = "a", .kind = ArgKind::Flag,
            .help = "Use all the remaining unused storage space on the HSM."};
}

} // namespace

void registerPartitionCommands(CommandTable& t) {
    t.addGroup({{"partition"}, "par", "Manage partitions on the HSM."});
    t.add({.path = {"partition", "create"},
           .shortForm = "c",
           .args = {allFree(), force(), partitionArg("pa", "The name to assign to the new partition (unique)."), sizeArg()},
           .roles = kAdminOperator,
           .help = "Create an HSM partition on the HSM.",
           .handler = create});
    t.add({.path = {"partition", "delete"},
           .shortForm = "d",
           .args = {force(), partitionArg("p", "The name of the partition to delete.")},
           .roles = kAdminOperator,
           .help = "Delete an HSM partition from the HSM.",
           .handler = remove});
    t.add({.path = {"partition", "list"},
           .shortForm = "l",
           .roles = kAdminOperatorMonitor,
           .help = "Display a list of the accessible partitions.",
           .handler = list});
    t.add({.path = {"partition", "rename"},
           .shortForm = "ren",
           .args = {force(),
                    {.name = "newname", .shortForm = "n", .kind = ArgKind::String, .valueName = "<name>",
                     .help = "The new partition name (quote it to include spaces).", .required = true},
                    partitionArg("p", "The current name of the partition.")},
           .roles = kAdminOperator,
           .help = "Renames the specified partition.",
           .handler = rename});
    t.add({.path = {"partition", "resize"},
           .shortForm = "resi",
           .args = {allFree(), force(), partitionArg("p", "The name of the partition."), sizeArg()},
           .roles = kAdminOperator,
           .help = "Resizes the storage space for a partition.",
           .handler = resize});
    t.add({.path = {"partition", "show"},
           .shortForm = "s",
           .args = {{.name = "all", .shortForm = "a", .kind = ArgKind::Flag, .help = "All partitions."},
                    partitionArg("p", "The partition to show (default: all).", false)},
           .roles = kAdminOperatorMonitor,
           .help = "Display information for a partition.",
           .handler = show});
}

} // namespace lunash

// The hsm group's displays: hsm show, hsm showpolicies, hsm information show. Field
// labels, order and alignment are the reference's; values are hsmd's. What a software HSM
// has no sensor for (battery, temperature) is shown as a fixed value marked "(simulated)".
#include "shell.h"

#include <filesystem>
#include <fstream>

namespace lunash {
namespace {

std::string yesNo(bool b) { return b ? "Yes" : "No"; }

// Values are right-aligned so their last digit falls in column 73 (hsm information show).
constexpr std::size_t kCounterEnd = 73;
constexpr std::size_t kPolicyValueColumn = 61;  // showpolicies "Value" column (indent 5 included)

void environment(Output& out) {
    out.heading("Environmental Information on HSM");
    out.field("Battery Voltage:", "3.093 V (simulated)");
    out.field("Battery Warning Threshold Voltage:", "2.750 V");
    out.field("System Temp:", "35 deg. C (simulated)");
    out.field("System Temp Warning Threshold:", "75 deg. C");
}

} // namespace

void hsmShow(Context& ctx, const Args&) {
    auto& out = ctx.out;
    out.heading("Appliance Details");
    out.field("Software Version:", LUNASH_VERSION);
    out.line();
    auto& hsm = ctx.hsm();
    const auto p = hsm.properties();
    const bool loggedIn = hsm.loggedIn();
    const auto parts = hsm.listPartitions();
    out.heading("HSM Details");
    out.field("HSM Label:", p.label);
    out.field("Serial #:", p.serial);
    out.field("Firmware:", p.firmware);
    out.field("HSM Model:", p.model);
    out.field("HSM Part Number:", p.partNumber);
    out.field("Authentication Method:", p.authMethod);
    out.field("HSM Admin login status:", loggedIn ? "Logged In" : "Not Logged In");
    out.field("HSM Admin login attempts left:",
              p.initialized ? std::to_string(p.soLoginAttemptsLeft) + " before HSM zeroization!" : "HSM is zeroized!");
    out.field("RPV Initialized:", yesNo(p.rpvInitialized));
    out.field("Audit Role Initialized:", yesNo(p.auditRoleInitialized));
    out.field("Remote Login Initialized:", yesNo(p.rpvInitialized));
    out.field("Manually Zeroized:", yesNo(p.manuallyZeroized));
    out.field("Secure Transport Mode:", yesNo(p.transportMode));
    out.field("HSM Tamper State:", p.tamperState == "No tampers" ? p.tamperState : "Tamper(s) detected");
    out.line();
    out.heading("Partitions created on HSM");
    if (parts.empty()) out.line("There are no partitions.");
    for (const auto& part : parts) out.line(padRight("Partition:", 19) + part.serial + ", Name: " + part.name);
    out.line();
    out.field("Number of partitions allowed:", p.maxPartitions);
    out.field("Number of partitions created:", p.partitionCount);
    out.line();
    out.heading("FIPS 140-2 Operation");
    out.line(p.fipsMode ? "The HSM is in FIPS 140-2 approved operation mode."
                        : "The HSM is NOT in FIPS 140-2 approved operation mode.");
    out.line();
    out.heading("HSM Storage Information");
    out.field("Maximum HSM Storage Space (Bytes):", p.storageTotal);
    out.field("Space In Use (Bytes):", p.storageUsed);
    out.field("Free Space Left (Bytes):", p.storageFree);
    out.line();
    environment(out);
}

// A row whose capability value is more than 1 is a number (performance level, storage,
// partition count); every other row is a switch.
void hsmShowPolicies(Context& ctx, const Args& args) {
    auto& out = ctx.out;
    auto& hsm = ctx.hsm();
    if (auto file = args.get("exporttemplate")) {
        if (file->empty() || file->find('/') != std::string::npos || *file == "." || *file == "..")
            throw ShellError("Error: The file name must be a plain name in your home directory.");
        const auto text = hsm.exportPolicyTemplate();
        const char* home = std::getenv("HOME");
        std::filesystem::path dir = home && *home ? home : ".";
        std::ofstream f(dir / *file, std::ios::trunc);
        if (!(f << text) || !f.flush()) throw ShellError("Error: Could not write the file " + *file + ".");
        out.line("HSM policies successfully written.");
        out.line();
        out.line("Use 'scp' from a client machine to get file named:");
        out.line(*file);
        return;
    }
    const auto p = hsm.properties();
    const auto rows = hsm.policies();
    const std::string in = "     ";
    auto numeric = [](const HsmPolicy& r) { return r.capabilityValue > 1; };
    out.line(in + padRight("HSM Label:", 24) + p.label);
    out.line(in + padRight("Serial #:", 24) + p.serial);
    out.line(in + padRight("Firmware:", 24) + p.firmware);
    out.line();
    if (!args.has("configonly")) {
        out.line(in + "The following capabilities describe this HSM, and cannot be altered");
        out.line(in + "except via firmware or capability updates.");
        out.line();
        out.line(padRight(in + "Description", kPolicyValueColumn) + "Value");
        out.line(padRight(in + "===========", kPolicyValueColumn) + "=====");
        for (const auto& r : rows) {
            std::string v = numeric(r) ? std::to_string(r.capabilityValue) : (r.capabilityValue ? "Allowed" : "Disallowed");
            out.line(padRight(in + r.capabilityName, kPolicyValueColumn) + v);
        }
        out.line();
        out.line(in + "The following policies are set due to current configuration of");
        out.line(in + "this HSM and cannot be altered directly by the user.");
        out.line();
        out.line(padRight(in + "Description", kPolicyValueColumn) + "Value");
        out.line(padRight(in + "===========", kPolicyValueColumn) + "=====");
        out.line(padRight(in + (p.authMethod == "Password" ? "PIN-based authentication" : "PED-based authentication"),
                          kPolicyValueColumn) + "True");
        out.line();
    }
    out.line(in + "The following policies describe the current configuration of");
    out.line(in + "this HSM and may be changed by the HSM Administrator.");
    out.line();
    out.line(in + "Changing policies marked \"destructive\" will zeroize (erase");
    out.line(in + "completely) the entire HSM.");
    out.line();
    out.line(padRight(in + "Description", kPolicyValueColumn) + "Value        Code   Destructive");
    out.line(padRight(in + "===========", kPolicyValueColumn) + "=====        ====   ===========");
    for (const auto& r : rows) {
        if (r.policyName.empty() || r.capabilityValue == 0) continue;   // only what the SO can change
        std::string v = numeric(r) ? std::to_string(r.value) : (r.value ? "On" : "Off");
        out.line(padRight(in + r.policyName, kPolicyValueColumn) + padRight(v, 13) +
                 padRight(std::to_string(r.id), 7) + (r.destructive ? "Yes" : "No"));
    }
}

// hsmd keeps no event counters yet: the labels are the reference's, the values say so.
void hsmInformationShow(Context& ctx, const Args&) {
    auto& out = ctx.out;
    ctx.hsm().properties();   // the HSM must answer, as for every hsm command
    out.line("HSM Event Counters:");
    out.line();
    for (auto label : {"Operation Requests:", "Operation Errors:", "Crypto Operation Requests:",
                       "Crypto Operation Errors:", "Critical Events:", "Non-Critical Events:"})
        out.line(padRight(label, kCounterEnd - 3) + padLeft("n/a", 3));
    out.line();
    out.line("(The simulated HSM does not count events yet.)");
}

} // namespace lunash

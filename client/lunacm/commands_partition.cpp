// partition init / showinfo / showpolicies / changepolicy / showmechanism on the current slot.
#include "commands.h"

#include "client/common/vendor.h"
#include "proto/attribute_kinds.h"

#include <array>
#include <cstdio>
#include <fstream>

namespace luna::lunacm {

namespace {

proto::Bytes bytes(const std::string& s) { return proto::Bytes(s.begin(), s.end()); }

struct MechName {
    std::uint32_t type;
    std::string_view name;
};
// Names of the mechanisms the appliance offers (hsm/mech_table.cpp), for showmechanism.
constexpr auto kMechNames = std::to_array<MechName>({
    {0x00000000, "CKM_RSA_PKCS_KEY_PAIR_GEN"}, {0x00000001, "CKM_RSA_PKCS"}, {0x00000003, "CKM_RSA_X_509"},
    {0x00000006, "CKM_SHA1_RSA_PKCS"}, {0x00000009, "CKM_RSA_PKCS_OAEP"}, {0x0000000d, "CKM_RSA_PKCS_PSS"},
    {0x0000000e, "CKM_SHA1_RSA_PKCS_PSS"}, {0x00000040, "CKM_SHA256_RSA_PKCS"}, {0x00000041, "CKM_SHA384_RSA_PKCS"},
    {0x00000042, "CKM_SHA512_RSA_PKCS"}, {0x00000043, "CKM_SHA256_RSA_PKCS_PSS"}, {0x00000044, "CKM_SHA384_RSA_PKCS_PSS"},
    {0x00000045, "CKM_SHA512_RSA_PKCS_PSS"}, {0x00000046, "CKM_SHA224_RSA_PKCS"}, {0x00000047, "CKM_SHA224_RSA_PKCS_PSS"},
    {0x00000220, "CKM_SHA_1"}, {0x00000221, "CKM_SHA_1_HMAC"}, {0x00000222, "CKM_SHA_1_HMAC_GENERAL"},
    {0x00000250, "CKM_SHA256"}, {0x00000251, "CKM_SHA256_HMAC"}, {0x00000252, "CKM_SHA256_HMAC_GENERAL"},
    {0x00000255, "CKM_SHA224"}, {0x00000256, "CKM_SHA224_HMAC"}, {0x00000257, "CKM_SHA224_HMAC_GENERAL"},
    {0x00000260, "CKM_SHA384"}, {0x00000261, "CKM_SHA384_HMAC"}, {0x00000262, "CKM_SHA384_HMAC_GENERAL"},
    {0x00000270, "CKM_SHA512"}, {0x00000271, "CKM_SHA512_HMAC"}, {0x00000272, "CKM_SHA512_HMAC_GENERAL"},
    {0x00000350, "CKM_GENERIC_SECRET_KEY_GEN"}, {0x00001040, "CKM_EC_KEY_PAIR_GEN"}, {0x00001041, "CKM_ECDSA"},
    {0x00001042, "CKM_ECDSA_SHA1"}, {0x00001043, "CKM_ECDSA_SHA224"}, {0x00001044, "CKM_ECDSA_SHA256"},
    {0x00001045, "CKM_ECDSA_SHA384"}, {0x00001046, "CKM_ECDSA_SHA512"}, {0x00001050, "CKM_ECDH1_DERIVE"},
    {0x00001080, "CKM_AES_KEY_GEN"}, {0x00001081, "CKM_AES_ECB"}, {0x00001082, "CKM_AES_CBC"},
    {0x00001085, "CKM_AES_CBC_PAD"}, {0x00001086, "CKM_AES_CTR"}, {0x00001087, "CKM_AES_GCM"},
    {0x0000108a, "CKM_AES_CMAC"}, {0x0000108b, "CKM_AES_CMAC_GENERAL"}, {0x00002109, "CKM_AES_KEY_WRAP"},
    {0x0000210a, "CKM_AES_KEY_WRAP_PAD"}, {0x0000210b, "CKM_AES_KEY_WRAP_KWP"}, {0x80000170, "CKM_AES_KW"},
    {0x80000171, "CKM_AES_KWP"},
});

std::string mechName(std::uint32_t t) {
    for (const auto& m : kMechNames)
        if (m.type == t) return std::string(m.name);
    return "CKM_VENDOR_DEFINED";
}

void init(State& st, const client::Options& o) {
    const auto slot = st.current();
    if (o.has("applytemplate"))
        throw Error(CKR_FUNCTION_NOT_SUPPORTED, "Policy templates are applied by lunash; the data plane does not carry them");
    if (!o.has("force")) {
        std::printf("\n%14sYou are about to initialize the partition.\n%14sAll contents of the partition will be destroyed.\n"
                    "\n%14sAre you sure you wish to continue?\n", "", "", "");
        if (!st.console.proceed()) throw Cancelled{};
    }
    const auto pin = password(st, o, "password", "Enter password for Partition SO: ", "Re-enter password for Partition SO: ");
    std::string domain;
    if (o.has("domain")) {
        domain = o.value("domain");
    } else if (o.has("defaultdomain")) {
        domain = std::string(client::vendor::kDefaultDomain);
    } else {
        std::printf("\n%14sOption -domain was not specified.                  It is required.\n", "");
        domain = st.console.secret("Enter the domain name: ");
        if (st.console.secret("Re-enter the domain name: ") != domain) throw Error(CKR_ARGUMENTS_BAD, "The two domains differ");
    }
    // On the slot's own session's link: re-initializing needs the PSO logged in there.
    auto& s = st.session(slot);
    s.link->ok(proto::InitTokenReq{slot.partition.slot, bytes(pin), o.value("label"), bytes(domain)});
    s.loggedIn.reset();
    if (o.has("auth")) {
        s.link->ok(proto::LoginReq{s.handle, CKU_SO, bytes(pin)});
        s.loggedIn = Role::PartitionSo;
    }
}

void showinfo(State& st, const client::Options&) {
    const auto slot = st.current();
    auto t = st.call(slot, proto::GetTokenInfoReq{slot.partition.slot});
    auto& s = st.session(slot);
    auto info = s.link->ok(proto::GetSessionInfoReq{s.handle});
    std::printf("\n");
    auto line = [](const char* k, const std::string& v) { std::printf("%14s%s -> %s\n", "", k, v.c_str()); };
    line("Partition Label", t.label);
    line("Partition Manufacturer", t.manufacturer);
    line("Partition Model", t.model);
    line("Partition Serial Number", t.serial);
    line("Partition Status", "OK");
    std::printf("%14sToken Flags ->\n", "");
    const std::pair<std::uint32_t, const char*> flags[] = {
        {CKF_RNG, "CKF_RNG"}, {CKF_LOGIN_REQUIRED, "CKF_LOGIN_REQUIRED"}, {CKF_USER_PIN_INITIALIZED, "CKF_USER_PIN_INITIALIZED"},
        {CKF_USER_PIN_LOCKED, "CKF_USER_PIN_LOCKED"}, {CKF_TOKEN_INITIALIZED, "CKF_TOKEN_INITIALIZED"}};
    for (auto [bit, name] : flags)
        if (t.flags & bit) std::printf("%22s%s\n", "", name);
    line("Slot Id", std::to_string(slot.id));
    const char* state = "CKS_RW_PUBLIC_SESSION";
    if (info.state == CKS_RW_USER_FUNCTIONS) state = "CKS_RW_USER_FUNCTIONS";
    if (info.state == CKS_RW_SO_FUNCTIONS) state = "CKS_RW_SO_FUNCTIONS";
    line("Session State", state);
    std::printf("%14sRole Status ->   %s\n", "", s.loggedIn ? (std::string(roleInfo(*s.loggedIn).longName) + " logged in").c_str() : "none logged in");
    std::printf("\n%14sPartition Storage:\n", "");
    auto storage = [](const char* k, std::uint64_t v) { std::printf("%22s%-42s%llu\n", "", k, static_cast<unsigned long long>(v)); };
    storage("Total Storage Space:", t.totalMemory);
    storage("Used Storage Space:", t.totalMemory - t.freeMemory);
    storage("Free Storage Space:", t.freeMemory);
    storage("Object Count:", t.objectCount);
}

bool numeric(const proto::PolicyEntry& p) { return p.capability > 1; }

void exportTemplate(const std::string& file, const std::vector<proto::PolicyEntry>& policies, const std::string& label,
                    std::uint64_t serial, const std::string& firmware) {
    std::ofstream out(file, std::ios::trunc);
    out << "# Policy template FW Version " << firmware << "\n"
        << "# Field format - Policy ID:Policy Description:Policy Value:Off to on destructive:On to off destructive\n"
        << "# Sourced from partition: " << label << ", SN: " << serial << "\n";
    for (const auto& p : policies)
        if (!p.name.empty())
            out << p.id << ":\"" << p.name << "\":" << p.value << ":" << p.offToOnDestructive << ":" << p.onToOffDestructive << "\n";
    if (!out.flush()) throw Error(CKR_GENERAL_ERROR, "Cannot write " + file);
}

void showpolicies(State& st, const client::Options& o) {
    if (o.has("slot")) st.setCurrent(std::strtoull(o.value("slot").c_str(), nullptr, 10));
    const auto slot = st.current();
    const auto policies = st.call(slot, proto::GetPoliciesReq{slot.partition.slot}).policies;
    if (o.has("exporttemplate")) {
        exportTemplate(o.value("exporttemplate"), policies, slot.partition.label, slot.partition.slot, st.server(slot).hello().firmware);
        std::printf("\nPartition policies for Partition: %s written to %s\n", slot.partition.label.c_str(),
                    o.value("exporttemplate").c_str());
        return;
    }
    std::printf("%8sPartition Capabilities\n", "");
    for (const auto& p : policies)
        std::printf("%18u: %s : %u\n", p.id, p.capabilityName.c_str(), p.capability);
    if (!o.has("verbose")) {
        std::printf("\n%14sPartition Policies\n", "");
        for (const auto& p : policies)
            if (!p.name.empty()) std::printf("%24u: %s : %u\n", p.id, p.name.c_str(), p.value);
        return;
    }
    std::printf("\nPartition Policies\n%62sDestructive\n Code Description                                   Value Off-To-On On-To-Off\n"
                "______________________________________________________________________________\n\n", "");
    for (const auto& p : policies) {
        if (p.name.empty()) continue;
        const bool num = numeric(p);
        const std::string value = num ? std::to_string(p.value) : (p.value ? "On" : "Off");
        std::printf("   %-7u%-55s%-8s%-11s%s\n", p.id, p.name.c_str(), value.c_str(),
                    num ? "N/A" : (p.offToOnDestructive ? "Yes" : "No"), num ? "N/A" : (p.onToOffDestructive ? "Yes" : "No"));
    }
}

void changepolicy(State& st, const client::Options& o) {
    if (o.has("slot")) st.setCurrent(std::strtoull(o.value("slot").c_str(), nullptr, 10));
    const auto slot = st.current();
    // Options::value returns a copy: keep it, `end` points into it.
    const std::string policyText = o.value("policy"), valueText = o.value("value");
    char* end = nullptr;
    const auto id = static_cast<std::uint32_t>(std::strtoul(policyText.c_str(), &end, 10));
    if (policyText.empty() || *end) throw client::UsageError("-policy needs a policy number");
    if (!o.has("value")) throw client::UsageError("Option -value is required");
    const auto value = static_cast<std::uint32_t>(std::strtoul(valueText.c_str(), &end, 10));
    if (*end) throw client::UsageError("-value needs a number");
    const auto policies = st.call(slot, proto::GetPoliciesReq{slot.partition.slot}).policies;
    std::string name = std::to_string(id);
    for (const auto& p : policies) {
        if (p.id != id) continue;
        name = p.name;
        const bool destructive = (value && !p.value && p.offToOnDestructive) || (!value && p.value && p.onToOffDestructive);
        if (destructive && !o.has("force")) {
            std::printf("\n%14sYou are about to change a destructive partition policy.\n%14sAll partition objects will be destroyed.\n"
                        "\n%14sAre you sure you wish to continue?\n", "", "", "");
            if (!st.console.proceed()) throw Cancelled{};
        }
    }
    auto& s = st.session(slot);
    s.link->ok(proto::SetPolicyReq{s.handle, id, value});
    std::printf("\n%14sPolicy %s is now set to value: %u\n", "", name.c_str(), value);
}

// Every object the logged-in role can see (none logged in: the public ones), in handle batches.
std::vector<std::uint64_t> allObjects(State::SlotSession& s, bool tokenOnly) {
    proto::Template query;
    if (tokenOnly) query.push_back({CKA_TOKEN, proto::encodeBool(true)});
    s.link->ok(proto::FindObjectsInitReq{s.handle, query});
    std::vector<std::uint64_t> out;
    for (;;) {
        auto r = s.link->ok(proto::FindObjectsReq{s.handle, 256}).handles;
        out.insert(out.end(), r.begin(), r.end());
        if (r.size() < 256) break;
    }
    s.link->ok(proto::FindObjectsFinalReq{s.handle});
    return out;
}

const char* className(std::uint64_t cls) {
    switch (cls) {
    case CKO_DATA: return "Data";
    case CKO_CERTIFICATE: return "Certificate";
    case CKO_PUBLIC_KEY: return "Public Key";
    case CKO_PRIVATE_KEY: return "Private Key";
    case CKO_SECRET_KEY: return "Symmetric Key";
    default: return "Other";
    }
}

void contents(State& st, const client::Options&) {
    const auto slot = st.current();
    auto& s = st.session(slot);
    const std::string who = s.loggedIn ? std::string(roleInfo(*s.loggedIn).longName) : "";
    if (s.loggedIn)
        std::printf("\n%14sThe '%s' is currently logged in.             Looking for objects\n%14saccessible to the '%s'.\n", "",
                    who.c_str(), "", who.c_str());
    else
        std::printf("\n%14sNo role is logged in.             Looking for public objects.\n", "");
    const auto handles = allObjects(s, false);
    std::printf("\n%14sObject list:\n", "");
    for (auto h : handles) {
        auto a = s.link->ok(proto::GetAttributeValueReq{s.handle, h, {CKA_LABEL, CKA_CLASS}}).attributes;
        const std::string label = a.size() > 0 && a[0].status == CKR_OK ? std::string(a[0].value.begin(), a[0].value.end()) : "";
        const auto cls = a.size() > 1 && a[1].status == CKR_OK ? proto::decodeUlong(a[1].value).value_or(~0ull) : ~0ull;
        std::printf("\n%14s%-27s%s\n%14s%-27s%llu\n%14s%-27s%s\n", "", "Label:", label.c_str(), "", "Handle:",
                    static_cast<unsigned long long>(h), "", "Object Type:", className(cls));
    }
    std::printf("\n%14s%-37s%zu\n", "", "Number of objects:", handles.size());
}

// Deletes the token objects the logged-in role may delete (ch.10: the CO, not the CU).
void clear(State& st, const client::Options& o) {
    const auto slot = st.current();
    auto& s = st.session(slot);
    if (!s.loggedIn) throw Error(CKR_USER_NOT_LOGGED_IN, "Log in first");
    if (!o.has("force")) {
        std::printf("\n%14sYou are about to delete all token objects.\n%14sAre you sure you wish to continue?\n", "", "");
        if (!st.console.proceed()) throw Cancelled{};
    }
    std::size_t n = 0;
    for (auto h : allObjects(s, true)) {
        s.link->ok(proto::DestroyObjectReq{s.handle, h});
        ++n;
    }
    std::printf("\n%14s%zu objects were deleted.\n", "", n);
}

void showmechanism(State& st, const client::Options& o) {
    const auto slot = st.current();
    if (o.has("m")) {
        const auto type = static_cast<std::uint32_t>(std::strtoul(o.value("m").c_str(), nullptr, 16));
        auto i = st.call(slot, proto::GetMechanismInfoReq{slot.partition.slot, type});
        std::printf("\n(0x%08x - %d) %s\n%9sMin Key Size %u\n%9sMax Key Size %u\n%9sFlags 0x%x\n", type,
                    static_cast<std::int32_t>(type), mechName(type).c_str(), "", i.minKeySize, "", i.maxKeySize, "", i.flags);
        return;
    }
    std::printf("\n Mechanisms Supported:\n");
    for (auto m : st.call(slot, proto::GetMechanismListReq{slot.partition.slot}).mechanisms)
        std::printf("%9s0x%08x - %s\n", "", m, mechName(m).c_str());
}

} // namespace

std::vector<CommandRow> partitionCommands() {
    return {
        {"partition", "par", "changepolicy", "changepo",
         {{"policy", "p", "<policy_id>", "The policy to change", true}, {"slot", "s", "<slot_number>", "The partition's slot"},
          {"value", "v", "<policy_value>", "The new value"}, {"force", "f", "", "Do not ask for confirmation"}},
         "Change the Partition Policy value", changepolicy},
        {"partition", "par", "clear", "clr", {{"force", "f", "", "Do not ask for confirmation"}},
         "Delete all of the user's token objects", clear},
        {"partition", "par", "contents", "con", {}, "Show the contents of the partition", contents},
        {"partition", "par", "init", "in",
         {{"label", "l", "<string>", "Label for the partition", true},
          {"password", "p", "<string>", "Partition Security Officer password"},
          {"domain", "d", "<string>", "Partition cloning domain"},
          {"applytemplate", "at", "<filepath/filename>", "Apply a policy template (not over the network)"},
          {"defaultdomain", "def", "", "Default cloning domain (deprecated)"}, {"auth", "a", "", "Log in after the initialization"},
          {"force", "f", "", "Do not ask for confirmation"}},
         "Initialize an application partition", init},
        {"partition", "par", "showinfo", "si", {}, "Display partition information", showinfo},
        {"partition", "par", "showmechanism", "showm", {{"m", "m", "<mech_ID_number>", "A mechanism number in hex"}},
         "Show all available mechanisms", showmechanism},
        {"partition", "par", "showpolicies", "sp",
         {{"slot", "s", "<slot>", "The partition's slot"}, {"verbose", "v", "", "Show destructiveness"},
          {"exporttemplate", "et", "<filepath/filename>", "Write the policies to a partition policy template"}},
         "Get partition policy information", showpolicies},
    };
}

} // namespace luna::lunacm

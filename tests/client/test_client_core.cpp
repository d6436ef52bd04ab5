// The client library's core without an HSM: the configuration file in both syntaxes, slot
// numbering (ch.16), the request-id multiplexing of a link, and the CKR boundary table.
#define BOOST_TEST_MODULE client_core
#include <boost/test/unit_test.hpp>

#include "client/common/cli.h"
#include "client/common/client_config.h"
#include "client/common/server_list.h"
#include "client/common/link.h"
#include "client/common/slots.h"
#include "client/common/vendor.h"
#include "client/pkcs11/boundary.h"
#include "client/pkcs11/convert.h"
#include "proto/attribute_kinds.h"
#include "luna/errors.h"

#include <p11-kit/pkcs11.h>

#include <condition_variable>
#include <deque>
#include <thread>

using namespace luna;
using namespace luna::client;

namespace {

// A Linux Chrystoki.conf as the real client installs it: section names with spaces,
// unquoted paths, comments.
constexpr std::string_view kRealFile = R"(# Chrystoki.conf
Chrystoki2 = {
   LibUNIX64 = /usr/safenet/lunaclient/lib/libCryptoki2_64.so;
}
Luna = {
  DefaultTimeOut = 500000;
  KeypairGenTimeOut = 2700000;
}
LunaSA Client = {
   ReceiveTimeout = 20000;
   SSLConfigFile = /usr/safenet/lunaclient/bin/openssl.cnf;
   ClientPrivKeyFile = /usr/safenet/lunaclient/cert/client/10.1.1.5Key.pem;
   ClientCertFile = /usr/safenet/lunaclient/cert/client/10.1.1.5.pem;
   ServerCAFile = /usr/safenet/lunaclient/cert/server/CAFile.pem;
   NetClient = 1;
   TCPKeepAlive = 1;
   ServerName10 = hsm-b.example;
   ServerPort10 = 1793;
   ServerName00 = 192.20.17.200;
   ServerPort00 = 1792;
   ServerName01 = 192.20.17.220;
}
Presentation = {
   OneBaseSlotId = 1;
   ShowUserSlots = 1(351970018022), 2(351970018021);
}
)";

} // namespace

BOOST_AUTO_TEST_CASE(real_linux_file) {
    auto f = ConfigFile::parse(kRealFile);
    BOOST_TEST((f.syntax() == ConfigFile::Syntax::Braces));
    BOOST_TEST(f.get("lunasa client", "servercafile").value() == "/usr/safenet/lunaclient/cert/server/CAFile.pem");
    auto c = ClientConfig::from(f);
    BOOST_REQUIRE(c.servers.size() == 3u);
    BOOST_TEST(c.servers[0].name == "192.20.17.200");
    BOOST_TEST(c.servers[1].name == "192.20.17.220");
    BOOST_TEST(c.servers[1].port == 1792);
    BOOST_TEST(c.servers[2].name == "hsm-b.example");
    BOOST_TEST(c.servers[2].port == 1793);
    BOOST_TEST(c.oneBaseSlotId);
    BOOST_REQUIRE(c.showUserSlots.size() == 2u);
    BOOST_TEST(c.showUserSlots[1].slot == 2u);
    BOOST_TEST(c.showUserSlots[1].serial == 351970018021u);
    BOOST_TEST(c.receiveTimeout.count() == 20000);
    // Rendered and parsed again, nothing changes.
    auto again = ConfigFile::parse(f.render());
    BOOST_TEST(ClientConfig::from(again).servers.size() == 3u);
    BOOST_TEST(again.get("Chrystoki2", "LibUNIX64").value() == "/usr/safenet/lunaclient/lib/libCryptoki2_64.so");
}

BOOST_AUTO_TEST_CASE(ini_and_quoted_syntaxes) {
    auto ini = ConfigFile::parse("; crystoki.ini\n[LunaSA Client]\nServerName00=10.0.0.1\nServerPort00=1792\n\n[Presentation]\nOneBaseSlotId=x\n");
    BOOST_TEST((ini.syntax() == ConfigFile::Syntax::Ini));
    BOOST_TEST(ClientConfig::from(ini).servers.at(0).name == "10.0.0.1");
    BOOST_TEST(!ClientConfig::from(ini).oneBaseSlotId);
    ini.set("LunaSA Client", "ServerName01", "10.0.0.2");
    BOOST_TEST(ini.render().find("ServerName01=10.0.0.2\n") != std::string::npos);

    auto lc = ConfigFile::parse("LunaSA_Client = { ServerName00 = \"a b;c\"; /* block */ ServerPort00 = 1800; };\n// line\n");
    BOOST_TEST(lc.get("LunaSA_Client", "ServerName00").value() == "a b;c");
    BOOST_TEST(ConfigFile::parse(lc.render()).get("LunaSA_Client", "ServerName00").value() == "a b;c");

    BOOST_CHECK_THROW(ConfigFile::parse("Luna = {\n  A = 1;\n"), ConfigError);
    try {
        ConfigFile::parse("Luna = {\n  A = 1;\n}\nBroken {\n");
        BOOST_ERROR("expected a ConfigError");
    } catch (const ConfigError& e) {
        BOOST_TEST(std::string(e.what()).find("line 4") != std::string::npos);
    }
    BOOST_CHECK_THROW(ClientConfig::from(ConfigFile::parse("LunaSA Client = { ServerName00 = a; ServerPort00 = x; }")),
                      ConfigError);
}

BOOST_AUTO_TEST_CASE(presentation_values_per_chapter_16) {
    BOOST_TEST(oneBaseSetting("1"));
    BOOST_TEST(oneBaseSetting("7"));    // any number other than zero is 1
    BOOST_TEST(!oneBaseSetting("0"));
    BOOST_TEST(!oneBaseSetting("yes")); // anything non-numeric is 0
    BOOST_TEST(!oneBaseSetting(""));
    BOOST_TEST(parseShowUserSlots("20(17923506)").at(0).slot == 20u);
    BOOST_CHECK_THROW(parseShowUserSlots("20[17923506]"), ConfigError);
}

BOOST_AUTO_TEST_CASE(editing_keeps_the_rest) {
    auto f = ConfigFile::parse(kRealFile);
    BOOST_TEST(f.erase("LunaSA Client", "ServerName01"));
    BOOST_TEST(!f.erase("LunaSA Client", "ServerName01"));
    f.set("Misc", "ToolsDir", "/opt/luna/bin");
    auto g = ConfigFile::parse(f.render());
    BOOST_TEST(ClientConfig::from(g).servers.size() == 2u);
    BOOST_TEST(clientDir(g) == "/opt/luna");
    BOOST_TEST(g.get("Luna", "DefaultTimeOut").value() == "500000");
}

BOOST_AUTO_TEST_CASE(server_list_keeps_polling_order_without_gaps) {
    auto f = ConfigFile::parse(kRealFile);
    BOOST_TEST(!addServer(f, "192.20.17.200", 1792));   // already listed
    BOOST_TEST(addServer(f, "10.9.9.9", 1800));
    BOOST_TEST(removeServer(f, "192.20.17.220"));
    BOOST_TEST(!removeServer(f, "nope"));
    auto c = ClientConfig::from(ConfigFile::parse(f.render()));
    BOOST_REQUIRE(c.servers.size() == 3u);
    BOOST_TEST(c.servers[0].index == 0u);
    BOOST_TEST(c.servers[1].name == "hsm-b.example");
    BOOST_TEST(c.servers[1].index == 1u);
    BOOST_TEST(c.servers[1].port == 1793);
    BOOST_TEST(c.servers[2].name == "10.9.9.9");
    BOOST_TEST(c.servers[2].port == 1800);
    BOOST_TEST(!f.get(kClientSection, "ServerName10").has_value());
}

BOOST_AUTO_TEST_CASE(command_line_options) {
    const std::vector<OptionSpec> specs = {{"name", "n", "<role>", "", true, true}, {"password", "p", "<pw>", ""},
                                           {"force", "f", "", ""}};
    auto words = splitWords(R"(-N Crypto Officer -password "a b" -f)");
    auto o = parseOptions(words, specs);
    BOOST_TEST(o.value("name") == "Crypto Officer");
    BOOST_TEST(o.value("password") == "a b");
    BOOST_TEST(o.has("force"));
    // The last of a repeated option counts (LunaCM reference, role login).
    BOOST_TEST(parseOptions(splitWords("-n co -n po"), specs).value("name") == "po");
    BOOST_CHECK_THROW(parseOptions(splitWords("-password x"), specs), UsageError);       // -name required
    BOOST_CHECK_THROW(parseOptions(splitWords("-n co -bogus"), specs), UsageError);
    BOOST_CHECK_THROW(parseOptions(splitWords("-n co -p"), specs), UsageError);
    BOOST_CHECK_THROW(splitWords("\"open"), UsageError);
    // vtl: -c and -C differ.
    const std::vector<OptionSpec> vtl = {{"c", "", "<country>", ""}, {"C", "", "<cert>", ""}};
    auto v = parseOptions(splitWords("-c CA -C out.pem"), vtl, true);
    BOOST_TEST(v.value("c") == "CA");
    BOOST_TEST(v.value("C") == "out.pem");
    BOOST_TEST(syntaxLine("role login", specs) == "role login -name <role> [-password <pw>] [-force]");
}

// ---- slot numbering ------------------------------------------------------------------------------

namespace {
proto::SlotEntry part(std::uint64_t serial) { return {serial, "p" + std::to_string(serial), "", true}; }
std::vector<std::uint64_t> ids(const std::vector<Slot>& s) {
    std::vector<std::uint64_t> out;
    for (const auto& x : s) out.push_back(x.id);
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(numbering_follows_server_order_and_is_sticky) {
    SlotNumbering n(false, {});
    auto s = n.assign({{part(11), part(12)}, {part(21)}});
    BOOST_TEST(ids(s) == (std::vector<std::uint64_t>{0, 1, 2}));
    BOOST_TEST(s[2].partition.slot == 21u);
    BOOST_TEST(s[2].server == 1u);
    // 12 is revoked, 13 assigned: 21 keeps 2, 13 gets a number nobody had.
    s = n.assign({{part(11), part(13)}, {part(21)}});
    BOOST_TEST(ids(s) == (std::vector<std::uint64_t>{0, 2, 3}));
    BOOST_TEST(s[2].partition.slot == 13u);
}

BOOST_AUTO_TEST_CASE(numbering_with_one_base_and_pins) {
    SlotNumbering one(true, {});
    BOOST_TEST(ids(one.assign({{part(1), part(2)}})) == (std::vector<std::uint64_t>{1, 2}));

    // Pin 12 at slot 0 and 21 at 5: server 0's other partition disappears, the unpinned
    // partitions of server 2 are numbered around the pins.
    SlotNumbering pins(false, {{0, 12}, {5, 21}});
    auto s = pins.assign({{part(11), part(12)}, {part(21)}, {part(31), part(32)}});
    BOOST_TEST(ids(s) == (std::vector<std::uint64_t>{0, 1, 2, 5}));
    BOOST_TEST(s[0].partition.slot == 12u);
    BOOST_TEST(s[1].partition.slot == 31u);
    BOOST_TEST(s[3].partition.slot == 21u);
}

// ---- link ----------------------------------------------------------------------------------------

namespace {
// A scripted appliance: answers GenerateRandom with `length` bytes of value (length % 256),
// holding the answers to even lengths until an odd one arrives (or a moment passes), so
// answers overtake each other.
class ScriptedChannel final : public Channel {
public:
    void write(std::span<const std::uint8_t> data) override {
        std::lock_guard lock(mu_);
        if (dead_) throw Error(CKR_DEVICE_ERROR, "dead");
        auto req = proto::decodeRequest(data);
        const auto& r = std::get<proto::GenerateRandomReq>(req.request);
        if (r.length == 0) return;   // never answered
        auto frame = proto::encodeResponse(req.requestId, proto::Op::GenerateRandom, 0, "",
                                           proto::DataResp{proto::Bytes(r.length, static_cast<std::uint8_t>(r.length % 256))});
        if (r.length % 2 == 0) {
            held_.push_back(std::move(frame));
            return;
        }
        out_.insert(out_.end(), frame.begin(), frame.end());
        for (auto& h : held_) out_.insert(out_.end(), h.begin(), h.end());
        held_.clear();
        cv_.notify_all();
    }
    std::size_t read(std::span<std::uint8_t> buf, Clock::time_point deadline) override {
        std::unique_lock lock(mu_);
        // Held answers go out newest first after a short while, so nobody waits forever.
        if (out_.empty() && !held_.empty() && !cv_.wait_for(lock, std::chrono::milliseconds(5), [&] { return !out_.empty(); })) {
            for (auto it = held_.rbegin(); it != held_.rend(); ++it) out_.insert(out_.end(), it->begin(), it->end());
            held_.clear();
        }
        if (!cv_.wait_until(lock, deadline, [&] { return dead_ || !out_.empty(); })) return 0;
        if (dead_) throw Error(CKR_DEVICE_ERROR, "dead");
        const auto n = std::min(buf.size(), out_.size());
        std::copy_n(out_.begin(), n, buf.begin());
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(n));
        return n;
    }
    void kill() {
        std::lock_guard lock(mu_);
        dead_ = true;
        cv_.notify_all();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::uint8_t> out_;
    std::vector<proto::Bytes> held_;
    bool dead_ = false;
};
} // namespace

BOOST_AUTO_TEST_CASE(link_matches_answers_by_request_id) {
    auto ch = std::make_unique<ScriptedChannel>();
    Link link(std::move(ch), std::chrono::seconds(10));
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (std::uint32_t t = 1; t <= 16; ++t)
        threads.emplace_back([&, t] {
            for (std::uint32_t i = 0; i < 50; ++i) {
                const std::uint32_t len = 2 * t + (i % 2) + 100;   // even ones wait for an odd one
                auto r = link.ok(proto::GenerateRandomReq{1, len});
                if (r.data.size() == len && r.data[0] == len % 256) ++good;
            }
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(good == 16 * 50);
}

BOOST_AUTO_TEST_CASE(link_timeout_and_death) {
    auto ch = std::make_unique<ScriptedChannel>();
    auto* raw = ch.get();
    Link link(std::move(ch), std::chrono::milliseconds(200));
    try {
        link.ok(proto::GenerateRandomReq{1, 0});
        BOOST_ERROR("expected a timeout");
    } catch (const Error& e) {
        BOOST_TEST(e.code() == vendor::CKR_TIMEOUT);
    }
    BOOST_TEST(link.ok(proto::GenerateRandomReq{1, 3}).data.size() == 3u);   // still usable
    std::thread waiter([&] {
        try {
            link.ok(proto::GenerateRandomReq{1, 0}, std::chrono::seconds(30));
        } catch (const Error& e) {
            BOOST_TEST(e.code() == CKR_DEVICE_ERROR);
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    raw->kill();
    waiter.join();
    BOOST_TEST(link.broken());
    BOOST_CHECK_THROW(link.ok(proto::GenerateRandomReq{1, 3}), Error);
}

// ---- the CKR boundary ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(boundary_rows_are_registered_and_leave_the_project_block) {
    for (const auto& row : p11::boundaryTable()) {
        BOOST_TEST_CONTEXT("project code 0x" << std::hex << row.project) {
            BOOST_TEST(findError(row.project).has_value());
            BOOST_TEST(findError(row.returned).has_value());
            BOOST_TEST((row.returned & 0xFFFF0000u) != 0x80010000u);
        }
    }
    // Every project code the registry has crosses as something other than itself.
    for (const auto& def : errorTable())
        if ((def.code & 0xFFFF0000u) == 0x80010000u) BOOST_TEST(p11::boundaryCkr(def.code) != def.code);
    BOOST_TEST(p11::boundaryCkr(CKR_PIN_INCORRECT) == CKR_PIN_INCORRECT);
    BOOST_TEST(p11::boundaryCkr(0x80000007) == 0x80000007u);     // vendor: as is
    BOOST_TEST(p11::boundaryCkr(0x8001FFFF) == CKR_GENERAL_ERROR);
    BOOST_TEST(p11::boundaryCkr(0x12345678) == CKR_GENERAL_ERROR);
}

BOOST_AUTO_TEST_CASE(vendor_constants_match_the_registry) {
    BOOST_TEST(findError(vendor::CKR_UNABLE_TO_CONNECT)->name == "CKR_UNABLE_TO_CONNECT");
    BOOST_TEST(findError(vendor::CKR_TIMEOUT)->name == "CKR_TIMEOUT");
    BOOST_TEST(findError(vendor::CKR_USER_NOT_AUTHORIZED)->name == "CKR_USER_NOT_AUTHORIZED");
    BOOST_TEST(findError(vendor::CKR_OPERATION_NOT_ALLOWED)->name == "CKR_OPERATION_NOT_ALLOWED");
}

// ---- C structures <-> canonical forms --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(mechanism_parameters_from_c_structures) {
    CK_BYTE iv[12] = {1, 2, 3}, aad[3] = {7, 8, 9};
    CK_GCM_PARAMS gcm{iv, sizeof iv, 96, aad, sizeof aad, 128};
    CK_MECHANISM m{CKM_AES_GCM, &gcm, sizeof gcm};
    auto w = p11::toWire(&m);
    const auto& g = std::get<proto::GcmParams>(w.params);
    BOOST_TEST(g.iv.size() == 12u);
    BOOST_TEST(g.aad.size() == 3u);
    BOOST_TEST(g.tagBits == 128u);
    // The v2.40 layout without ulIvBits, as some applications still pass it.
    struct {
        CK_BYTE_PTR pIv;
        CK_ULONG ulIvLen;
        CK_BYTE_PTR pAAD;
        CK_ULONG ulAADLen;
        CK_ULONG ulTagBits;
    } old{iv, sizeof iv, aad, 2, 96};
    CK_MECHANISM m2{CKM_AES_GCM, &old, sizeof old};
    BOOST_TEST(std::get<proto::GcmParams>(p11::toWire(&m2).params).aad.size() == 2u);
    BOOST_TEST(std::get<proto::GcmParams>(p11::toWire(&m2).params).tagBits == 96u);
    CK_MECHANISM bad{CKM_AES_GCM, &gcm, 7};
    BOOST_CHECK_THROW(p11::toWire(&bad), Error);

    CK_RSA_PKCS_PSS_PARAMS pss{CKM_SHA256, CKG_MGF1_SHA256, 32};
    CK_MECHANISM mp{CKM_SHA256_RSA_PKCS_PSS, &pss, sizeof pss};
    BOOST_TEST((std::get<proto::PssParams>(p11::toWire(&mp).params) == proto::PssParams{CKM_SHA256, CKG_MGF1_SHA256, 32}));
    CK_MECHANISM noPss{CKM_RSA_PKCS_PSS, nullptr, 0};
    BOOST_CHECK_THROW(p11::toWire(&noPss), Error);
    CK_AES_CTR_PARAMS ctr{};
    ctr.ulCounterBits = 32;
    ctr.cb[15] = 1;
    CK_MECHANISM mc{CKM_AES_CTR, &ctr, sizeof ctr};
    BOOST_TEST(std::get<proto::CtrParams>(p11::toWire(&mc).params).counterBlock.at(15) == 1);
    CK_ULONG macLen = 16;
    CK_MECHANISM mm{CKM_SHA256_HMAC_GENERAL, &macLen, sizeof macLen};
    BOOST_TEST(std::get<proto::MacLenParams>(p11::toWire(&mm).params).length == 16u);
    CK_MECHANISM plain{CKM_SHA256, &macLen, sizeof macLen};   // a stray parameter is ignored
    BOOST_TEST(std::holds_alternative<proto::NoParams>(p11::toWire(&plain).params));
}

BOOST_AUTO_TEST_CASE(attribute_values_both_ways) {
    CK_ULONG bits = 3072;
    CK_BBOOL yes = CK_TRUE;
    CK_MECHANISM_TYPE allowed[] = {CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS_PSS};
    CK_ATTRIBUTE t[] = {{CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_SIGN, &yes, 1},
                        {CKA_ALLOWED_MECHANISMS, allowed, sizeof allowed}, {CKA_LABEL, (void*)"k", 1}};
    auto w = p11::toWire(t, 4);
    BOOST_TEST(w[0].value == proto::encodeUlong(3072));   // 8 bytes big-endian whatever CK_ULONG is
    BOOST_TEST(w[1].value == proto::encodeBool(true));
    BOOST_TEST(w[2].value.size() == 16u);
    CK_ULONG back = 0;
    p11::toNative(CKA_MODULUS_BITS, w[0].value, &back);
    BOOST_TEST(back == 3072u);
    BOOST_TEST(p11::nativeSize(CKA_ALLOWED_MECHANISMS, w[2].value) == sizeof allowed);
    CK_MECHANISM_TYPE again[2] = {};
    p11::toNative(CKA_ALLOWED_MECHANISMS, w[2].value, again);
    BOOST_TEST(again[1] == CKM_RSA_PKCS_PSS);
    CK_ATTRIBUTE nested{CKA_WRAP_TEMPLATE, nullptr, 0};
    BOOST_CHECK_THROW(p11::toWire(&nested, 1), Error);
    CK_ATTRIBUTE shortBool{CKA_SIGN, &bits, 4};
    BOOST_CHECK_THROW(p11::toWire(&shortBool, 1), Error);
    BOOST_CHECK_THROW(p11::toWire(nullptr, 2), Error);
    unsigned char label[32];
    p11::padded(label, sizeof label, "par0");
    BOOST_TEST(label[31] == ' ');
    BOOST_TEST(p11::unpadded(label, sizeof label) == "par0");
}

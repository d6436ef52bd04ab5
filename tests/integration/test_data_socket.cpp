// hsmd's data plane end to end: a real hsmd (on a private bus, state provisioned through
// the core library beforehand) driven over its SOCK_SEQPACKET socket by a tiny client.
#define BOOST_TEST_MODULE data_socket
#include <boost/test/unit_test.hpp>

#include "../unit/hsm_test_support.h"
#include "dp_client.h"

#include "hsm/key_material.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <csignal>
#include <fstream>
#include <sys/wait.h>

using namespace luna;
using namespace luna::hsm::test;
using proto::Bytes;

namespace {

Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }

pid_t spawn(std::vector<std::string> args, const std::string& env, const std::string& log) {
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        if (!env.empty()) ::putenv(const_cast<char*>(env.c_str()));
        FILE* f = std::freopen(log.c_str(), "a", stdout);
        (void)f;
        ::dup2(STDOUT_FILENO, STDERR_FILENO);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    return pid;
}

bool connectable(const std::string& path) {
    try {
        test::DpClient c(path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// One hsmd for the whole module: partition 1 assigned to client1, partition 2 to client2.
struct Appliance {
    Appliance() {
        const char* hsmd = std::getenv("LUNA_HSMD");
        BOOST_TEST_REQUIRE(hsmd, "LUNA_HSMD names the hsmd binary (meson sets it)");
        const auto root = dir.path();
        // Other uids must reach the socket for the peer-credential test to mean anything.
        std::filesystem::permissions(root, std::filesystem::perms::all & ~std::filesystem::perms::others_write &
                                               ~std::filesystem::perms::group_write);
        {
            luna::hsm::Hsm core(luna::hsm::HsmConfig{.stateDir = root / "state", .kdfIterations = 1000});
            initAndLogin(core, "so");
            slot1 = core.createPartition("so", "par1", std::nullopt, false);
            slot2 = core.createPartition("so", "par2", std::nullopt, false);
            provisionPartition(core, slot1);
        }
        std::ofstream(root / "assign") << "client1 " << slot1 << "\nclient2 " << slot2 << "  # comment\n";
        std::ofstream(root / "roles") << "";
        bus = spawn({"/usr/bin/dbus-daemon", "--session", "--nofork", "--address=unix:path=" + (root / "bus").string()}, "",
                    root / "bus.log");
        for (int i = 0; i < 100 && !std::filesystem::exists(root / "bus"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        socket = (root / "data.sock").string();
        hsmdPid = spawn({hsmd, "--state-dir", (root / "state").string(), "--roles", (root / "roles").string(),
                         "--kdf-iterations", "1000", "--data-socket", socket, "--ntls-uid", "4999",
                         "--client-assignments", (root / "assign").string()},
                        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + (root / "bus").string(), root / "hsmd.log");
        for (int i = 0; i < 200 && !connectable(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        BOOST_TEST_REQUIRE(connectable(socket), "hsmd did not open its data socket; see its log");
    }
    ~Appliance() {
        if (hsmdPid > 0) {
            ::kill(hsmdPid, SIGTERM);
            int st = 0;
            ::waitpid(hsmdPid, &st, 0);
        }
        if (bus > 0) {
            ::kill(bus, SIGTERM);
            ::waitpid(bus, nullptr, 0);
        }
    }
    TempDir dir;
    std::string slot1, slot2, socket;
    pid_t bus = -1, hsmdPid = -1;
};

Appliance* app = nullptr;
struct Global {
    Global() { app = new Appliance; }
    ~Global() { delete app; }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

std::uint64_t s1() { return std::stoull(app->slot1); }

// Open a R/W session on partition 1 as client1 over `link` and log the CO in.
std::uint64_t coSession(test::DpClient& c, std::uint64_t link) {
    auto s = c.ok(link, "client1", proto::OpenSessionReq{s1(), CKF_SERIAL_SESSION | CKF_RW_SESSION}).handle;
    c.ok(link, "client1", proto::LoginReq{s, CKU_USER, bytesOf(kCoPin)});
    return s;
}

Bytes rawToDer(const Bytes& raw) {
    const std::size_t n = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(n), nullptr), BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr));
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig, &der);
    Bytes out(der, der + len);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(hello_and_assigned_slots) {
    test::DpClient c(app->socket);
    auto hello = c.ok(1, "client1", proto::HelloReq{proto::kVersion, "test"});
    BOOST_TEST(hello.version == proto::kVersion);
    BOOST_TEST(hello.maxPayload == proto::kMaxPayload);
    auto slots = c.ok(1, "client1", proto::GetSlotListReq{}).slots;
    BOOST_REQUIRE_EQUAL(slots.size(), 1u);
    BOOST_TEST(slots[0].slot == s1());
    BOOST_TEST(slots[0].initialized);
    BOOST_TEST(c.ok(1, "client2", proto::GetSlotListReq{}).slots.at(0).slot == std::stoull(app->slot2));
    BOOST_TEST(c.ok(1, "stranger", proto::GetSlotListReq{}).slots.empty());
    auto r = c.call(1, "client2", proto::OpenSessionReq{s1(), CKF_SERIAL_SESSION});
    BOOST_TEST(r.rv == CKR_SLOT_ID_INVALID);
}

BOOST_AUTO_TEST_CASE(sign_in_hsmd_verify_with_openssl) {
    test::DpClient c(app->socket);
    auto s = coSession(c, 10);
    proto::Template pub{{CKA_EC_PARAMS, Bytes{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}}};
    auto kp = c.ok(10, "client1", proto::GenerateKeyPairReq{s, {CKM_EC_KEY_PAIR_GEN, proto::NoParams{}}, pub, {}});
    const Bytes msg = bytesOf("over the socket");
    auto sig = c.ok(10, "client1", proto::SignReq{s, msg, proto::OpInit{{CKM_ECDSA_SHA256, proto::NoParams{}}, kp.privateKey}}).data;
    auto attrs = c.ok(10, "client1", proto::GetAttributeValueReq{s, kp.publicKey, {CKA_EC_POINT, CKA_EC_PARAMS}}).attributes;
    luna::hsm::ObjAttrs a{{CKA_CLASS, proto::encodeUlong(CKO_PUBLIC_KEY)}, {CKA_KEY_TYPE, proto::encodeUlong(CKK_EC)},
                          {CKA_EC_POINT, attrs[0].value}, {CKA_EC_PARAMS, attrs[1].value}};
    auto key = luna::hsm::buildPkey(a);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
    auto der = rawToDer(sig);
    BOOST_TEST(EVP_DigestVerify(ctx, der.data(), der.size(), msg.data(), msg.size()) == 1);
    EVP_MD_CTX_free(ctx);
    // A bad session handle is refused with the registry's code, not a dropped connection.
    BOOST_TEST(c.call(10, "client1", proto::GetSessionInfoReq{987654}).rv == CKR_SESSION_HANDLE_INVALID);
}

BOOST_AUTO_TEST_CASE(many_links_and_threads_on_one_connection) {
    test::DpClient c(app->socket);
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            const std::uint64_t link = 100 + static_cast<std::uint64_t>(t);
            auto s = coSession(c, link);
            proto::Template tmpl{{CKA_CLASS, proto::encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, proto::encodeUlong(CKK_AES)},
                                 {CKA_VALUE_LEN, proto::encodeUlong(32)}};
            auto k = c.ok(link, "client1", proto::GenerateKeyReq{s, {CKM_AES_KEY_GEN, proto::NoParams{}}, tmpl}).handle;
            for (int i = 0; i < 25; ++i) {
                const Bytes msg = bytesOf("message " + std::to_string(i));
                auto mac = c.ok(link, "client1", proto::SignReq{s, msg, proto::OpInit{{CKM_AES_CMAC, proto::NoParams{}}, k}}).data;
                auto v = c.call(link, "client1", proto::VerifyReq{s, msg, mac, proto::OpInit{{CKM_AES_CMAC, proto::NoParams{}}, k}});
                if (v.rv == 0) ++good;
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(good == 100);
    BOOST_TEST(c.unexpected() == 0u);
}

// RSA signatures are measured long: they run off the connection's reader thread, more of them
// in flight than hsmd has workers, while the verifications (measured short) run on the reader.
// Six links sign at once on one connection: every signature verifies, every answer comes to the
// request that asked. Then a connection that goes away with signatures queued or running:
// hsmd keeps serving the next one.
BOOST_AUTO_TEST_CASE(long_requests_in_parallel_on_one_connection) {
    test::DpClient c(app->socket);
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            const std::uint64_t link = 400 + static_cast<std::uint64_t>(t);
            auto s = coSession(c, link);
            proto::Template pub{{CKA_MODULUS_BITS, proto::encodeUlong(2048)}, {CKA_PUBLIC_EXPONENT, Bytes{1, 0, 1}},
                                {CKA_VERIFY, Bytes{1}}};
            proto::Template priv{{CKA_SIGN, Bytes{1}}, {CKA_SENSITIVE, Bytes{1}}};
            auto kp = c.ok(link, "client1", proto::GenerateKeyPairReq{s, {CKM_RSA_PKCS_KEY_PAIR_GEN, proto::NoParams{}}, pub, priv});
            for (int i = 0; i < 8; ++i) {
                const Bytes msg = bytesOf("rsa message " + std::to_string(t) + "/" + std::to_string(i));
                auto sig = c.ok(link, "client1",
                                proto::SignReq{s, msg, proto::OpInit{{CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.privateKey}}).data;
                auto v = c.call(link, "client1",
                                proto::VerifyReq{s, msg, sig, proto::OpInit{{CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.publicKey}});
                if (v.rv == 0 && sig.size() == 256) ++good;
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(good == 48);
    BOOST_TEST(c.unexpected() == 0u);

    {
        test::DpClient gone(app->socket);
        auto s = coSession(gone, 500);
        proto::Template pub{{CKA_MODULUS_BITS, proto::encodeUlong(2048)}, {CKA_PUBLIC_EXPONENT, Bytes{1, 0, 1}}};
        auto kp = gone.ok(500, "client1", proto::GenerateKeyPairReq{s, {CKM_RSA_PKCS_KEY_PAIR_GEN, proto::NoParams{}}, pub, {}});
        for (std::uint32_t i = 0; i < 8; ++i)
            gone.sendDatagram(proto::encodeEnvelope(
                proto::EnvelopeKind::Frame, 500, "client1",
                proto::encodeRequest(800000 + i, proto::SignReq{s, bytesOf("x"), proto::OpInit{{CKM_SHA256_RSA_PKCS, proto::NoParams{}},
                                                                                              kp.privateKey}})));
    }   // closed with the signatures queued or running
    test::DpClient next(app->socket);
    BOOST_TEST(next.ok(1, "client1", proto::HelloReq{proto::kVersion, "test"}).version == proto::kVersion);
}

// Requests of one session sent without waiting (as a client may pipeline an Init): hsmd runs
// short kinds on its reader thread and the rest on workers, and must keep their order either
// way. 300 digest parts: the first run on workers (every kind starts as "long"), the later
// ones on the reader once DigestUpdate is measured short, some while earlier ones are still
// queued. The digest of the whole equals SHA-256 of the parts in order.
BOOST_AUTO_TEST_CASE(pipelined_requests_of_a_session_keep_their_order) {
    test::DpClient c(app->socket);
    const std::uint64_t link = 300;
    auto s = coSession(c, link);
    auto send = [&](std::uint32_t id, const proto::Request& r) {
        c.sendDatagram(proto::encodeEnvelope(proto::EnvelopeKind::Frame, link, "client1", proto::encodeRequest(id, r)));
    };
    std::string all;
    send(900000, proto::DigestInitReq{s, {CKM_SHA256, proto::NoParams{}}});
    for (std::uint32_t i = 0; i < 300; ++i) {
        const std::string part = "part " + std::to_string(i) + ";";
        all += part;
        send(900001 + i, proto::DigestUpdateReq{s, bytesOf(part)});
    }
    auto r = c.call(link, "client1", proto::DigestFinalReq{s});
    BOOST_TEST_REQUIRE(r.rv == 0u, "DigestFinal: " << r.detail);
    unsigned char md[32];
    SHA256(reinterpret_cast<const unsigned char*>(all.data()), all.size(), md);
    const auto& got = std::get<proto::DataResp>(r.body).data;
    BOOST_TEST(Bytes(got.begin(), got.end()) == Bytes(md, md + 32), "the parts were digested out of order");
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_and_service_continues) {
    test::DpClient c(app->socket);
    // Garbage that is not an envelope: dropped, nothing to answer.
    c.sendDatagram(bytesOf("definitely not a frame"));
    // An unknown operation: refused by request id.
    auto frame = proto::encodeRequest(4242, proto::HelloReq{});
    frame[8] = 0x7E;
    frame[9] = 0x01;
    auto r = c.callRaw(1, "client1", 4242, frame);
    BOOST_TEST(r.rv == CKR_FUNCTION_NOT_SUPPORTED);
    // A truncated payload whose header still names it.
    auto login = proto::encodeRequest(4243, proto::LoginReq{1, CKU_USER, bytesOf("pin")});
    login.resize(login.size() - 2);
    BOOST_TEST(c.callRaw(1, "client1", 4243, login).rv == CKR_ARGUMENTS_BAD);
    // The same connection and everyone else are still served.
    BOOST_TEST(c.ok(1, "client1", proto::GetSlotListReq{}).slots.size() == 1u);
    test::DpClient other(app->socket);
    BOOST_TEST(other.ok(1, "client1", proto::HelloReq{}).version == proto::kVersion);
}

BOOST_AUTO_TEST_CASE(link_close_ends_its_sessions) {
    test::DpClient c(app->socket);
    auto s = coSession(c, 77);
    BOOST_TEST(c.call(77, "client1", proto::GetSessionInfoReq{s}).rv == CKR_OK);
    c.closeLink(77, "client1");
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = c.call(77, "client1", proto::GetSessionInfoReq{s}).rv == CKR_SESSION_HANDLE_INVALID;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST(gone);
}

BOOST_AUTO_TEST_CASE(only_root_and_ntlsd_may_connect) {
    if (::geteuid() != 0) {
        BOOST_TEST_MESSAGE("skipped: needs root to connect as another uid");
        return;
    }
    auto tryAs = [&](uid_t uid) {
        std::fflush(nullptr);
        pid_t pid = ::fork();
        if (pid == 0) {
            if (::setgid(uid) != 0 || ::setuid(uid) != 0) std::_Exit(3);
            try {
                test::DpClient c(app->socket);
                auto r = c.call(1, "client1", proto::HelloReq{});
                std::_Exit(r.rv == 0 ? 0 : 2);
            } catch (const std::exception&) {
                std::_Exit(1);
            }
        }
        int st = 0;
        ::waitpid(pid, &st, 0);
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    };
    BOOST_TEST(tryAs(4998) == 1);   // a stranger is disconnected
    BOOST_TEST(tryAs(4999) == 0);   // the configured ntlsd uid is served
}

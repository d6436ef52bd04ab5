// ntlsd's persisted state without sockets or a bus: the client registry (rules, refusals that
// change nothing, persistence), the settings file (ranges, round trip) and the certificates
// (server identity, client certificate checks, fingerprints).
#define BOOST_TEST_MODULE ntls
#include <boost/test/unit_test.hpp>

#include "certificate.h"
#include "registry.h"
#include "settings.h"
#include "temp_dir.h"

#include "luna/errors.h"

#include <regex>

using namespace luna;
using namespace luna::ntls;

namespace {

std::uint32_t codeOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return 0;
}

Client clientFor(const std::string& name, const ServerIdentity& id) {
    Client c;
    c.name = name;
    c.ip = "127.0.0.1";
    c.certificate = toBase64Der(id.cert.get());
    c.pin = sha256Pin(id.cert.get());
    c.fingerprint = sha1Fingerprint(id.cert.get());
    return c;
}

const ServerIdentity& idA() {
    static auto id = generateServerIdentity({.commonName = "a.example"});
    return id;
}
const ServerIdentity& idB() {
    static auto id = generateServerIdentity({.commonName = "10.1.2.3"});
    return id;
}

} // namespace

BOOST_AUTO_TEST_CASE(names_and_addresses) {
    BOOST_TEST(validClientName("192.20.11.91"));
    BOOST_TEST(validClientName("ntls_client-1"));
    BOOST_TEST(validClientName(std::string(254, 'x')));
    BOOST_TEST(!validClientName(std::string(255, 'x')));
    BOOST_TEST(!validClientName(""));
    BOOST_TEST(!validClientName("bad name"));
    BOOST_TEST(!validClientName("a/b"));
    BOOST_TEST(validIp("10.0.0.1"));
    BOOST_TEST(validIp("fe80::1"));
    BOOST_TEST(!validIp("300.1.1.1"));
    BOOST_TEST(validHostname("client.example.com"));
    BOOST_TEST(!validHostname("-x"));
    BOOST_TEST(!validHostname("a b"));
}

BOOST_AUTO_TEST_CASE(registry_rules_and_persistence) {
    test::TempDir dir;
    const auto file = dir.path() / "clients";
    {
        Registry r(file);
        r.add(clientFor("alpha", idA()), false);
        BOOST_TEST(codeOf([&] { r.add(clientFor("alpha", idB()), false); }) == rc::CLIENT_ALREADY_EXISTS);
        BOOST_TEST(codeOf([&] { r.add(clientFor("beta", idA()), false); }) == rc::CERTIFICATE_IN_USE);
        auto noAddress = clientFor("gamma", idB());
        noAddress.ip.clear();
        BOOST_TEST(codeOf([&] { r.add(noAddress, false); }) == rc::ADDRESS_INVALID);
        BOOST_TEST(codeOf([&] { r.add(clientFor("bad name", idB()), false); }) == rc::CLIENT_NAME_INVALID);
        BOOST_TEST(r.all().size() == 1u);   // refusals changed nothing

        r.assign("alpha", 101);
        r.assign("alpha", 102);
        BOOST_TEST(codeOf([&] { r.assign("alpha", 101); }) == rc::PARTITION_ALREADY_ASSIGNED);
        BOOST_TEST(codeOf([&] { r.assign("nobody", 101); }) == rc::CLIENT_NOT_FOUND);
        r.revoke("alpha", 102);
        BOOST_TEST(codeOf([&] { r.revoke("alpha", 102); }) == rc::PARTITION_NOT_ASSIGNED);
        r.mapIp("alpha", "10.9.9.9");
        BOOST_TEST(codeOf([&] { r.mapIp("alpha", "10.9.9"); }) == rc::ADDRESS_INVALID);
        BOOST_TEST(r.byPin(sha256Pin(idA().cert.get()))->name == "alpha");
        BOOST_TEST(!r.byPin(sha256Pin(idB().cert.get())));
    }
    Registry again(file);   // what a restarted ntlsd reads
    auto a = again.find("alpha");
    BOOST_REQUIRE(a);
    BOOST_TEST(a->partitions == (std::set<std::uint64_t>{101}));
    BOOST_TEST(a->mappedIp == "10.9.9.9");
    BOOST_TEST(a->fingerprint == sha1Fingerprint(idA().cert.get()));
    BOOST_TEST(sha256Pin(fromBase64Der(a->certificate).get()) == a->pin);

    // Re-registering keeps the partitions and the mapping; a deleted partition drops out.
    again.add(clientFor("alpha", idB()), true);
    BOOST_TEST(again.find("alpha")->partitions == (std::set<std::uint64_t>{101}));
    BOOST_TEST(again.prune({102}));
    BOOST_TEST(again.find("alpha")->partitions.empty());
    BOOST_TEST(!again.prune({102}));
    again.remove("alpha");
    BOOST_TEST(codeOf([&] { again.remove("alpha"); }) == rc::CLIENT_NOT_FOUND);
    BOOST_TEST(Registry(file).all().empty());
}

BOOST_AUTO_TEST_CASE(registry_file_errors) {
    BOOST_CHECK_THROW(parseClients("hostname=x\n"), std::runtime_error);
    BOOST_CHECK_THROW(parseClients("[client a b]\n"), std::runtime_error);
    BOOST_CHECK_THROW(parseClients("[client a]\npartitions=12x\ncertificate=x\npin=y\n"), std::runtime_error);
    BOOST_CHECK_THROW(parseClients("[client a]\nip=1.2.3.4\n"), std::runtime_error);   // no certificate
}

BOOST_AUTO_TEST_CASE(settings_ranges_and_round_trip) {
    Settings s;
    BOOST_TEST(s.timeout == 20u);
    BOOST_TEST(s.datapath == 5u);
    BOOST_TEST(s.cmdProcessor == 20u);
    BOOST_TEST(s.keepIdle == 10u);
    BOOST_TEST(s.keepInterval == 10u);
    BOOST_TEST(s.keepProbes == 2u);
    BOOST_TEST(s.ipCheck);
    BOOST_TEST(s.bindDevice == "all");
    s.bindDevice = "eth1";
    s.timeout = 300;
    s.datapath = 15;
    s.cmdProcessor = 70;
    s.keepIdle = 10000;
    s.ipCheck = false;
    BOOST_TEST((parseSettings(serialize(s)) == s));
    BOOST_TEST(codeOf([] { checkRange("timeout", 9, kTimeout); }) == rc::NTLS_SETTING_INVALID);
    BOOST_TEST(codeOf([] { checkRange("timeout", 301, kTimeout); }) == rc::NTLS_SETTING_INVALID);
    BOOST_TEST(codeOf([] { checkBindDevice("eth4"); }) == rc::NTLS_SETTING_INVALID);
    BOOST_CHECK_THROW(parseSettings("timeout=5\n"), std::runtime_error);
    BOOST_CHECK_THROW(parseSettings("timeout=abc\n"), std::runtime_error);
    BOOST_TEST((parseSettings("# comment\nunknown-key=1\n") == Settings{}));
    test::TempDir dir;
    BOOST_TEST((loadSettings(dir.path() / "ntls.conf") == Settings{}));
    saveSettings(dir.path() / "ntls.conf", s);
    BOOST_TEST((loadSettings(dir.path() / "ntls.conf") == s));
}

BOOST_AUTO_TEST_CASE(server_identity) {
    const auto& id = idA();
    BOOST_TEST(std::regex_match(sha1Fingerprint(id.cert.get()), std::regex("([0-9A-F]{2}:){19}[0-9A-F]{2}")));
    BOOST_TEST(describe(id.cert.get()).find("sha256WithRSAEncryption") != std::string::npos);
    BOOST_TEST(describe(id.cert.get()).find("O=Chrysalis-ITS, CN=a.example") != std::string::npos);
    BOOST_TEST(describe(idB().cert.get()).find("IP Address:10.1.2.3") != std::string::npos);
    const auto expires = notAfter(id.cert.get());
    BOOST_TEST(expires > std::time(nullptr) + 3650L * 86400);
    BOOST_TEST(codeOf([] { generateServerIdentity({.commonName = "x", .days = 0}); }) == rc::CERTIFICATE_INVALID);
    BOOST_TEST(codeOf([] { generateServerIdentity({.commonName = "x", .days = 3654}); }) == rc::CERTIFICATE_INVALID);

    test::TempDir dir;
    BOOST_TEST(!loadServerIdentity(dir.path()).cert);
    saveServerIdentity(dir.path(), id);
    auto loaded = loadServerIdentity(dir.path());
    BOOST_REQUIRE(loaded.cert);
    BOOST_TEST(sha1Fingerprint(loaded.cert.get()) == sha1Fingerprint(id.cert.get()));
    const auto keyPerms = std::filesystem::status(dir.path() / "server.key").permissions();
    BOOST_TEST(((keyPerms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
                std::filesystem::perms::none));
    saveServerIdentity(dir.path(), idB());   // the pair is replaced as a pair
    BOOST_TEST(sha1Fingerprint(loadServerIdentity(dir.path()).cert.get()) == sha1Fingerprint(idB().cert.get()));
}

BOOST_AUTO_TEST_CASE(client_certificates) {
    const auto pem = toPem(idA().cert.get());
    BOOST_TEST(sha256Pin(parseClientCertificate(pem).get()) == sha256Pin(idA().cert.get()));
    BOOST_TEST(codeOf([] { parseClientCertificate("not a certificate"); }) == rc::CERTIFICATE_INVALID);
    BOOST_TEST(codeOf([&] { parseClientCertificate(pem + toPem(idB().cert.get())); }) == rc::CERTIFICATE_INVALID);
    BOOST_TEST(codeOf([] { parseClientCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"); }) ==
               rc::CERTIFICATE_INVALID);
    // Not valid yet: a certificate starting tomorrow.
    auto later = generateServerIdentity({.commonName = "later", .notBefore = std::time(nullptr) + 86400 * 2, .days = 10});
    BOOST_TEST(codeOf([&] { parseClientCertificate(toPem(later.cert.get())); }) == rc::CERTIFICATE_INVALID);
}

// luna-license: the development and test tool that issues licence strings for this project's
// appliance (docs/license.md). It holds the only use of the vendor's PRIVATE key, which is
// vendor-dev-key.pem beside it: a development key, never installed, never in a package.
// sysconfd only verifies, with the public key compiled into sysconf/license.h.
//
//   luna-license fingerprint SERIAL
//   luna-license sign --key PEM --serial SERIAL [--feature F] [--version V] [--quantity N]
//                     [--aid UUID] [--issued "DD MON YYYY HH MM"]
#include "sysconf/license.h"

#include <getopt.h>

#include <openssl/rand.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: luna-license fingerprint SERIAL\n"
                 "       luna-license sign --key PEM --serial SERIAL [--feature LUNA_PARTITIONS_5PACK]\n"
                 "                         [--version 1.0] [--quantity 5] [--aid UUID] [--issued \"DD MON YYYY HH MM\"]\n");
    return 2;
}

std::string randomAid() {
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

std::string nowIssued() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d %s %04d %02d %02d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min);
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string cmd = argv[1];
    if (cmd == "fingerprint" && argc == 3) {
        std::cout << luna::sysconf::lockingCode(argv[2]) << "\n";
        return 0;
    }
    if (cmd != "sign") return usage();
    std::string keyFile, serial;
    luna::sysconf::LicenseFields f{"LUNA_PARTITIONS_5PACK", "1.0", nowIssued(), "", 5, randomAid()};
    static const option opts[] = {
        {"key", required_argument, nullptr, 'k'},      {"serial", required_argument, nullptr, 's'},
        {"feature", required_argument, nullptr, 'f'},  {"version", required_argument, nullptr, 'v'},
        {"quantity", required_argument, nullptr, 'q'}, {"aid", required_argument, nullptr, 'a'},
        {"issued", required_argument, nullptr, 'i'},   {nullptr, 0, nullptr, 0},
    };
    optind = 2;
    for (int c; (c = getopt_long(argc, argv, "", opts, nullptr)) != -1;) {
        switch (c) {
        case 'k': keyFile = optarg; break;
        case 's': serial = optarg; break;
        case 'f': f.feature = optarg; break;
        case 'v': f.version = optarg; break;
        case 'q': f.quantity = static_cast<std::uint32_t>(std::stoul(optarg)); break;
        case 'a': f.aid = optarg; break;
        case 'i': f.issued = optarg; break;
        default: return usage();
        }
    }
    if (keyFile.empty() || serial.empty() || optind != argc) return usage();
    std::ifstream in(keyFile);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in) {
        std::fprintf(stderr, "luna-license: cannot read %s\n", keyFile.c_str());
        return 1;
    }
    f.lock = luna::sysconf::lockingCode(serial) + "0400";
    try {
        std::cout << luna::sysconf::signLicense(f, pem.str()) << "\n";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "luna-license: %s\n", e.what());
        return 1;
    }
    return 0;
}

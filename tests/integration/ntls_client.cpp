// A tiny NTLS client for the tests: TLS to ntlsd with a client certificate, the server checked
// against server.pem, then data-plane frames over the stream (docs/ntls.md). One command per
// argument group; each prints one line the shell test compares.
//
//   ntls-client HOST PORT CERT KEY SERVER_PEM CMD [ARG] [CMD [ARG]]...
//     slots               "slots: <serial> ..." (Hello, GetSlotList)
//     tokeninfo SERIAL    "tokeninfo: rv=0x.."
//     opensession SERIAL  "opensession: rv=0x.."; the session stays open
//     bad-payload         a GetTokenInfo frame with a truncated payload: "bad-payload: rv=0x.."
//     unknown-op          opcode 0x7777: "unknown-op: rv=0x.."
//     response-flag       a request flagged as a response: "response-flag: rv=0x.."
//     fuzz N              N frames with random payloads: "fuzz: <answered>/N answered"
//     bad-handles SERIAL  a session on SERIAL, then a wrong session and a wrong object handle:
//                         "bad-handles: session rv=0x.. object rv=0x.."
//     garbage-header      16 bytes that are no header: "garbage-header: closed" when ntlsd closes the link
//     oversized           a header announcing a payload over the limit: "oversized: closed" likewise
//     hold SECONDS        keep the link open
//     wait-file PATH      keep the link open until PATH exists (30 s at most)
//     wait-closed SECONDS "wait-closed: closed" once ntlsd closes the link, "wait-closed: open" if it did not
// Exit 0 when the TLS handshake succeeded (whatever the answers), 3 when it failed.
#include "proto/codec.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <random>
#include <p11-kit/pkcs11.h>
#include <string>
#include <thread>
#include <vector>

using namespace luna;

namespace {

SSL* ssl = nullptr;
std::uint32_t nextId = 1;

int connectTcp(const char* host, const char* port) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
    int fd = ::socket(res->ai_family, SOCK_STREAM, 0);
    if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        ::close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

bool writeAll(const std::uint8_t* p, std::size_t n) {
    while (n) {
        const int w = SSL_write(ssl, p, static_cast<int>(n));
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool readAll(std::uint8_t* p, std::size_t n) {
    while (n) {
        const int r = SSL_read(ssl, p, static_cast<int>(n));
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

// The next frame from ntlsd; nullopt when the link closed.
std::optional<proto::DecodedResponse> readResponse() {
    std::vector<std::uint8_t> frame(proto::kHeaderBytes);
    if (!readAll(frame.data(), frame.size())) return std::nullopt;
    const auto h = proto::decodeHeader(frame);
    frame.resize(proto::kHeaderBytes + h.payloadLength);
    if (!readAll(frame.data() + proto::kHeaderBytes, h.payloadLength)) return std::nullopt;
    return proto::decodeResponse(frame);
}

std::string hex(std::uint32_t rv) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%X", rv);
    return b;
}

std::optional<proto::DecodedResponse> call(const proto::Request& req) {
    const auto f = proto::encodeRequest(nextId++, req);
    if (!writeAll(f.data(), f.size())) return std::nullopt;
    return readResponse();
}

std::string rvOf(const std::optional<proto::DecodedResponse>& r) { return r ? "rv=" + hex(r->rv) : "closed"; }

// A frame with a readable header: `op`, `flags`, and `payload` as given.
proto::Bytes rawFrame(std::uint16_t op, std::uint8_t flags, const std::vector<std::uint8_t>& payload) {
    proto::Bytes f(proto::kHeaderBytes);
    const std::uint32_t id = nextId++, len = static_cast<std::uint32_t>(payload.size());
    f[0] = 0x4C; f[1] = 0x50; f[2] = proto::kVersion; f[3] = flags;
    f[4] = static_cast<std::uint8_t>(id >> 24); f[5] = static_cast<std::uint8_t>(id >> 16);
    f[6] = static_cast<std::uint8_t>(id >> 8); f[7] = static_cast<std::uint8_t>(id);
    f[8] = static_cast<std::uint8_t>(op >> 8); f[9] = static_cast<std::uint8_t>(op);
    f[12] = static_cast<std::uint8_t>(len >> 24); f[13] = static_cast<std::uint8_t>(len >> 16);
    f[14] = static_cast<std::uint8_t>(len >> 8); f[15] = static_cast<std::uint8_t>(len);
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

std::string rawCall(const proto::Bytes& f) {
    if (!writeAll(f.data(), f.size())) return "closed";
    return rvOf(readResponse());
}

bool closedWithin(int seconds) {
    const int fd = SSL_get_fd(ssl);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (SSL_pending(ssl) == 0) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
        }
        std::uint8_t b[256];
        const int r = SSL_read(ssl, b, sizeof b);
        if (r <= 0) return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 7) {
        std::cerr << "usage: ntls-client HOST PORT CERT KEY SERVER_PEM CMD [ARG]...\n";
        return 2;
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    // Freed on every return (a refused handshake too), so LeakSanitizer has nothing to report.
    const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctxOwner(ctx, SSL_CTX_free);
    if (SSL_CTX_use_certificate_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, argv[4], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(ctx, argv[5], nullptr) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const int fd = connectTcp(argv[1], argv[2]);
    if (fd < 0) {
        std::cout << "connect: failed\n";
        return 3;
    }
    ssl = SSL_new(ctx);
    const std::unique_ptr<SSL, decltype(&SSL_free)> sslOwner(ssl, SSL_free);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        std::cout << "handshake: failed\n";
        ERR_print_errors_fp(stderr);
        return 3;
    }
    // TLS 1.3 delivers the server's refusal of our certificate after SSL_connect: a first
    // exchange shows it.
    auto hello = call(proto::HelloReq{.software = "ntls-client"});
    if (!hello) {
        std::cout << "handshake: refused\n";
        return 3;
    }
    std::cout << "handshake: ok " << SSL_get_version(ssl) << "\n" << std::flush;
    for (int i = 6; i < argc; ++i) {
        const std::string cmd = argv[i];
        auto arg = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        std::string line;
        if (cmd == "slots") {
            auto r = call(proto::GetSlotListReq{});
            line = "slots:";
            if (!r || r->rv != CKR_OK) line += " " + rvOf(r);
            else
                for (const auto& s : std::get<proto::SlotListResp>(r->body).slots) line += " " + std::to_string(s.slot);
        } else if (cmd == "tokeninfo") {
            line = "tokeninfo: " + rvOf(call(proto::GetTokenInfoReq{.slot = std::stoull(arg())}));
        } else if (cmd == "opensession") {
            line = "opensession: " + rvOf(call(proto::OpenSessionReq{.slot = std::stoull(arg()), .flags = CKF_SERIAL_SESSION}));
        } else if (cmd == "bad-payload") {
            line = "bad-payload: " + rawCall(rawFrame(static_cast<std::uint16_t>(proto::Op::GetTokenInfo), 0, {1, 2, 3}));
        } else if (cmd == "unknown-op") {
            line = "unknown-op: " + rawCall(rawFrame(0x7777, 0, {}));
        } else if (cmd == "response-flag") {
            line = "response-flag: " + rawCall(rawFrame(static_cast<std::uint16_t>(proto::Op::GetSlotList), 1, {}));
        } else if (cmd == "fuzz") {
            // N frames with good headers and random payloads over every known opcode (and a
            // few unknown ones): each must be answered, by ntlsd or by hsmd.
            const int n = std::stoi(arg());
            std::mt19937 rng(12345);
            int answered = 0;
            for (int k = 0; k < n; ++k) {
                std::uint16_t op = static_cast<std::uint16_t>(rng() % 0x70);
                std::vector<std::uint8_t> payload(rng() % 300);
                for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
                if (rawCall(rawFrame(op, 0, payload)).starts_with("rv=")) ++answered;
            }
            line = "fuzz: " + std::to_string(answered) + "/" + std::to_string(n) + " answered";
        } else if (cmd == "bad-handles") {
            auto open = call(proto::OpenSessionReq{.slot = std::stoull(arg()), .flags = CKF_SERIAL_SESSION});
            if (!open || open->rv != CKR_OK) {
                line = "bad-handles: opensession " + rvOf(open);
            } else {
                const auto s = std::get<proto::HandleResp>(open->body).handle;
                line = "bad-handles: session " + rvOf(call(proto::GetSessionInfoReq{.session = s + 100000})) + " object " +
                       rvOf(call(proto::GetAttributeValueReq{.session = s, .object = 987654321, .types = {CKA_LABEL}}));
            }
        } else if (cmd == "oversized") {
            // Only the header: ntlsd must refuse it from the length alone, without waiting for
            // (or buffering) 4 GiB.
            auto f = rawFrame(static_cast<std::uint16_t>(proto::Op::GetSlotList), 0, {});
            f[12] = f[13] = f[14] = f[15] = 0xFF;
            writeAll(f.data(), f.size());
            line = std::string("oversized: ") + (closedWithin(10) ? "closed" : "open");
        } else if (cmd == "garbage-header") {
            const std::uint8_t junk[16] = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};
            writeAll(junk, sizeof junk);
            line = std::string("garbage-header: ") + (closedWithin(10) ? "closed" : "open");
        } else if (cmd == "hold") {
            std::this_thread::sleep_for(std::chrono::seconds(std::stoi(arg())));
            continue;
        } else if (cmd == "wait-file") {
            const std::string path = arg();
            for (int n = 0; n < 300 && ::access(path.c_str(), F_OK) != 0; ++n)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        } else if (cmd == "wait-closed") {
            line = std::string("wait-closed: ") + (closedWithin(std::stoi(arg())) ? "closed" : "open");
        } else {
            std::cerr << "unknown command " << cmd << "\n";
            return 2;
        }
        std::cout << line << "\n" << std::flush;
    }
    SSL_shutdown(ssl);
    ::close(fd);
    return 0;
}

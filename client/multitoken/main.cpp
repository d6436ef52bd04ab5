// multitoken: threads running one operation against slots for a fixed time, in the spirit of
// the Utilities Reference's multitoken (ch.3). It loads any PKCS#11 module, so the same tool
// measures the appliance over NTLS and, for comparison, SoftHSMv2 (tools/bench-compare).
//
//   multitoken -mode <mode> {-slots <s,s,...> | -nslots <slot>x<threads>,...} [-timed <secs>]
//              [-key <bits>] [-packet <bytes>] [-password <pw>] [-user co|cu]
//              [-module <libpath>] [-warmup <secs>]
//
// It prints each thread's operations, the total operations per second and latency
// percentiles, and one machine-readable line:
//   RESULT mode=rsasigver threads=2 seconds=10.0 ops=9019 ops_per_s=901.9 p50_ms=2.20 ...
#include "modes.h"

#include "client/common/cli.h"
#include "client/common/client_config.h"
#include "client/common/vendor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <dlfcn.h>
#include <latch>
#include <sys/resource.h>
#include <thread>

using namespace luna;
using Clock = std::chrono::steady_clock;

#ifndef LUNA_PKCS11_MODULE
#define LUNA_PKCS11_MODULE "libCryptoki2.so"
#endif

namespace {

const std::vector<client::OptionSpec> kOptions = {
    {"mode", "m", "<mode>", "Operating mode (-help lists them)", true},
    {"slots", "s", "<slot_list>", "Slots, one thread each (1,1,2)"},
    {"nslots", "ns", "<slot>x<threads>,...", "Threads per slot (0x2,1x4)"},
    {"timed", "t", "<secs>", "How long to measure (default 10)"},
    {"key", "k", "<key_size>", "RSA modulus bits (default 2048)"},
    {"packet", "p", "<packet_size>", "Bytes per symmetric, digest or random operation (default 1024)"},
    {"password", "pwd", "<password>", "The role's password"},
    {"user", "u", "<co|cu>", "Log in as the Crypto Officer (default) or the Crypto User"},
    {"module", "mod", "<library>", "The PKCS#11 library (default: the Luna client's)"},
    {"warmup", "w", "<secs>", "Operations before measuring starts (default 1)"},
    {"help", "h", "", "This text and the modes"},
};

std::vector<CK_SLOT_ID> threadSlots(const client::Options& o) {
    std::vector<CK_SLOT_ID> out;
    auto items = [](const std::string& s) {
        std::vector<std::string> v;
        for (std::size_t start = 0; start <= s.size();) {
            auto comma = s.find(',', start);
            if (comma == std::string::npos) comma = s.size();
            if (comma > start) v.push_back(s.substr(start, comma - start));
            start = comma + 1;
        }
        return v;
    };
    for (const auto& s : items(o.value("slots"))) out.push_back(std::stoul(s));
    for (const auto& s : items(o.value("nslots"))) {
        const auto x = s.find('x');
        if (x == std::string::npos) throw client::UsageError("-nslots wants <slot>x<threads>, not " + s);
        const auto slot = std::stoul(s.substr(0, x));
        for (unsigned long i = std::stoul(s.substr(x + 1)); i > 0; --i) out.push_back(slot);
    }
    if (out.empty()) throw client::UsageError("give -slots or -nslots");
    return out;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

struct ThreadResult {
    CK_SLOT_ID slot = 0;
    std::vector<double> latenciesMs;
    std::string error;
};

void usage() {
    std::printf("%s\n\nmodes:\n", client::syntaxLine("multitoken", kOptions).c_str());
    for (const auto& m : bench::modes())
        std::printf("  %-20s %s\n", std::string(m.name).c_str(), std::string(m.description).c_str());
}

} // namespace

int main(int argc, char** argv) {
    client::Options o;
    const bench::Mode* mode = nullptr;
    std::vector<CK_SLOT_ID> slots;
    try {
        std::vector<std::string> words(argv + 1, argv + argc);
        if (std::find(words.begin(), words.end(), "-help") != words.end() ||
            std::find(words.begin(), words.end(), "-h") != words.end()) {
            usage();
            return 0;
        }
        o = client::parseOptions(words, kOptions);
        mode = bench::findMode(o.value("mode"));
        if (!mode) throw client::UsageError("unknown mode '" + o.value("mode") + "'");
        slots = threadSlots(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "multitoken: %s\n", e.what());
        usage();
        return 2;
    }
    const double seconds = o.has("timed") ? std::stod(o.value("timed")) : 10.0;
    const double warmup = o.has("warmup") ? std::stod(o.value("warmup")) : 1.0;
    bench::Params params;
    if (o.has("key")) params.keyBits = std::stoul(o.value("key"));
    if (o.has("packet")) params.packet = std::stoul(o.value("packet"));
    const std::string pin = o.value("password");
    const CK_USER_TYPE user = o.value("user") == "cu" ? client::vendor::CKU_CRYPTO_USER : CKU_USER;
    const std::string module = o.has("module") ? o.value("module") : LUNA_PKCS11_MODULE;

    void* lib = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        std::fprintf(stderr, "multitoken: cannot load %s: %s\n", module.c_str(), ::dlerror());
        return 1;
    }
    auto getList = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(lib, "C_GetFunctionList"));
    CK_FUNCTION_LIST_PTR f = nullptr;
    if (!getList || getList(&f) != CKR_OK) {
        std::fprintf(stderr, "multitoken: %s has no usable C_GetFunctionList\n", module.c_str());
        return 1;
    }
    CK_C_INITIALIZE_ARGS init{};
    init.flags = CKF_OS_LOCKING_OK;
    if (CK_RV rv = f->C_Initialize(&init); rv != CKR_OK) {
        std::fprintf(stderr, "multitoken: C_Initialize failed: 0x%lx\n", static_cast<unsigned long>(rv));
        return 1;
    }

    std::printf("multitoken: mode %s (%s)\n  %zu thread(s), %.1f s after %.1f s warm-up, module %s\n",
                std::string(mode->name).c_str(), std::string(mode->description).c_str(), slots.size(), seconds, warmup,
                module.c_str());
    std::fflush(stdout);

    std::vector<ThreadResult> results(slots.size());
    std::latch ready(static_cast<std::ptrdiff_t>(slots.size()) + 1);
    std::atomic<bool> measuring{false}, stop{false};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < slots.size(); ++t)
        threads.emplace_back([&, t] {
            auto& r = results[t];
            r.slot = slots[t];
            bench::Worker w;
            w.f = f;
            bool counted = false;
            try {
                if (CK_RV rv = f->C_OpenSession(r.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &w.session); rv != CKR_OK)
                    throw bench::Failure("C_OpenSession", rv);
                if (!pin.empty()) {
                    const CK_RV rv = f->C_Login(w.session, user, (CK_UTF8CHAR_PTR)pin.data(), pin.size());
                    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) throw bench::Failure("C_Login", rv);
                }
                mode->setup(w, params);
                ready.count_down();
                counted = true;
                ready.wait();
                while (!measuring.load(std::memory_order_relaxed) && !stop.load(std::memory_order_relaxed)) mode->op(w);
                r.latenciesMs.reserve(1 << 16);
                while (!stop.load(std::memory_order_relaxed)) {
                    const auto t0 = Clock::now();
                    mode->op(w);
                    r.latenciesMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                }
            } catch (const std::exception& e) {
                r.error = e.what();
                if (!counted) ready.count_down();
            }
            if (w.session) f->C_CloseSession(w.session);
        });
    ready.arrive_and_wait();
    std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
    auto cpuSeconds = [] {
        rusage u{};
        ::getrusage(RUSAGE_SELF, &u);
        return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
               static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    measuring = true;
    const double cpuStart = cpuSeconds();
    const auto started = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    const double cpu = cpuSeconds() - cpuStart;   // this process: the application and the library
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    for (auto& th : threads) th.join();

    std::vector<double> all;
    bool failed = false;
    std::printf("\n  thread  slot       operations        ops/s\n");
    for (std::size_t t = 0; t < results.size(); ++t) {
        const auto& r = results[t];
        std::printf("  %6zu  %4lu  %15zu  %11.1f%s%s\n", t, static_cast<unsigned long>(r.slot), r.latenciesMs.size(),
                    static_cast<double>(r.latenciesMs.size()) / elapsed, r.error.empty() ? "" : "  error: ", r.error.c_str());
        failed |= !r.error.empty();
        all.insert(all.end(), r.latenciesMs.begin(), r.latenciesMs.end());
    }
    std::sort(all.begin(), all.end());
    const double rate = static_cast<double>(all.size()) / elapsed;
    std::printf("  total         %15zu  %11.1f ops/s\n", all.size(), rate);
    std::printf("  latency ms    p50 %.3f   p90 %.3f   p99 %.3f   max %.3f\n", percentile(all, 50), percentile(all, 90),
                percentile(all, 99), all.empty() ? 0.0 : all.back());
    const double cpuPerOp = all.empty() ? 0.0 : cpu * 1e6 / static_cast<double>(all.size());
    std::printf("  client CPU    %.1f us per operation (this process)\n", cpuPerOp);
    std::printf("RESULT mode=%s threads=%zu seconds=%.1f ops=%zu ops_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
                "cpu_us_per_op=%.1f\n",
                std::string(mode->name).c_str(), slots.size(), elapsed, all.size(), rate, percentile(all, 50),
                percentile(all, 90), percentile(all, 99), cpuPerOp);
    f->C_Finalize(nullptr);
    return failed ? 1 : 0;
}

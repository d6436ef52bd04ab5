// audit-append: what logging one data-plane record costs inside hsmd, without the network
// around it: THREADS threads each run auditAdmit + auditRecord (what a signature does once
// its crypto is done), optionally after WORK µs of busy work standing in for the signature,
// while a drainer plays cbsd (fetch + acknowledge every 10 ms). Prints records/s, CPU µs per
// record and context switches per record for the whole process. Nothing is asserted: it is
// for comparing changes to the audit path (docs/benchmarks.md).
//
//   audit-append [THREADS=4] [SECONDS=5] [WORK_US=0] [sync-each]
#include "hsm/hsm.h"
#include "luna/audit_config.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace luna::hsm;
using Steady = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 5;
    const int workUs = argc > 3 ? std::atoi(argv[3]) : 0;
    const bool syncEach = argc > 4 && std::string(argv[4]) == "sync-each";

    char tmpl[] = "/tmp/luna-audit-append-XXXXXX";
    if (!::mkdtemp(tmpl)) return 1;
    const std::filesystem::path dir = tmpl;
    int rcode = 0;
    {
        Hsm hsm(HsmConfig{.stateDir = dir / "state", .kdfIterations = 1000, .auditCapacity = 100000000,
                          .auditSyncEach = syncEach});
        const SessionId so = ":1.1", au = ":1.2";
        hsm.init(so, "bench", "SoPassw0rd", "benchDomain-1");
        hsm.initAuditor("AuditPw-0001", "auditDomain-1");
        hsm.loginAuditor(au, "AuditPw-0001");
        hsm.setAuditSettings(au, luna::audit::kAllBits, std::nullopt);

        std::atomic<bool> stop = false;
        std::atomic<std::uint64_t> records = 0;
        std::thread drainer([&] {
            std::uint64_t after = 0;
            while (!stop) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                for (;;) {
                    auto got = hsm.fetchAuditRecords(after, 4096);
                    if (got.empty()) break;
                    after = got.back().first;
                    hsm.acknowledgeAuditRecords(after);
                }
            }
        });
        rusage r0{}, r1{};
        ::getrusage(RUSAGE_SELF, &r0);
        const auto t0 = Steady::now();
        std::vector<std::thread> workers;
        for (int i = 0; i < threads; ++i)
            workers.emplace_back([&, i] {
                const SessionId s = "dp/bench/" + std::to_string(i + 1);
                std::uint64_t n = 0;
                while (Steady::now() - t0 < std::chrono::duration<double>(seconds)) {
                    if (workUs) {
                        const auto until = Steady::now() + std::chrono::microseconds(workUs);
                        while (Steady::now() < until) {
                        }
                    }
                    hsm.auditAdmit(AuditEvent::SignSinglepart);
                    hsm.auditRecord(s, AuditEvent::SignSinglepart, 0, "using key handle 42");
                    ++n;
                }
                records += n;
            });
        for (auto& w : workers) w.join();
        const double wall = std::chrono::duration<double>(Steady::now() - t0).count();
        ::getrusage(RUSAGE_SELF, &r1);
        stop = true;
        drainer.join();
        auto us = [](const timeval& a, const timeval& b) { return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_usec - a.tv_usec); };
        const double cpu = us(r0.ru_utime, r1.ru_utime) + us(r0.ru_stime, r1.ru_stime);
        const double n = static_cast<double>(records);
        const double csw = static_cast<double>((r1.ru_nvcsw - r0.ru_nvcsw) + (r1.ru_nivcsw - r0.ru_nivcsw));
        std::printf("threads=%d work_us=%d%s records_per_s=%.0f cpu_us_per_record=%.2f (beyond work %.2f) "
                    "csw_per_record=%.3f\n",
                    threads, workUs, syncEach ? " sync-each" : "", n / wall, cpu / n, cpu / n - workUs, csw / n);
        if (records == 0) rcode = 1;
    }
    std::filesystem::remove_all(dir);
    return rcode;
}

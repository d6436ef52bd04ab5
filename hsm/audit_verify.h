// Verifying a run of audit records against the HMAC chain (seed ch.1, "Audit Log Records"),
// and saying where and how it breaks: a modified record, records deleted, a record inserted,
// the end of the log cut off. Each link is checked on its own (HMAC(record i) against the
// previous-HMAC field of record i+1), so one bad record does not make everything after it
// unreadable, and the pattern of failed links names the damage:
//   one failed link, consecutive sequence numbers     record i was modified
//   one failed link, a gap in the sequence numbers    records in the gap were deleted
//   two failed links around record j, i -> j+1 holds  record j was inserted
//   two failed links around record j, i -> j+1 fails  record j was modified (its HMAC field too)
//   a gap before the successor (next file / the HSM)  the log was truncated
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace luna::hsm {

enum class AuditProblemKind : std::uint8_t { Malformed, Modified, Deleted, Inserted, Truncated, FirstRecord };
std::string_view auditProblemName(AuditProblemKind k);

struct AuditProblem {
    AuditProblemKind kind;
    std::uint32_t line;      // 1-based index in the submitted records
    std::uint64_t seq;       // the sequence number at that line (0 if unreadable)
    std::string message;
};

// What follows the last submitted record: the first record of the next file, the HSM's
// oldest buffered record, or the HSM's newest HMAC (as a record seq newest+1 would carry it).
struct AuditSuccessor {
    std::uint64_t seq = 0;
    std::array<std::uint8_t, 32> prevHmac{};
    std::string where;       // "the next log file", "the HSM"
};

struct AuditVerifyReport {
    std::uint64_t firstSeq = 0;
    std::uint64_t lastSeq = 0;
    std::uint32_t records = 0;
    bool tailChecked = false;   // the last record was checked against a successor
    std::vector<AuditProblem> problems;
    bool ok() const { return problems.empty() && records > 0; }
};

AuditVerifyReport verifyAuditLines(std::span<const std::uint8_t> secret, const std::vector<std::string>& lines,
                                   const std::optional<AuditSuccessor>& successor);

} // namespace luna::hsm

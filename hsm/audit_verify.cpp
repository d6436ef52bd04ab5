#include "hsm/audit_verify.h"

#include "hsm/audit_record.h"
#include "hsm/crypto.h"
#include "luna/audit_line.h"

namespace luna::hsm {
namespace {

struct Rec {
    std::uint32_t line;   // 1-based
    std::uint64_t seq;
    std::array<std::uint8_t, 32> prev{};
    std::array<std::uint8_t, 32> mac{};   // HMAC of this record as it stands
    bool virtualTail = false;
    bool malformedBefore = false;          // an unreadable line sits between this and the previous
};

std::string range(std::uint64_t a, std::uint64_t b) {
    return a == b ? "record " + std::to_string(a) : "records " + std::to_string(a) + " to " + std::to_string(b);
}

} // namespace

std::string_view auditProblemName(AuditProblemKind k) {
    switch (k) {
    case AuditProblemKind::Malformed: return "malformed";
    case AuditProblemKind::Modified: return "modified";
    case AuditProblemKind::Deleted: return "deleted";
    case AuditProblemKind::Inserted: return "inserted";
    case AuditProblemKind::Truncated: return "truncated";
    case AuditProblemKind::FirstRecord: return "first record";
    }
    return "unknown";
}

AuditVerifyReport verifyAuditLines(std::span<const std::uint8_t> secret, const std::vector<std::string>& lines,
                                   const std::optional<AuditSuccessor>& successor) {
    AuditVerifyReport report;
    std::vector<Rec> recs;
    bool pendingMalformed = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto lineNo = static_cast<std::uint32_t>(i + 1);
        auto parsed = audit::parseLine(lines[i]);
        auto prev = parsed ? audit::fromHex(parsed->prevHmacHex) : std::nullopt;
        if (!parsed || !prev) {
            report.problems.push_back({AuditProblemKind::Malformed, lineNo, 0,
                                       "line " + std::to_string(lineNo) + " is not a well-formed audit record"});
            pendingMalformed = true;
            continue;
        }
        Rec r{lineNo, parsed->seq};
        std::copy(prev->begin(), prev->end(), r.prev.begin());
        r.mac = auditChainHmac(secret, lines[i], r.prev);
        r.malformedBefore = pendingMalformed;
        pendingMalformed = false;
        recs.push_back(r);
    }
    const std::size_t real = recs.size();
    report.records = static_cast<std::uint32_t>(real);
    if (real == 0) return report;
    report.firstSeq = recs.front().seq;
    report.lastSeq = recs.back().seq;
    if (successor) {
        Rec t{recs.back().line, successor->seq, successor->prevHmac};
        t.virtualTail = true;
        t.malformedBefore = pendingMalformed;
        recs.push_back(t);
        report.tailChecked = true;
    }

    // The very first record ever chains from 32 zero bytes.
    const std::array<std::uint8_t, 32> zeros{};
    if (recs.front().seq == 1 && recs.front().prev != zeros)
        report.problems.push_back({AuditProblemKind::FirstRecord, recs.front().line, 1,
                                   "record 1 does not chain from zero: it is not the first record, or was modified"});

    auto linkOk = [&](std::size_t a, std::size_t b) { return crypto::constantTimeEqual(recs[a].mac, recs[b].prev); };
    auto add = [&](AuditProblemKind k, const Rec& r, std::string msg) {
        report.problems.push_back({k, r.line, r.virtualTail ? 0 : r.seq, std::move(msg)});
    };
    const std::size_t m = recs.size();
    for (std::size_t i = 0; i + 1 < m;) {
        if (linkOk(i, i + 1)) {
            ++i;
            continue;
        }
        if (recs[i + 1].malformedBefore) {   // already reported as malformed
            ++i;
            continue;
        }
        const Rec& a = recs[i];
        const Rec& b = recs[i + 1];
        if (i + 2 < m && !b.virtualTail && !linkOk(i + 1, i + 2)) {
            if (linkOk(i, i + 2))
                add(AuditProblemKind::Inserted, b,
                    "line " + std::to_string(b.line) + " (record " + std::to_string(b.seq) +
                        ") was inserted: it does not belong to the chain");
            else
                add(AuditProblemKind::Modified, b,
                    "line " + std::to_string(b.line) + " (record " + std::to_string(b.seq) +
                        ") was modified, including its previous-record HMAC");
            i += 2;
            continue;
        }
        if (b.seq > a.seq + 1) {
            if (b.virtualTail)
                add(AuditProblemKind::Truncated, a,
                    "the log was truncated after line " + std::to_string(a.line) + " (record " + std::to_string(a.seq) +
                        "): " + range(a.seq + 1, b.seq - 1) + " are missing; " + successor->where + " continues at " +
                        std::to_string(b.seq));
            else
                add(AuditProblemKind::Deleted, b,
                    range(a.seq + 1, b.seq - 1) + " were deleted between line " + std::to_string(a.line) + " and line " +
                        std::to_string(b.line));
        } else if (b.virtualTail) {
            add(AuditProblemKind::Modified, a,
                "line " + std::to_string(a.line) + " (record " + std::to_string(a.seq) + ") does not match " +
                    successor->where + ": it was modified or appended");
        } else {
            add(AuditProblemKind::Modified, a,
                "line " + std::to_string(a.line) + " (record " + std::to_string(a.seq) + ") was modified");
        }
        ++i;
    }
    return report;
}

} // namespace luna::hsm

// The SNMP view of a Snapshot: which objects luna-snmp serves, at which OIDs, and how each
// value is derived from the daemons' state. Pure data and functions, no Net-SNMP types, so
// the mapping is unit-tested without an agent (tests/unit/test_snmp_model.cpp). The OIDs
// and column numbers are those of mibs/*.txt; a test checks them against the MIB files.
#pragma once

#include "snapshot.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace luna::snmp {

enum class Syntax { Integer, Unsigned32, Gauge32, Counter32, Counter64, OctetString };

struct Value {
    Syntax syntax = Syntax::Integer;
    std::uint64_t number = 0;   // Integer: the two's complement of the signed value
    std::string text;           // OctetString

    static Value integer(std::int64_t v) { return {Syntax::Integer, static_cast<std::uint64_t>(v), {}}; }
    static Value unsigned32(std::uint64_t v) { return {Syntax::Unsigned32, clamp32(v), {}}; }
    static Value gauge32(std::uint64_t v) { return {Syntax::Gauge32, clamp32(v), {}}; }
    static Value counter32(std::uint64_t v) { return {Syntax::Counter32, clamp32(v), {}}; }
    static Value counter64(std::uint64_t v) { return {Syntax::Counter64, v, {}}; }
    static Value string(std::string v) { return {Syntax::OctetString, 0, std::move(v)}; }
    std::int64_t signedNumber() const { return static_cast<std::int64_t>(number); }
    bool operator==(const Value&) const = default;

private:
    static std::uint64_t clamp32(std::uint64_t v) { return v > 0xffffffffu ? 0xffffffffu : v; }
};

using Oid = std::vector<std::uint32_t>;

// A conceptual row: its index values, then the values of columns 1..N in order.
struct Row {
    std::vector<Value> index;
    std::vector<Value> columns;
};

struct TableDef {
    std::string_view name;
    Oid oid;                            // of the table; entries are oid.1, columns oid.1.N
    std::vector<Syntax> indexSyntax;    // Integer, Unsigned32 or OctetString (length-prefixed)
    std::vector<std::size_t> indexMaxLength;   // per index part: the MIB's SIZE limit (0: none)
    unsigned columnCount;
    std::vector<Row> (*rows)(const Snapshot&);
};

struct ScalarDef {
    std::string_view name;
    Oid oid;                            // of the object; the instance is oid.0
    Value (*value)(const Snapshot&);
};

std::span<const TableDef> tables();
std::span<const ScalarDef> scalars();

// Rows of a table with index strings longer than the MIB allows dropped (they would make
// instance names too long); the count of dropped rows is returned through `dropped`.
std::vector<Row> validRows(const TableDef& table, const Snapshot& snapshot, std::size_t* dropped = nullptr);

// `hsm showpolicies` renders capabilities as Allowed/Disallowed and policies as On/Off,
// numeric ones (performance level, storage, partition counts) as numbers.
std::string hsmCapabilityText(std::uint32_t id, std::uint32_t value);
std::string hsmPolicyText(std::uint32_t id, std::uint32_t value);

// SNMP enumerations of SAFENET-HSM-MIB and CHRYSALIS-UTSP-MIB.
namespace mib {
constexpr std::int64_t kTrue = 1, kFalse = 2;                          // TruthValue
constexpr std::int64_t kAuthUnknown = 1, kAuthPassword = 2, kAuthPed = 3;
constexpr std::int64_t kRpvNotSupported = 1, kRpvUninitialized = 2, kRpvInitialized = 3;
constexpr std::int64_t kBackupUnknown = 1, kBackupNone = 2, kBackupCloning = 3;
constexpr std::int64_t kAuditYes = 1, kAuditNo = 2;
constexpr std::int64_t kCapability = 1, kPolicy = 2;
constexpr std::int64_t kNtlsUp = 1, kNtlsNotRunning = 2, kNtlsUnknown = 3;
constexpr std::int64_t kOttNotProvisioned = -1;
} // namespace mib

} // namespace luna::snmp

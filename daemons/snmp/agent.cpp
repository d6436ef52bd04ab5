#include "agent.h"

#include "log.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

namespace luna::snmp {
namespace {

std::vector<oid> toOid(const Oid& o) { return {o.begin(), o.end()}; }

u_char asnType(Syntax s) {
    switch (s) {
    case Syntax::Integer: return ASN_INTEGER;
    case Syntax::Unsigned32: return ASN_UNSIGNED;
    case Syntax::Gauge32: return ASN_GAUGE;
    case Syntax::Counter32: return ASN_COUNTER;
    case Syntax::Counter64: return ASN_COUNTER64;
    case Syntax::OctetString: break;
    }
    return ASN_OCTET_STR;
}

void setValue(netsnmp_variable_list* vb, const Value& v) {
    switch (v.syntax) {
    case Syntax::Integer: {
        const long n = static_cast<long>(v.signedNumber());
        snmp_set_var_typed_value(vb, ASN_INTEGER, &n, sizeof n);
        return;
    }
    case Syntax::Unsigned32:
    case Syntax::Gauge32:
    case Syntax::Counter32: {
        const u_long n = static_cast<u_long>(v.number);
        snmp_set_var_typed_value(vb, asnType(v.syntax), &n, sizeof n);
        return;
    }
    case Syntax::Counter64: {
        counter64 c{};
        c.high = static_cast<u_long>(v.number >> 32);
        c.low = static_cast<u_long>(v.number & 0xffffffffu);
        snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof c);
        return;
    }
    case Syntax::OctetString:
        snmp_set_var_typed_value(vb, ASN_OCTET_STR, v.text.data(), v.text.size());
        return;
    }
}

void addIndex(netsnmp_tdata_row* row, const Value& v) {
    switch (v.syntax) {
    case Syntax::OctetString:
        netsnmp_tdata_row_add_index(row, ASN_OCTET_STR, v.text.data(), v.text.size());
        return;
    case Syntax::Integer: {
        const long n = static_cast<long>(v.signedNumber());
        netsnmp_tdata_row_add_index(row, ASN_INTEGER, &n, sizeof n);
        return;
    }
    default: {
        const u_long n = static_cast<u_long>(v.number);
        netsnmp_tdata_row_add_index(row, ASN_UNSIGNED, &n, sizeof n);
        return;
    }
    }
}

// Reads only: registered HANDLER_CAN_RONLY, so the library answers SETs with notWritable
// before they get here.
int scalarHandler(netsnmp_mib_handler* handler, netsnmp_handler_registration*, netsnmp_agent_request_info* reqinfo,
                  netsnmp_request_info* requests) {
    const auto* s = static_cast<const Agent::ScalarState*>(handler->myvoid);
    if (reqinfo->mode != MODE_GET) return SNMP_ERR_NOERROR;
    const Value v = s->def->value(s->agent->current());
    for (auto* r = requests; r; r = r->next) setValue(r->requestvb, v);
    return SNMP_ERR_NOERROR;
}

// The table helper has already mapped GETNEXT/GETBULK onto rows and columns; each request
// names one cell of one row.
int tableHandler(netsnmp_mib_handler*, netsnmp_handler_registration*, netsnmp_agent_request_info* reqinfo,
                 netsnmp_request_info* requests) {
    if (reqinfo->mode != MODE_GET) return SNMP_ERR_NOERROR;
    for (auto* r = requests; r; r = r->next) {
        if (r->processed) continue;
        const auto* row = static_cast<const Row*>(netsnmp_tdata_extract_entry(r));
        const auto* info = netsnmp_extract_table_info(r);
        if (!row || !info || info->colnum < 1 || info->colnum > row->columns.size()) {
            netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
            continue;
        }
        setValue(r->requestvb, row->columns[info->colnum - 1]);
    }
    return SNMP_ERR_NOERROR;
}

} // namespace

void Agent::registerObjects() {
    for (const auto& def : scalars()) {
        auto state = std::make_unique<ScalarState>(ScalarState{&def, this});
        const auto o = toOid(def.oid);
        auto* reg = netsnmp_create_handler_registration(std::string(def.name).c_str(), scalarHandler, o.data(),
                                                        o.size(), HANDLER_CAN_RONLY);
        reg->handler->myvoid = state.get();
        if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)
            logLine(LOG_ERR, "cannot register " + std::string(def.name));
        scalars_.push_back(std::move(state));
    }
    for (const auto& def : tables()) {
        auto state = std::make_unique<TableState>();
        state->def = &def;
        const std::string name(def.name);
        state->data = netsnmp_tdata_create_table(name.c_str(), 0);
        auto* info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
        for (Syntax s : def.indexSyntax) netsnmp_table_helper_add_index(info, asnType(s));
        info->min_column = 1;
        info->max_column = def.columnCount;
        const auto o = toOid(def.oid);
        auto* reg = netsnmp_create_handler_registration(name.c_str(), tableHandler, o.data(), o.size(),
                                                        HANDLER_CAN_RONLY);
        reg->handler->myvoid = state.get();
        if (netsnmp_tdata_register(reg, state->data, info) != MIB_REGISTERED_OK)
            logLine(LOG_ERR, "cannot register " + name);
        tables_.push_back(std::move(state));
    }
}

void Agent::update(std::shared_ptr<const Snapshot> snapshot) {
    if (!snapshot || snapshot == current_) return;
    current_ = std::move(snapshot);
    for (auto& t : tables_) rebuild(*t);
}

void Agent::rebuild(TableState& t) {
    while (auto* row = netsnmp_tdata_row_first(t.data)) netsnmp_tdata_remove_and_delete_row(t.data, row);
    std::size_t dropped = 0;
    t.rows = validRows(*t.def, *current_, &dropped);
    if (dropped != t.droppedReported) {
        if (dropped)
            logLine(LOG_WARNING, std::string(t.def->name) + ": " + std::to_string(dropped) +
                                     " rows left out, their index strings are longer than the MIB allows");
        t.droppedReported = dropped;
    }
    for (auto& r : t.rows) {
        auto* row = netsnmp_tdata_create_row();
        if (!row) continue;
        for (const auto& v : r.index) addIndex(row, v);
        row->data = &r;
        if (netsnmp_tdata_add_row(t.data, row) != SNMPERR_SUCCESS) {
            logLine(LOG_WARNING, std::string(t.def->name) + ": duplicate row left out");
            netsnmp_tdata_delete_row(row);
        }
    }
}

} // namespace luna::snmp

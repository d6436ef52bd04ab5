// The Net-SNMP side of luna-snmp: registers every scalar and table of mib_model.h with the
// agent library (which, as an AgentX subagent, forwards them to the master snmpd) and serves
// them from the newest Snapshot. Runs on the agent thread only; Net-SNMP is not thread-safe.
#pragma once

#include "mib_model.h"
#include "snapshot.h"

#include <memory>
#include <vector>

struct netsnmp_tdata_s;

namespace luna::snmp {

class Agent {
public:
    Agent() = default;
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // After init_agent(), before init_snmp(): registrations made then reach the master as
    // soon as the AgentX session opens, and again after every reconnect.
    void registerObjects();

    // Serve `snapshot` from now on; tables are rebuilt only when it is a new one.
    void update(std::shared_ptr<const Snapshot> snapshot);

    const Snapshot& current() const { return *current_; }

    struct TableState {
        const TableDef* def = nullptr;
        netsnmp_tdata_s* data = nullptr;
        std::vector<Row> rows;   // the tdata rows point into this
        std::size_t droppedReported = 0;
    };
    struct ScalarState {
        const ScalarDef* def = nullptr;
        const Agent* agent = nullptr;
    };

private:
    void rebuild(TableState& table);

    std::shared_ptr<const Snapshot> current_ = std::make_shared<Snapshot>();
    std::vector<std::unique_ptr<TableState>> tables_;
    std::vector<std::unique_ptr<ScalarState>> scalars_;
};

} // namespace luna::snmp

// The simulator's hooks into the chain rules (uptime proofs, evidence, consensus timeouts and
// clock drift in ChainParams). One of sim_rules.cpp / sim_rules_none.cpp is compiled,
// depending on whether the chain rules have those txs yet.
#pragma once

#include "chain/params.h"
#include "node/driver.h"

namespace swarmchain::sim {

bool chain_rules_present();
void apply_chain_rules(ChainParams& p);
void apply_chain_rules(DriverConfig& c, const Hash& chain_id);

}  // namespace swarmchain::sim

// Before the chain rules have uptime_proof and evidence txs: no proofs, no evidence, the
// genesis keeps its defaults (see sim_rules.cpp).
#include "tests/sim/sim_rules.h"

namespace swarmchain::sim {

bool chain_rules_present() { return false; }
void apply_chain_rules(ChainParams&) {}
void apply_chain_rules(DriverConfig&, const Hash&) {}

}  // namespace swarmchain::sim

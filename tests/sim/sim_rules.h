// The simulator's chain parameters that come with the chain rules (consensus timeouts, clock
// drift). The driver builds uptime-proof and evidence txs itself.
#pragma once

#include "chain/params.h"

namespace swarmchain::sim {

void apply_chain_rules(ChainParams& p);

}  // namespace swarmchain::sim

// The chain rules' side of the simulator: the consensus parameters of the sim's genesis
// (short timeouts, the clock drift the fault plan's skews stay within).
#include "tests/sim/sim_rules.h"

namespace swarmchain::sim {

void apply_chain_rules(ChainParams& p) {
  p.max_clock_drift_ms = 1000;
  p.timeout_propose_ms = 300;
  p.timeout_prevote_ms = 150;
  p.timeout_precommit_ms = 150;
  p.timeout_delta_ms = 75;
}

}  // namespace swarmchain::sim

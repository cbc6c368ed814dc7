// The chain rules' side of the simulator: uptime-proof and evidence tx builders for the
// driver, and the consensus parameters of the sim's genesis. Compiled only where chain/tx.h
// has the uptime_proof and evidence txs (CMake checks); sim_rules_none.cpp stands in before.
#include "tests/sim/sim_rules.h"

namespace swarmchain::sim {

bool chain_rules_present() { return true; }

void apply_chain_rules(ChainParams& p) {
  p.max_clock_drift_ms = 1000;
  p.timeout_propose_ms = 300;
  p.timeout_prevote_ms = 150;
  p.timeout_precommit_ms = 150;
  p.timeout_delta_ms = 75;
}

void apply_chain_rules(DriverConfig& c, const Hash& chain_id) {
  c.make_uptime_proof = [chain_id](const KeyPair& key, const ContactInfo& ci,
                                   uint64_t now_ms) -> std::optional<Tx> {
    UptimeContact contact;
    contact.public_ip = ci.public_ip;
    contact.storage_port = ci.storage_port;
    contact.storage_lmq_port = ci.storage_lmq_port;
    contact.quorumnet_port = ci.quorumnet_port;
    contact.version = {0, 1, 0};
    return make_uptime_proof(key, chain_id, now_ms, contact);
  };
  c.make_evidence_tx = [chain_id](const consensus::Evidence& e,
                                  const KeyPair& reporter) -> std::optional<Tx> {
    Tx tx;
    tx.chain_id = chain_id;
    tx.sender = reporter.pubkey();
    tx.payload = EvidencePayload{e.first, e.second};
    tx.sign(reporter);
    return tx;
  };
}

}  // namespace swarmchain::sim

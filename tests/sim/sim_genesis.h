// The simulator's chain: deterministic keys, a genesis with small epochs and short proof
// intervals (so that committees change within a run), and the chain rules' tx builders the
// driver needs (uptime proofs, evidence).
//
// Keys: node i's key comes from the seed bytes {i + 1, ...}; its operator's from {101 + i, ...};
// the ghost node (registered, never run) from {90, ...}; the user account from {200, ...}.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "chain/params.h"
#include "chain/tx.h"
#include "common/crypto.h"
#include "node/driver.h"

namespace swarmchain::sim {

KeyPair node_key(std::size_t i);
KeyPair operator_key(std::size_t i);
KeyPair ghost_key();
KeyPair user_key();

// How many of `nodes` are service nodes at genesis (the others register during the run).
std::size_t genesis_nodes(std::size_t nodes);

Genesis sim_genesis(std::size_t nodes);

// The driver's config for a node: proofs on (unless `proofs` is false), a contact address made
// from the index (public_ip 10.0.0.(index + 1), quorumnet_port 22022). No prober: a test that
// wants reachability quorums sets one (tests/sim/sim_prober.h).
DriverConfig sim_driver_config(std::size_t index, bool proofs);
// The node whose contact sim_driver_config gives `host_port` ("10.0.0.5:22022" -> 4), if any.
std::optional<std::size_t> sim_node_of(const std::string& host_port);

// A fully staked registration of node `i` by its operator.
Tx registration_tx(const Hash& chain_id, const Genesis& g, const KeyPair& sn, const KeyPair& op,
                   uint64_t nonce, Height expiry);
Tx unlock_tx(const Hash& chain_id, const KeyPair& op, const PubKey& sn, uint64_t nonce);
Tx transfer_tx(const Hash& chain_id, const KeyPair& from, const PubKey& to, Amount amount,
               uint64_t nonce);

}  // namespace swarmchain::sim

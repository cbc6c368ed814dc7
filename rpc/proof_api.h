// The JSON-RPC methods of verifiable swarm lookups (docs/rpc.md "Proofs for light clients";
// byte formats in docs/protocol.md "Swarm proofs", checked by registry/committee_chain.h and
// registry/swarm_proof.h):
//   get_genesis          the genesis encoding, so a client pinning only its hash can derive the
//                        chain id, the epoch length and the genesis committee;
//   get_committee_chain  {from_height, to_height?}: the committee hand-offs above from_height;
//   get_swarm_proof      {pubkey}: the tip, every record, the swarm-id list and the answer;
//   get_swarm_table      {}: the tip, every record and the whole table (active_nodes_bin), so a
//                        client computes its swarm itself and the node learns no key.
// The proof methods answer for the tip only (the node keeps one registry); committed blocks
// never change, so hand-offs are read from the store after the state lock is released.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads; they read the chain
// through Blockchain::with_state and the store (both thread-safe).
#pragma once

#include "chain/blockchain.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

// At most this many hand-offs per get_committee_chain answer; "more" says to ask again.
inline constexpr std::size_t kMaxHandoffsPerAnswer = 1000;

// REQUIRES: `chain` outlives `d`.
void register_proof_methods(Dispatcher& d, const Blockchain& chain);

}  // namespace swarmchain::rpc

// The explorer's history methods (docs/explorer.md, docs/rpc.md), public and read-only:
//   get_chain_stats           {count?, before_height?}: per block, oldest first, its time, the
//                             interval since its parent, its txs, and from the store's
//                             block_stats index the node counts, swarms and rewards paid (null
//                             for a block committed before the index existed);
//   get_service_node_history  {pubkey, limit?, before_height?}: a node's events from the
//                             store's sn_events index, newest first, paged by height. A pubkey
//                             never seen has no events (not an error: it may register later).
// Both read committed blocks only (heights <= the tip when the call began), which never change,
// so no lock is held.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads (the store's reads are
// thread-safe).
#pragma once

#include <cstdint>

#include "chain/blockchain.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

inline constexpr uint64_t kDefaultChainStatsCount = 200;
inline constexpr uint64_t kMaxChainStatsCount = 2000;
inline constexpr uint64_t kDefaultSnHistoryLimit = 100;
inline constexpr uint64_t kMaxSnHistoryLimit = 500;

// REQUIRES: `chain` outlives `d`.
void register_explorer_history_methods(Dispatcher& d, const Blockchain& chain);

}  // namespace swarmchain::rpc

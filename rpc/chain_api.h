// The chain's JSON-RPC methods (design §8): get_info, get_height, get_block, get_transaction,
// send_raw_transaction(s), get_fee_estimate, and the account methods (rpc/account_api.h).
//
// Reads go through Blockchain's thread-safe read interface; send_raw_transaction goes into
// the mempool, which checks it against the committed state and says why it refuses.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads.
#pragma once

#include <functional>
#include <span>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "rpc/json_rpc.h"
#include "rpc/tx_json.h"  // the JSON shapes these methods answer with

namespace swarmchain::rpc {

inline constexpr const char* kNodeVersion = "0.1.0";

// What get_info says about the node's network: peers connected, and whether it is syncing
// (a peer is more than one block ahead).
struct NodeStatus {
  std::size_t peers = 0;
  bool syncing = false;
};

// send_raw_transactions takes at most this many txs per call.
inline constexpr std::size_t kMaxTxsPerSendCall = 1000;

// `on_txs_added` (optional) runs on the handler's thread after send_raw_transaction(s)
// admitted txs: the node queues them for its chain strand (sent to the peers; a waiting
// proposer proposes at once). `status` (optional, thread-safe) feeds get_info's peers and
// syncing.
void register_chain_methods(Dispatcher& d, const Blockchain& chain, Mempool& mempool,
                            std::function<void(std::span<const Tx>)> on_txs_added = {},
                            std::function<NodeStatus()> status = {});

}  // namespace swarmchain::rpc

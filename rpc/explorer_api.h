// The block explorer's paging methods (docs/explorer.md, docs/rpc.md "Explorer methods"), both
// public:
//   get_block_list         {before_height?, limit? 1..100}: block summaries, newest first, for
//                          the explorer's block pages (height, hash, time, tx count, proposer,
//                          certificate round, signers and committee size);
//   get_service_node_page  {offset?, limit? 1..200, sort?, order?, state?, q?}: one page of
//                          the service-node list, sorted and filtered on the node, each entry
//                          exactly as get_service_nodes writes it.
// get_service_node_page answers from a SortedServiceNodes snapshot made once per registry
// change (rpc/service_node_order.h), so at 10,000 nodes a request walks one index vector.
// get_block_list reads the store, which only grows, outside the chain lock.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads; the snapshot cache is
// thread-safe and the store's reads are.
#pragma once

#include <cstdint>

#include "chain/blockchain.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

inline constexpr uint64_t kBlockListDefault = 20;
inline constexpr uint64_t kBlockListMax = 100;
inline constexpr uint64_t kNodePageDefault = 50;
inline constexpr uint64_t kNodePageMax = 200;
inline constexpr std::size_t kNodeQueryMaxChars = 128;

// REQUIRES: `chain` outlives `d`.
void register_explorer_methods(Dispatcher& d, const Blockchain& chain);

}  // namespace swarmchain::rpc

// BlockStats: the chain as it stands after one block, for the explorer's charts (design §4.3
// is silent on it: this is a node-local index, not consensus data; no root commits to it). The
// executor computes it with the block (ExecutedBlock::stats) from the registry's counts before
// the block and the block's registry changes, so nothing is scanned; the store writes it in
// the block's own write batch (chain/store.h "block_stats").
//
// Stored value, in the codec of common/codec.h (the height is the key):
//   stats = time_ms u64 || tx_count varint || active varint || decommissioned varint ||
//           awaiting varint || swarms varint || rewards_paid u64
// active / decommissioned / awaiting: service nodes in that state after the block (awaiting:
// registered, not fully staked yet); swarms: non-empty swarms; rewards_paid: the block's
// reward AccountEvents summed (returned stakes are not rewards).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/account_event.h"
#include "common/amount.h"
#include "common/codec.h"
#include "registry/registry_state.h"

namespace swarmchain {

struct BlockStats {
  uint64_t time_ms = 0;  // the block's time (so a chart needs no block read)
  uint64_t tx_count = 0;
  uint64_t active = 0;
  uint64_t decommissioned = 0;
  uint64_t awaiting = 0;
  uint64_t swarms = 0;
  Amount rewards_paid;

  void encode(Writer& w) const;
  static BlockStats decode(Reader& r);
  friend bool operator==(const BlockStats&, const BlockStats&) = default;
};

// The counts of `registry` itself (the genesis block's stats: no txs, no rewards).
BlockStats registry_stats(const RegistryState& registry, uint64_t time_ms);

// The stats after a block that made `changes` to `before` (its pre-state), held `tx_count` txs
// at `time_ms` and credited `events`. O(changes · log n).
BlockStats block_stats_after(const RegistryState& before, const RegistryChanges& changes,
                             uint64_t time_ms, uint64_t tx_count,
                             const std::vector<AccountEvent>& events);

}  // namespace swarmchain

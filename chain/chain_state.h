// ChainState: everything a block changes, as of one height: the accounts (state_root), the
// service-node registry (registry_root) and the committees of every epoch so far (committed
// through the headers' committee hashes). The executor reads it; Blockchain owns and updates it.
//
// Epochs (design §6.1): epoch e covers heights [e·E + 1, (e+1)·E], E = epoch_blocks; the
// genesis block (height 0) belongs to epoch 0. The committee of epoch e+1 is computed while
// executing block (e+1)·E, the last block of epoch e (chain/executor.h). Past epochs are kept:
// certificates of old blocks and evidence about old votes are checked against them.
//
// Thread-safety: none of its own; Blockchain guards it with its shared mutex.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "chain/account_state.h"
#include "chain/params.h"
#include "common/height.h"
#include "registry/reach_quorum.h"
#include "registry/registry_state.h"
#include "registry/staking_rules.h"

namespace swarmchain {

// epoch -> its committee (ordered: the proposer of (h, r) is committee[(h + r) mod n]).
using EpochCommittees = std::map<uint64_t, std::vector<PubKey>>;

inline uint64_t epoch_of(Height h, uint64_t epoch_blocks) {
  return h.value == 0 ? 0 : (h.value - 1) / epoch_blocks;
}
// Whether h is the last block of its epoch (where the next epoch's committee is drawn).
inline bool is_epoch_last(Height h, uint64_t epoch_blocks) {
  return h.value != 0 && h.value % epoch_blocks == 0;
}

struct ChainState {
  Height height;         // the block this state is the result of
  uint64_t time_ms = 0;  // that block's time
  AccountState accounts;
  RegistryState registry;
  EpochCommittees committees;
  // Hashes of the last kReachVoteLifetimeBlocks + 1 blocks (this one included): the seeds of
  // the reachability quorums a state_change may still refer to (registry/reach_quorum.h).
  // Not stored as such: Blockchain keeps it from the blocks it commits and reads it back from
  // the block store when it opens.
  std::map<Height, Hash> recent_hashes;

  // The committee of height h, or nullptr if its epoch is not known (h > height + 1, or an
  // epoch not reached yet).
  const std::vector<PubKey>* committee(Height h, uint64_t epoch_blocks) const {
    auto it = committees.find(epoch_of(h, epoch_blocks));
    return it == committees.end() ? nullptr : &it->second;
  }
};

// Records the hash of block h (just committed) and forgets those too old to seed a quorum.
inline void remember_block_hash(std::map<Height, Hash>& recent, Height h, const Hash& hash) {
  recent[h] = hash;
  while (!recent.empty() && recent.begin()->first.value + kReachVoteLifetimeBlocks < h.value)
    recent.erase(recent.begin());
}

// The registry's view of the chain parameters.
RegistryParams registry_params(const ChainParams& p);

}  // namespace swarmchain

#include "consensus/vote_set.h"

namespace swarmchain::consensus {

VoteSet::Added VoteSet::add(uint16_t index, const Vote& v) {
  auto [it, inserted] = by_member_.try_emplace(index, v);
  // Same value, whatever the signature bytes: not evidence (votes_conflict), nothing new.
  if (!inserted) return votes_conflict(it->second, v) ? Added::kConflict : Added::kDuplicate;
  ++tally_[v.block_hash];
  return Added::kAdded;
}

const Vote* VoteSet::get(uint16_t index) const {
  auto it = by_member_.find(index);
  return it == by_member_.end() ? nullptr : &it->second;
}

std::size_t VoteSet::count(const Hash& value) const {
  auto it = tally_.find(value);
  return it == tally_.end() ? 0 : it->second;
}

}  // namespace swarmchain::consensus

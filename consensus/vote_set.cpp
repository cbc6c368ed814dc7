#include "consensus/vote_set.h"

namespace swarmchain::consensus {

VoteSet::Added VoteSet::would_add(uint16_t index, const Vote& v) const {
  auto it = by_member_.find(index);
  if (it == by_member_.end()) return Added::kAdded;
  // Same value, whatever the signature bytes: not evidence (votes_conflict), nothing new.
  for (const Vote& kept : it->second)
    if (!votes_conflict(kept, v)) return Added::kDuplicate;
  return it->second.size() < kMaxValuesPerMember ? Added::kConflict : Added::kDuplicate;
}

VoteSet::Added VoteSet::add(uint16_t index, const Vote& v) {
  const Added a = would_add(index, v);
  if (a == Added::kDuplicate) return a;
  by_member_[index].push_back(v);
  ++tally_[v.block_hash];
  return a;
}

const Vote* VoteSet::get(uint16_t index) const {
  auto it = by_member_.find(index);
  return it == by_member_.end() ? nullptr : &it->second.front();
}

const Vote* VoteSet::get(uint16_t index, const Hash& value) const {
  auto it = by_member_.find(index);
  if (it == by_member_.end()) return nullptr;
  for (const Vote& v : it->second)
    if (v.block_hash == value) return &v;
  return nullptr;
}

std::size_t VoteSet::count(const Hash& value) const {
  auto it = tally_.find(value);
  return it == tally_.end() ? 0 : it->second;
}

std::vector<std::pair<uint16_t, Vote>> VoteSet::votes_for(const Hash& value) const {
  std::vector<std::pair<uint16_t, Vote>> out;
  for (const auto& [index, votes] : by_member_)
    for (const Vote& v : votes)
      if (v.block_hash == value) out.emplace_back(index, v);
  return out;
}

std::vector<Vote> VoteSet::all() const {
  std::vector<Vote> out;
  for (const auto& [index, votes] : by_member_) out.insert(out.end(), votes.begin(), votes.end());
  return out;
}

}  // namespace swarmchain::consensus

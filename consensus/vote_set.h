// VoteSet: the votes of one type (prevote or precommit) in one round of one height, at most one
// per committee member, with a running tally per value (the zero hash counts nil).
//
// A member's first vote is the one kept: a second, different vote is reported as a conflict
// (equivocation, design §6.5) and not counted, so a byzantine member counts at most once per
// (type, round) and its memory here is one vote.
//
// Thread-safety: a plain value, owned by the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "common/bytes.h"
#include "common/commit.h"

namespace swarmchain::consensus {

class VoteSet {
 public:
  enum class Added : uint8_t { kAdded, kDuplicate, kConflict };

  // REQUIRES: the vote's signature was checked and `index` is its validator's committee index.
  Added add(uint16_t index, const Vote& v);

  // The vote of member `index`, or nullptr.
  const Vote* get(uint16_t index) const;
  // Votes for `value` (zero hash = nil).
  std::size_t count(const Hash& value) const;
  // Votes of any value, nil included.
  std::size_t total() const { return by_member_.size(); }
  // Ordered by committee index.
  const std::map<uint16_t, Vote>& votes() const { return by_member_; }

 private:
  std::map<uint16_t, Vote> by_member_;
  std::map<Hash, std::size_t> tally_;
};

}  // namespace swarmchain::consensus

// VoteSet: the votes of one type (prevote or precommit) in one round of one height, with a
// tally per value (the zero hash counts nil).
//
// A member's first vote is its vote (get()). A member that signs a second, different value
// (equivocation, design §6.5) is reported as a conflict AND the vote is kept: a value's tally
// counts every member that signed that value, so an equivocator counts once for each value it
// signed, while total() (any value, nil included) counts distinct members. Without this, a node
// that saw an equivocator's nil prevote first could never count its prevote for v, and a
// proof-of-lock that other nodes hold would stay one vote short on it forever (simulator,
// docs/simulator.md "Open failures"; CometBFT keeps such votes too).
//
// Safety is unchanged. A value's tally is the number of members that signed it, which does not
// depend on the order votes arrive in. With quorum q = floor(2n/3) + 1 and f = n - q the
// byzantine members tolerated, two tallies of q for different values in one (type, round)
// share at least 2q - n >= f + 1 members (3q >= 2n + 1), so at least one honest member would
// have signed both, which the sign-state guard forbids (§6.4). Counting an equivocator for
// every value it signed only counts what it did sign: it is one of the at most f byzantine
// members, which the argument already lets vote for anything, on every node.
//
// Memory is bounded: at most kMaxValuesPerMember distinct values per member are kept; a vote for
// a further value is refused as kDuplicate (not counted, no new evidence).
//
// Thread-safety: a plain value, owned by the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/commit.h"

namespace swarmchain::consensus {

class VoteSet {
 public:
  // Distinct values kept per member: its vote, and the conflicting ones an equivocator sent
  // (nil, the proposal's value and one more covers every value a round can make count).
  static constexpr std::size_t kMaxValuesPerMember = 3;

  enum class Added : uint8_t {
    kAdded,      // the member's first vote
    kConflict,   // a vote for another value than the member's earlier ones: kept and counted
    kDuplicate,  // a value the member already signed, or one beyond kMaxValuesPerMember
  };

  // REQUIRES: the vote's signature was checked and `index` is its validator's committee index.
  Added add(uint16_t index, const Vote& v);
  // What add() would return, without the signature check (the engine asks before verifying).
  Added would_add(uint16_t index, const Vote& v) const;

  // The first vote of member `index`, or nullptr.
  const Vote* get(uint16_t index) const;
  // Member `index`'s vote for `value`, or nullptr.
  const Vote* get(uint16_t index, const Hash& value) const;
  // Members that signed `value` (zero hash = nil).
  std::size_t count(const Hash& value) const;
  // Members with a vote of any value, nil included (each once).
  std::size_t total() const { return by_member_.size(); }
  // The votes for `value`, one per member, ordered by committee index.
  std::vector<std::pair<uint16_t, Vote>> votes_for(const Hash& value) const;
  // Every kept vote, ordered by committee index then arrival (a member's first vote first).
  std::vector<Vote> all() const;

 private:
  std::map<uint16_t, std::vector<Vote>> by_member_;  // each: 1..kMaxValuesPerMember values
  std::map<Hash, std::size_t> tally_;
};

}  // namespace swarmchain::consensus

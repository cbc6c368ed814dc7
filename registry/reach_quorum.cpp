#include "registry/reach_quorum.h"

#include <algorithm>

#include "common/codec.h"
#include "registry/uptime_rules.h"

namespace swarmchain {

namespace {

Hash derived_seed(std::string_view tag, const Hash& block_hash) {
  return Hasher(tag).update(block_hash).final();
}

}  // namespace

std::size_t ReachQuorum::index_of(const PubKey& pk) const {
  const auto it = std::lower_bound(members.begin(), members.end(), pk);
  return it != members.end() && *it == pk ? static_cast<std::size_t>(it - members.begin())
                                          : members.size();
}

std::size_t reach_threshold(std::size_t quorum_size) {
  if (quorum_size >= kReachQuorumSize) return kReachFullThreshold;
  return (2 * quorum_size + 2) / 3;
}

ReachQuorum reach_quorum(const std::vector<PubKey>& committee, Height h, const Hash& block_hash) {
  ReachQuorum q;
  q.height = h;
  std::vector<PubKey> sorted = committee;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  q.members = select_committee(std::move(sorted), kReachQuorumSize,
                               derived_seed("swarmchain/reach/quorum/v1", block_hash));
  q.threshold = reach_threshold(q.members.size());
  return q;
}

std::vector<PubKey> reach_targets(std::vector<PubKey> active, const Hash& block_hash) {
  return select_committee(std::move(active), kReachTargetsPerHeight,
                          derived_seed("swarmchain/reach/targets/v1", block_hash));
}

Hash reach_vote_hash(const Hash& chain_id, Height h, const PubKey& target, uint8_t new_state,
                     uint32_t failed_checks) {
  Writer w;
  w.fixed(chain_id);
  w.height(h);
  w.fixed(target);
  w.u8(new_state);
  w.u32(failed_checks);
  return hash_tagged("swarmchain/reach/vote/v1", w.data());
}

std::string reach_checks_text(uint32_t failed_checks) {
  std::string out;
  const auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  for (unsigned bit = 0; bit < 32; ++bit) {
    if (!(failed_checks & (1u << bit))) continue;
    if ((1u << bit) == kReachCheckP2p) add("p2p port unreachable");
    else add("check bit " + std::to_string(bit));
  }
  return out.empty() ? "no failed check" : out;
}

}  // namespace swarmchain

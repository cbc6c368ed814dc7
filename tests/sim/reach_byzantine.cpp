#include "tests/sim/reach_byzantine.h"

#include "node/wire.h"
#include "registry/reach_quorum.h"

namespace swarmchain::sim {

void ReachByzantine::on_committed(const ChainState& state) {
  const Height h = state.height;
  const auto hash = state.recent_hashes.find(h);
  const std::vector<PubKey>* committee = state.committee(h.next(), epoch_blocks_);
  if (h.value == 0 || hash == state.recent_hashes.end() || committee == nullptr) return;
  const ReachQuorum q = reach_quorum(*committee, h, hash->second);
  const std::size_t self = q.index_of(key_.pubkey());
  if (self == q.members.size()) return;
  ++stats_.heights_in_quorum;

  wire::ReachVote v;
  v.height = h;
  v.target = victim_;
  v.new_state = kStateChangeDecommission;
  v.failed_checks = kReachCheckP2p;
  const Hash digest = reach_vote_hash(chain_id_, h, v.target, v.new_state, v.failed_checks);
  const auto send = [&](uint16_t index, const KeyPair& signer) {
    wire::ReachVote m = v;
    m.index = index;
    m.signature = signer.sign(digest);
    net_.broadcast(wire::encode(wire::WireMessage(m)));
  };
  if (q.members[self] != victim_) {
    send(static_cast<uint16_t>(self), key_);
    ++stats_.votes;
  }
  // Another member that is neither this node nor the victim, to impersonate.
  std::size_t other = q.members.size();
  for (std::size_t i = 0; i < q.members.size(); ++i)
    if (i != self && q.members[i] != victim_) other = i;
  if (other < q.members.size()) {
    send(static_cast<uint16_t>(other), outsider_);
    ++stats_.forged_foreign;
    send(static_cast<uint16_t>(other), key_);
    ++stats_.forged_index;
  }
  const std::size_t victim_index = q.index_of(victim_);
  if (victim_index < q.members.size()) {
    send(static_cast<uint16_t>(victim_index), key_);
    ++stats_.self_votes;
  }
}

}  // namespace swarmchain::sim

#include "node/reach_tester.h"

#include <algorithm>

namespace swarmchain {

std::string ReachTester::host_port(const UptimeContact& c) {
  return ipv4_text(c.public_ip) + ":" + std::to_string(c.quorumnet_port);
}

std::vector<ReachProbe> ReachTester::on_committed(const ChainState& state, uint64_t epoch_blocks,
                                                  uint64_t now_ms, bool probing) {
  const Height h = state.height;
  std::vector<ReachProbe> out;
  const auto hash = state.recent_hashes.find(h);
  const std::vector<PubKey>* committee = state.committee(h.next(), epoch_blocks);
  committed_ = h;
  if (h.value == 0 || hash == state.recent_hashes.end() || committee == nullptr) return out;
  while (!rounds_.empty() && rounds_.begin()->first.value + kReachVoteLifetimeBlocks <= h.value)
    rounds_.erase(rounds_.begin());
  std::erase_if(last_ok_ms_,
                [&](const auto& kv) { return kv.second + kRetestAfterOkMs <= now_ms; });

  Round& round = rounds_[h];
  round.quorum = reach_quorum(*committee, h, hash->second);
  const std::vector<PubKey> targets = reach_targets(state.registry.active(), hash->second);
  round.targets.insert(targets.begin(), targets.end());
  auto early = std::exchange(early_, {});
  for (const auto& [v, from] : early) {
    if (v.height > h) {
      early_.emplace_back(v, from);
      continue;
    }
    const Verdict verdict = on_vote(v, from);
    if (verdict == Verdict::kAccepted) relay_.push_back(v);
    if (verdict == Verdict::kForged || verdict == Verdict::kInvalid)
      faults_.emplace_back(from, verdict);
  }

  if (!probing || round.quorum.index_of(key_.pubkey()) == round.quorum.members.size())
    return out;
  for (const PubKey& t : targets) {
    if (t == key_.pubkey() || in_flight_.contains(t) || last_ok_ms_.contains(t)) continue;
    const ServiceNode* sn = state.registry.get(t);
    if (sn == nullptr || sn->contact.public_ip == 0 || sn->contact.quorumnet_port == 0) continue;
    in_flight_.insert(t);
    ++stats_.probes_started;
    out.push_back({h, t, host_port(sn->contact)});
  }
  return out;
}

std::optional<wire::ReachVote> ReachTester::on_probe_result(const ReachProbe& probe,
                                                            const Status& result,
                                                            uint64_t now_ms) {
  in_flight_.erase(probe.target);
  if (result) {
    last_ok_ms_[probe.target] = now_ms;
    return std::nullopt;
  }
  ++stats_.probes_failed;
  const auto round = rounds_.find(probe.height);
  if (round == rounds_.end()) return std::nullopt;
  const std::size_t index = round->second.quorum.index_of(key_.pubkey());
  if (index == round->second.quorum.members.size()) return std::nullopt;
  wire::ReachVote v;
  v.height = probe.height;
  v.target = probe.target;
  v.new_state = kStateChangeDecommission;
  v.failed_checks = kReachCheckP2p;
  v.index = static_cast<uint16_t>(index);
  v.signature = key_.sign(
      reach_vote_hash(chain_id_, v.height, v.target, v.new_state, v.failed_checks));
  if (add(v, 0) != Verdict::kAccepted) return std::nullopt;
  ++stats_.votes_sent;
  return v;
}

ReachTester::Verdict ReachTester::on_vote(const wire::ReachVote& v, uint64_t from) {
  const Verdict verdict = add(v, from);
  if (verdict == Verdict::kAccepted) ++stats_.votes_accepted;
  return verdict;
}

ReachTester::Verdict ReachTester::add(const wire::ReachVote& v, uint64_t from) {
  const auto it = rounds_.find(v.height);
  if (it == rounds_.end()) {
    if (v.height > committed_ && v.height.value <= committed_.value + kEarlyHeights &&
        early_.size() < kMaxEarlyVotes)
      early_.emplace_back(v, from);
    return Verdict::kIgnored;
  }
  Round& round = it->second;
  const ReachQuorum& q = round.quorum;
  if (v.new_state != kStateChangeDecommission || v.failed_checks == 0 ||
      (v.failed_checks & ~kReachKnownChecks) != 0 || v.index >= q.members.size() ||
      q.members[v.index] == v.target || !round.targets.contains(v.target))
    return Verdict::kInvalid;
  const VerdictKey key{v.target, v.new_state, v.failed_checks};
  auto& votes = round.votes[key];
  // The same signature again is a duplicate; another one under a member's index that already
  // voted is checked like any vote (ed25519 signatures here are deterministic and canonical,
  // so a second valid one cannot exist: it is a forgery to score, not a duplicate).
  if (auto known = votes.find(v.index); known != votes.end() && known->second == v.signature)
    return Verdict::kKnown;
  if (!verify(q.members[v.index],
              reach_vote_hash(chain_id_, v.height, v.target, v.new_state, v.failed_checks),
              v.signature)) {
    if (votes.empty()) round.votes.erase(key);
    return Verdict::kForged;
  }
  if (!votes.emplace(v.index, v.signature).second) return Verdict::kKnown;
  if (votes.size() >= q.threshold && round.built.insert(key).second) {
    StateChangePayload c;
    c.sn_pubkey = v.target;
    c.new_state = v.new_state;
    c.height = v.height;
    c.reason_bits = v.failed_checks;
    for (const auto& [index, sig] : votes) c.votes.push_back({index, sig});
    Tx tx;
    tx.chain_id = chain_id_;
    tx.sender = key_.pubkey();
    tx.payload = std::move(c);
    tx.sign(key_);
    ready_.push_back(std::move(tx));
    ++stats_.state_changes_built;
  }
  return Verdict::kAccepted;
}

std::vector<Tx> ReachTester::take_ready() {
  return std::exchange(ready_, {});
}

}  // namespace swarmchain

// ReachTester: this node's part in the reachability quorums (design §5.4, registry/
// reach_quorum.h). After every committed block h it remembers quorum(h) and targets(h); if it
// is a member, it asks the driver to probe each target (p2p::Host::probe in a real node) and
// turns a failed probe into its signed vote. It checks peers' votes against the quorums it
// remembers, and once it holds a threshold of matching votes for a node it builds the
// state_change tx (signed by its own key, fee 0) for the driver to send.
//
// It does no I/O and reads no clock: the driver passes the time and runs the probes.
//
// Policy (not consensus, docs/protocol.md "Reachability"):
//   - a target is skipped when it has no contact yet (ip or p2p port 0: it never proved; proof
//     age deals with it), when it is this node, when a probe of it is in flight, or when it
//     answered a probe less than kRetestAfterOkMs ago (a small net would otherwise probe every
//     node every block);
//   - only failures are voted, and a vote is for the height the probe was asked at;
//   - votes are kept for kReachVoteLifetimeBlocks heights: at most that many rounds of at most
//     kReachTargetsPerHeight targets and kReachQuorumSize votes each, so memory is bounded
//     whatever peers send;
//   - a vote for one of the next kEarlyHeights heights (a peer that committed a block before
//     this node did) waits, at most kMaxEarlyVotes of them, and is checked once this node
//     commits that height; one for a height further ahead or forgotten is ignored (kIgnored):
//     neither is a fault. A vote whose signature is not its member's over
//     that verdict is kForged (the sender's fault: p2p scores it); one that names no member,
//     the target itself, a node that is not a target of that height, an unknown state or check
//     is kInvalid.
//
// Thread-safety: none; the driver's strand only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chain/chain_state.h"
#include "chain/tx.h"
#include "node/wire.h"
#include "registry/reach_quorum.h"

namespace swarmchain {

struct ReachProbe {
  Height height;
  PubKey target;
  std::string host_port;  // "a.b.c.d:port" from its last uptime proof
};

class ReachTester {
 public:
  static constexpr uint64_t kRetestAfterOkMs = 10'000;
  static constexpr uint64_t kEarlyHeights = 2;
  static constexpr std::size_t kMaxEarlyVotes = 256;

  enum class Verdict { kAccepted, kKnown, kIgnored, kForged, kInvalid };

  ReachTester(const KeyPair& key, const Hash& chain_id) : key_(key), chain_id_(chain_id) {}

  // After block `state.height` was committed. Returns the probes to run now (none unless
  // `probing`: a node without a prober, or applying a run of synced blocks, only keeps the
  // quorums to check votes against).
  std::vector<ReachProbe> on_committed(const ChainState& state, uint64_t epoch_blocks,
                                       uint64_t now_ms, bool probing);
  // A probe ended. On failure (and if its height is still remembered), this node's vote,
  // already added to the pool: the driver gossips it.
  std::optional<wire::ReachVote> on_probe_result(const ReachProbe& probe, const Status& result,
                                                 uint64_t now_ms);
  // A peer's vote; `from` names the sender (opaque here) for take_faults. kAccepted: new and
  // valid, to relay.
  Verdict on_vote(const wire::ReachVote& v, uint64_t from = 0);
  // Early votes that on_committed found valid, to relay as on_vote's kAccepted ones.
  std::vector<wire::ReachVote> take_relay() { return std::exchange(relay_, {}); }
  // Early votes that on_committed found kForged or kInvalid, with their senders, to score as
  // on_vote's.
  std::vector<std::pair<uint64_t, Verdict>> take_faults() { return std::exchange(faults_, {}); }
  // state_change txs whose votes reached the threshold, each built once.
  std::vector<Tx> take_ready();

  struct Stats {
    uint64_t probes_started = 0;
    uint64_t probes_failed = 0;
    uint64_t votes_sent = 0;
    uint64_t votes_accepted = 0;     // peers' votes
    uint64_t state_changes_built = 0;
  };
  const Stats& stats() const { return stats_; }
  // Heights remembered (tests: bounded).
  std::size_t rounds() const { return rounds_.size(); }

 private:
  // (target, new_state, failed_checks) -> index -> signature
  using VerdictKey = std::tuple<PubKey, uint8_t, uint32_t>;
  struct Round {
    ReachQuorum quorum;
    std::set<PubKey> targets;
    std::map<VerdictKey, std::map<uint16_t, Signature>> votes;
    std::set<VerdictKey> built;
  };
  Verdict add(const wire::ReachVote& v, uint64_t from);
  static std::string host_port(const UptimeContact& c);

  const KeyPair& key_;
  const Hash chain_id_;
  std::map<Height, Round> rounds_;
  std::set<PubKey> in_flight_;
  std::map<PubKey, uint64_t> last_ok_ms_;
  std::vector<Tx> ready_;
  Height committed_;
  std::vector<std::pair<wire::ReachVote, uint64_t>> early_;  // (vote, sender)
  std::vector<wire::ReachVote> relay_;
  std::vector<std::pair<uint64_t, Verdict>> faults_;
  Stats stats_;
};

}  // namespace swarmchain

// LivenessSim: a small simulator set-up for the liveness scenarios (tests/sim/liveness_*):
// N genesis service nodes (real Blockchain, Mempool, Driver, in-memory RocksDB) on SimWorld's
// calm network, with fast liveness parameters so that decommission, recommission and
// deregistration happen within a few virtual minutes. It records what every node committed
// (height, time, registry root, the block's liveness changes) and runs the world until a
// condition holds or a virtual deadline passes, checking the simulator's invariants (safety,
// agreement of state and registry roots at equal heights) after every event.
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/sim/invariants.h"
#include "tests/sim/sim_node.h"
#include "tests/sim/sim_prober.h"
#include "tests/sim/sim_world.h"

namespace swarmchain::sim {

// Fast liveness on the simulator's chain (sim_genesis: 200 ms blocks, epochs of 4 blocks):
// proofs every 2 s, stale after 6 s; credit 20 s at first (100 blocks), +half a block per block
// active, at most 60 s, 8 s (40 blocks) needed to be decommissioned; stakes of a deregistered
// node frozen for 8 blocks.
void fast_liveness(ChainParams& p);

struct LivenessEventRecord {
  NodeIndex observer = 0;  // the node that committed the block
  Height height;
  LivenessChange change;
};

class LivenessSim {
 public:
  LivenessSim(std::size_t nodes, uint64_t seed,
              const std::function<void(ChainParams&)>& tune = fast_liveness);
  ~LivenessSim();

  const Genesis& genesis() const { return genesis_; }
  const ChainParams& params() const { return genesis_.params; }
  SimWorld& world() { return world_; }
  SimNode& node(std::size_t i) { return *nodes_[i]; }
  const SimNode& node(std::size_t i) const { return *nodes_[i]; }
  std::size_t size() const { return nodes_.size(); }
  PubKey pubkey(std::size_t i) const;
  PubKey operator_address(std::size_t i) const;

  // Gives every node a prober (SimProber): the reachability quorums test each other from the
  // next start on. Off by default: the liveness tests check proof age alone against a model
  // that knows nothing of state_change txs (a crashed node would be decommissioned by its
  // quorum long before its proof is stale).
  void enable_reach_probes(ProbeModel model = {});
  const SimProber* prober() const { return prober_.get(); }

  Status start_all();
  // Extra observer of every commit (after the harness's own bookkeeping).
  void on_commit(std::function<void(NodeIndex, const Block&, const ChainState&)> fn) {
    extra_commit_ = std::move(fn);
  }
  // A test's own check failed: the run stops at the next step and failure() says why.
  void fail(const std::string& why) { checker_.fail(why); }

  // Steps the world until `done()` holds, at most `within_ms` of virtual time from now. False
  // (with failure() set) on the deadline, a broken invariant, a failed node or an empty queue.
  bool run_until(const std::function<bool()>& done, uint64_t within_ms, const std::string& what);
  const std::string& failure() const { return failure_; }

  // Reads node i's state (REQUIRES: it is up).
  Height height(std::size_t i) const;
  std::optional<ServiceNode> record(std::size_t i, const PubKey& pk) const;
  Amount balance(std::size_t i, const PubKey& account) const;
  bool in_some_swarm(std::size_t i, const PubKey& pk) const;
  std::vector<PubKey> committee(std::size_t i, Height h) const;
  // Every up node's record of `pk` satisfies `pred`.
  bool all_up_see(const PubKey& pk,
                  const std::function<bool(const std::optional<ServiceNode>&)>& pred) const;

  const std::vector<LivenessEventRecord>& events() const { return events_; }
  // The heights at which `observer` committed a `e` change of `pk` (ascending).
  std::vector<Height> event_heights(NodeIndex observer, const PubKey& pk, LivenessEvent e) const;
  // registry_root of node i after height h, if it committed h.
  std::optional<Hash> registry_root(std::size_t i, uint64_t h) const;
  // The time of the committed block at height h (any node), if one committed it.
  std::optional<uint64_t> block_time(uint64_t h) const;
  // The longest virtual time between two consecutive new heights (any node), since start.
  uint64_t longest_commit_gap_ms() const { return longest_gap_ms_; }
  uint64_t best_height() const { return best_height_; }

 private:
  Genesis genesis_;
  SimWorld world_;
  InvariantChecker checker_;
  std::set<PubKey> never_proved_;
  std::unique_ptr<SimProber> prober_;  // before nodes_: outlives their drivers
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<LivenessEventRecord> events_;
  std::vector<std::map<uint64_t, Hash>> roots_;
  std::map<uint64_t, uint64_t> block_times_;
  std::function<void(NodeIndex, const Block&, const ChainState&)> extra_commit_;
  uint64_t best_height_ = 0;
  uint64_t last_new_height_ms_ = 0;
  uint64_t longest_gap_ms_ = 0;
  std::string failure_;
};

}  // namespace swarmchain::sim

// The simulator's invariants, checked after every event (design §11):
//   safety     no two different blocks certified at one height, across all nodes: a block a
//              node committed, and every certificate seen (a block's last_commit certifies its
//              parent), all name one hash per height;
//   agreement  honest nodes at equal heights hold equal state and registry roots;
//   liveness   once the network is calm and every honest node is up, new heights commit
//              within a bound (checked by the scenario with progress_deadline());
//   committees a node that never sends proofs never sits on a committee.
// The first violation is kept (later ones are usually its consequences).
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain/block.h"
#include "common/commit.h"
#include "tests/sim/sim_clock.h"

namespace swarmchain::sim {

struct Roots {
  Hash state_root;
  Hash registry_root;
  friend bool operator==(const Roots&, const Roots&) = default;
};

class InvariantChecker {
 public:
  // A block `node` committed with its certificate (and the parent's certificate inside it).
  void on_commit(NodeIndex node, const Block& block, const CommitCertificate& cert);
  // A certificate of `height` for `hash` seen anywhere (a message, a catch-up reply).
  void on_certificate(NodeIndex node, Height height, const Hash& hash, const char* where);
  // The roots of an honest node's state at `height`.
  void on_state(NodeIndex node, Height height, const Roots& roots);
  // The committee of `height` (as a node computed it): no node of `never_proved` may be in it.
  void on_committee(NodeIndex node, Height height, const std::vector<PubKey>& committee,
                    const std::set<PubKey>& never_proved);
  void fail(std::string what);

  bool ok() const { return !failure_; }
  const std::optional<std::string>& failure() const { return failure_; }
  // The highest height certified anywhere.
  Height highest() const;
  std::size_t certified_heights() const { return certified_.size(); }

 private:
  struct Certified {
    Hash hash;
    NodeIndex node = 0;
    std::string where;
  };
  std::map<uint64_t, Certified> certified_;  // height -> the first hash certified there
  std::map<uint64_t, std::pair<Roots, NodeIndex>> roots_;
  std::optional<std::string> failure_;
};

}  // namespace swarmchain::sim

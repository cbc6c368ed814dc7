#include "tests/sim/scenario.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "common/hex.h"
#include "node/wire.h"
#include "tests/sim/byzantine.h"
#include "tests/sim/invariants.h"
#include "tests/sim/sim_genesis.h"
#include "tests/sim/sim_node.h"
#include "tests/sim/sim_world.h"

namespace swarmchain::sim {

std::string hex_of(const Hash& h) { return to_hex(h.view()); }

namespace {

class Scenario {
 public:
  Scenario(uint64_t seed, const ScenarioOptions& opt)
      : opt_(opt),
        genesis_(sim_genesis(opt.nodes)),
        chain_id_(genesis_.chain_id()),
        plan_(make_fault_plan(derive_seed(seed, 2), opt.nodes, fault_options())),
        world_(seed, opt.nodes),
        workload_rng_(derive_seed(seed, 3)),
        byz_(opt.nodes) {
    never_proved_.insert(ghost_key().pubkey());
    for (NodeIndex i = 0; i < opt.nodes; ++i) {
      SimNodeSetup s{i, node_key(i), plan_.role[i], plan_.skew_ms[i],
                     sim_driver_config(i, plan_.role[i] != Role::kSilent), opt.verbose};
      nodes_.push_back(std::make_unique<SimNode>(world_, genesis_, s, checker_, never_proved_));
      OutgoingFilter f = make_byzantine_filter(plan_.role[i], s.key, chain_id_, opt.nodes, byz_[i]);
      if (opt.latency) f = latency_probe(i);
      if (f) world_.net().set_filter(i, std::move(f));
    }
    if (opt.verbose) world_.set_log([](const std::string& line) { std::cout << line << "\n"; });
  }

  ScenarioResult run();

 private:
  FaultOptions fault_options() const {
    FaultOptions f = opt_.faults;
    // Byzantine nodes sit on the genesis committee and stay below a third of the smallest
    // committee the workload can leave (an honest genesis node unlocks from 7 nodes up).
    const std::size_t g = genesis_nodes(opt_.nodes);
    const std::size_t leaving = opt_.nodes >= 7 ? 1 : 0;
    f.byzantine_pool = g;
    f.byzantine_max = (g - 1 - leaving) / 3;
    if (f.byzantine_max == 0) f.byzantine = false;
    return f;
  }
  OutgoingFilter latency_probe(NodeIndex i);
  void schedule_faults();
  void schedule_workload();
  void submit(const std::string& what, const std::function<Tx(SimNode&)>& make);
  SimNode* some_up_node();
  bool finished();
  void check_progress();
  bool deregistered(const PubKey& pk) const;
  std::string node_states() const;

  ScenarioOptions opt_;
  Genesis genesis_;
  Hash chain_id_;
  FaultPlan plan_;
  SimWorld world_;
  std::mt19937_64 workload_rng_;
  InvariantChecker checker_;
  std::set<PubKey> never_proved_;
  std::vector<ByzantineStats> byz_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  bool calm_ = false;
  uint64_t best_height_ = 0;
  uint64_t last_progress_ms_ = 0;
  std::map<uint64_t, uint64_t> first_proposal_ms_;  // latency mode: height -> first sent
  std::map<uint64_t, uint64_t> all_committed_ms_;   // height -> every honest node has it
};

OutgoingFilter Scenario::latency_probe(NodeIndex) {
  return [this](NodeIndex, ByteView b) {
    auto m = wire::decode(b);
    if (m) {
      if (auto* cm = std::get_if<consensus::Message>(&*m)) {
        if (auto* p = std::get_if<consensus::Proposal>(cm))
          first_proposal_ms_.try_emplace(p->height.value, world_.now_ms());
      }
    }
    return std::vector<Bytes>{Bytes(b.begin(), b.end())};
  };
}

void Scenario::schedule_faults() {
  world_.net().set_faults(plan_.fault_end_ms > 0 ? plan_.chaos : plan_.calm);
  for (const CrashPlan& c : plan_.crashes) {
    world_.at(c.at_ms, "crash node " + std::to_string(c.node), [this, c] {
      nodes_[c.node]->crash();
    });
    world_.at(c.at_ms + c.down_ms, "restart node " + std::to_string(c.node), [this, c] {
      if (nodes_[c.node]->up()) return;
      Status s = nodes_[c.node]->start();
      if (!s) checker_.fail("node " + std::to_string(c.node) + " could not restart: " + s.message());
    });
  }
  for (const PartitionPlan& p : plan_.partitions) {
    world_.at(p.at_ms, "partition", [this, p] { world_.net().set_partition(p.side); });
    world_.at(p.heal_ms, "heal", [this] { world_.net().heal(); });
  }
  world_.at(plan_.fault_end_ms, "calm", [this] {
    world_.net().heal();
    world_.net().set_faults(plan_.calm);
    for (auto& n : nodes_)
      if (!n->up()) (void)n->start();
    calm_ = true;
    last_progress_ms_ = world_.now_ms();
  });
}

SimNode* Scenario::some_up_node() {
  std::vector<SimNode*> up;
  for (auto& n : nodes_)
    if (n->up() && n->role() == Role::kHonest) up.push_back(n.get());
  if (up.empty()) return nullptr;
  return up[std::uniform_int_distribution<std::size_t>(0, up.size() - 1)(workload_rng_)];
}

void Scenario::submit(const std::string& what, const std::function<Tx(SimNode&)>& make) {
  SimNode* n = some_up_node();
  if (n == nullptr) return;
  Status s = n->submit(make(*n));
  if (!s && opt_.verbose)
    std::cout << "t=" << world_.now_ms() << " " << what << " refused: " << s.message() << "\n";
}

void Scenario::schedule_workload() {
  if (!opt_.workload) return;
  const std::size_t g = genesis_nodes(opt_.nodes);
  // Transfers from the user account all along.
  for (uint64_t t = 500; t < plan_.fault_end_ms + 30'000; t += 700) {
    world_.at(t, "transfer", [this] {
      const std::size_t to = workload_rng_() % opt_.nodes;
      submit("transfer", [&](SimNode& n) {
        return transfer_tx(chain_id_, user_key(), operator_key(to).pubkey(), Amount::coins(1),
                           n.next_nonce(user_key().pubkey()));
      });
    });
  }
  // Registrations: the nodes outside genesis (they then send proofs and join committees), and a
  // ghost that never runs, so never proves, so must never sit on a committee. Retried: a tx may
  // be lost with a crashed node's mempool.
  for (uint64_t t = 1'000; t < plan_.fault_end_ms + 10'000; t += 3'000) {
    for (std::size_t i = g; i < opt_.nodes; ++i)
      world_.at(t, "register node " + std::to_string(i), [this, i] {
        submit("register", [&](SimNode& m) {
          return registration_tx(chain_id_, genesis_, node_key(i), operator_key(i),
                                 m.next_nonce(operator_key(i).pubkey()), m.height() + 1000);
        });
      });
  }
  world_.at(1'500, "register ghost", [this] {
    submit("register ghost", [&](SimNode& m) {
      return registration_tx(chain_id_, genesis_, ghost_key(), user_key(),
                             m.next_nonce(user_key().pubkey()), m.height() + 1000);
    });
  });
  // An honest genesis node leaves by unlock (only where the committee stays large enough).
  if (opt_.nodes >= 7) {
    std::size_t victim = g - 1;
    while (victim > 0 && !plan_.honest(static_cast<NodeIndex>(victim))) --victim;
    world_.at(6'000, "unlock node " + std::to_string(victim), [this, victim] {
      submit("unlock", [&](SimNode& m) {
        return unlock_tx(chain_id_, operator_key(victim), node_key(victim).pubkey(),
                         m.next_nonce(operator_key(victim).pubkey()));
      });
    });
  }
}

bool Scenario::deregistered(const PubKey& pk) const {
  for (const auto& n : nodes_) {
    if (!n->up() || n->role() != Role::kHonest) continue;
    bool gone = false;
    n->chain().with_state([&](const ChainState& s, const ChainTip&) {
      const ServiceNode* sn = s.registry.get(pk);
      gone = sn == nullptr || !sn->is_active();
    });
    if (!gone) return false;
  }
  return true;
}

std::string Scenario::node_states() const {
  std::string s;
  for (const auto& n : nodes_) {
    s += "  node " + std::to_string(n->index()) + " (" + role_name(n->role()) + "): ";
    if (!n->up()) {
      s += "down\n";
      continue;
    }
    const consensus::Engine& e = n->driver().engine();
    s += "tip " + n->height().to_string() + ", engine h " + e.height().to_string() + " r " +
         std::to_string(e.round()) + " " + consensus::step_name(e.step_kind()) +
         (e.is_member() ? "" : " (not a member)") + ", committee of " +
         std::to_string(e.committee().size()) +
         (e.locked_round() ? ", locked at r " + std::to_string(*e.locked_round()) : "") +
         ", sign refusals " + std::to_string(n->driver().stats().sign_refusals) + "\n";
    for (NodeIndex p = 0; p < nodes_.size(); ++p) {
      const PeerCounters& pc = n->driver().counters(p);
      if (pc.dropped.empty()) continue;
      s += "    from " + std::to_string(p) + " dropped:";
      for (const auto& [why, count] : pc.dropped) s += " " + why + "=" + std::to_string(count);
      s += "\n";
    }
  }
  return s;
}

bool Scenario::finished() {
  if (!calm_) return false;
  for (const auto& n : nodes_)
    if (n->role() == Role::kHonest && (!n->up() || n->height().value < opt_.heights)) return false;
  for (NodeIndex i = 0; i < nodes_.size(); ++i)
    if (byz_[i].double_votes > 0 && !deregistered(nodes_[i]->key().pubkey())) return false;
  return true;
}

void Scenario::check_progress() {
  uint64_t best = 0;
  for (const auto& n : nodes_)
    if (n->role() == Role::kHonest) best = std::max(best, n->height().value);
  uint64_t lowest = UINT64_MAX;
  for (const auto& n : nodes_)
    if (n->role() == Role::kHonest) lowest = std::min(lowest, n->height().value);
  for (uint64_t h = lowest; h > 0 && all_committed_ms_.try_emplace(h, world_.now_ms()).second; --h) {
  }
  if (best > best_height_) {
    best_height_ = best;
    last_progress_ms_ = world_.now_ms();
  }
  if (calm_ && world_.now_ms() > last_progress_ms_ + opt_.progress_bound_ms)
    checker_.fail("liveness: no new height for " + std::to_string(opt_.progress_bound_ms) +
                  " ms after the network became calm (best height " + std::to_string(best) + ")");
}

ScenarioResult Scenario::run() {
  ScenarioResult r;
  r.plan = plan_.describe();
  for (auto& n : nodes_) {
    Status s = n->start();
    if (!s) {
      r.failure = "node " + std::to_string(n->index()) + " could not start: " + s.message();
      return r;
    }
  }
  schedule_faults();
  schedule_workload();
  while (checker_.ok() && !finished()) {
    if (world_.now_ms() > opt_.max_sim_ms) {
      checker_.fail("timeout: " + std::to_string(opt_.max_sim_ms) + " ms of simulated time");
      break;
    }
    if (!world_.step()) {
      checker_.fail("the event queue ran dry");
      break;
    }
    for (auto& n : nodes_)
      if (n->up() && n->driver().failure())
        checker_.fail("node " + std::to_string(n->index()) + " failed: " +
                      n->driver().failure()->message());
    check_progress();
  }
  r.ok = checker_.ok();
  if (!r.ok) r.failure = *checker_.failure() + "\n" + node_states();
  r.trace = world_.trace_hash();
  r.steps = world_.steps();
  r.sim_ms = world_.now_ms();
  r.certified_heights = checker_.certified_heights();
  r.min_height = UINT64_MAX;
  for (const auto& n : nodes_)
    if (n->role() == Role::kHonest) r.min_height = std::min(r.min_height, n->height().value);
  for (NodeIndex i = 0; i < nodes_.size(); ++i) {
    r.double_votes += byz_[i].double_votes;
    r.equivocations += byz_[i].equivocations;
    if (byz_[i].double_votes > 0 && deregistered(nodes_[i]->key().pubkey())) ++r.deregistered;
  }
  for (const auto& [h, t] : all_committed_ms_) {
    auto p = first_proposal_ms_.find(h);
    if (p != first_proposal_ms_.end()) r.commit_latency_ms.push_back(t - p->second);
  }
  return r;
}

}  // namespace

ScenarioResult run_scenario(uint64_t seed, const ScenarioOptions& opt) {
  Scenario s(seed, opt);
  return s.run();
}

}  // namespace swarmchain::sim

#include "tests/sim/liveness_harness.h"

#include <algorithm>

#include "tests/sim/sim_genesis.h"

namespace swarmchain::sim {

void fast_liveness(ChainParams& p) {
  p.proof_interval_s = 2;
  p.proof_lifetime_s = 6;
  p.credit_initial_s = 20;
  p.credit_per_day_s = 43'200;
  p.credit_max_s = 60;
  p.credit_min_to_decommission_s = 8;
  p.dereg_lock_blocks = 8;
}

LivenessSim::LivenessSim(std::size_t nodes, uint64_t seed,
                         const std::function<void(ChainParams&)>& tune)
    : genesis_(sim_genesis(nodes)), world_(seed, nodes), roots_(nodes) {
  if (tune) tune(genesis_.params);
  for (NodeIndex i = 0; i < nodes; ++i) {
    SimNodeSetup s{i, node_key(i), Role::kHonest, 0, sim_driver_config(i, true), false};
    nodes_.push_back(std::make_unique<SimNode>(world_, genesis_, s, checker_, never_proved_));
    SimObserver o;
    o.committed = [this](NodeIndex n, const Block& b, const ChainState& st) {
      roots_[n][b.header.height.value] = st.registry.root();
      block_times_[b.header.height.value] = b.header.time_ms;
      if (b.header.height.value > best_height_) {
        best_height_ = b.header.height.value;
        longest_gap_ms_ = std::max(longest_gap_ms_, world_.now_ms() - last_new_height_ms_);
        last_new_height_ms_ = world_.now_ms();
      }
      if (extra_commit_) extra_commit_(n, b, st);
    };
    o.liveness = [this](NodeIndex n, Height h, const std::vector<LivenessChange>& changes) {
      for (const LivenessChange& c : changes) events_.push_back({n, h, c});
    };
    nodes_.back()->set_observer(std::move(o));
  }
}

LivenessSim::~LivenessSim() = default;

PubKey LivenessSim::pubkey(std::size_t i) const {
  return node_key(i).pubkey();
}
PubKey LivenessSim::operator_address(std::size_t i) const {
  return operator_key(i).pubkey();
}

void LivenessSim::enable_reach_probes(ProbeModel model) {
  std::vector<PubKey> keys;
  for (std::size_t i = 0; i < nodes_.size(); ++i) keys.push_back(pubkey(i));
  prober_ = std::make_unique<SimProber>(world_, std::move(keys), model);
  for (auto& n : nodes_) n->set_probe(prober_->prober(n->index()));
}

Status LivenessSim::start_all() {
  for (auto& n : nodes_)
    if (Status s = n->start(); !s) return s;
  last_new_height_ms_ = world_.now_ms();
  return Status::ok();
}

bool LivenessSim::run_until(const std::function<bool()>& done, uint64_t within_ms,
                            const std::string& what) {
  const uint64_t deadline = world_.now_ms() + within_ms;
  // Bounded by virtual time; the step bound only guards against a run that stops moving time.
  for (uint64_t steps = 0; steps < 50'000'000; ++steps) {
    if (!checker_.ok()) break;
    if (done()) return true;
    if (world_.now_ms() > deadline) {
      failure_ = "waited " + std::to_string(within_ms) + " ms of virtual time for: " + what +
                 " (best height " + std::to_string(best_height_) + ")";
      return false;
    }
    if (!world_.step()) {
      failure_ = "the event queue ran dry waiting for: " + what;
      return false;
    }
    for (auto& n : nodes_)
      if (n->up() && n->driver().failure())
        checker_.fail("node " + std::to_string(n->index()) +
                      " failed: " + n->driver().failure()->message());
  }
  failure_ = checker_.ok() ? "too many steps waiting for: " + what
                           : "invariant broken waiting for " + what + ": " + *checker_.failure();
  return false;
}

Height LivenessSim::height(std::size_t i) const {
  return nodes_[i]->height();
}

std::optional<ServiceNode> LivenessSim::record(std::size_t i, const PubKey& pk) const {
  std::optional<ServiceNode> out;
  nodes_[i]->chain().with_state([&](const ChainState& s, const ChainTip&) {
    if (const ServiceNode* sn = s.registry.get(pk)) out = *sn;
  });
  return out;
}

Amount LivenessSim::balance(std::size_t i, const PubKey& account) const {
  Amount out;
  nodes_[i]->chain().with_state([&](const ChainState& s, const ChainTip&) {
    if (auto a = s.accounts.get(account)) out = a->balance;
  });
  return out;
}

bool LivenessSim::in_some_swarm(std::size_t i, const PubKey& pk) const {
  bool found = false;
  nodes_[i]->chain().with_state([&](const ChainState& s, const ChainTip&) {
    for (const auto& [id, members] : s.registry.swarms())
      if (std::find(members.begin(), members.end(), pk) != members.end()) found = true;
  });
  return found;
}

std::vector<PubKey> LivenessSim::committee(std::size_t i, Height h) const {
  return nodes_[i]->chain().committee(h);
}

bool LivenessSim::all_up_see(
    const PubKey& pk, const std::function<bool(const std::optional<ServiceNode>&)>& pred) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i]->up() && !pred(record(i, pk))) return false;
  return true;
}

std::vector<Height> LivenessSim::event_heights(NodeIndex observer, const PubKey& pk,
                                               LivenessEvent e) const {
  std::vector<Height> out;
  for (const auto& r : events_)
    if (r.observer == observer && r.change.pubkey == pk && r.change.event == e)
      out.push_back(r.height);
  return out;
}

std::optional<Hash> LivenessSim::registry_root(std::size_t i, uint64_t h) const {
  auto it = roots_[i].find(h);
  if (it == roots_[i].end()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> LivenessSim::block_time(uint64_t h) const {
  auto it = block_times_.find(h);
  if (it == block_times_.end()) return std::nullopt;
  return it->second;
}

}  // namespace swarmchain::sim

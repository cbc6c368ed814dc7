#include "tests/sim/faults.h"

#include <algorithm>
#include <random>

namespace swarmchain::sim {

const char* role_name(Role r) {
  switch (r) {
    case Role::kHonest: return "honest";
    case Role::kSilent: return "silent";
    case Role::kEquivocatingProposer: return "equivocating-proposer";
    case Role::kDoubleVoter: return "double-voter";
  }
  return "?";
}

std::size_t FaultPlan::byzantine_count() const {
  return static_cast<std::size_t>(
      std::count_if(role.begin(), role.end(), [](Role r) { return r != Role::kHonest; }));
}

std::string FaultPlan::describe() const {
  std::string s = "faults until " + std::to_string(fault_end_ms) + " ms: drop " +
                  std::to_string(chaos.drop) + ", dup " + std::to_string(chaos.duplicate) +
                  ", delay " + std::to_string(chaos.min_delay_ms) + ".." +
                  std::to_string(chaos.max_delay_ms) + " ms\n";
  for (std::size_t i = 0; i < role.size(); ++i)
    s += "  node " + std::to_string(i) + ": " + role_name(role[i]) + ", skew " +
         std::to_string(skew_ms[i]) + " ms\n";
  for (const CrashPlan& c : crashes)
    s += "  crash node " + std::to_string(c.node) + " at " + std::to_string(c.at_ms) + " for " +
         std::to_string(c.down_ms) + " ms\n";
  for (const PartitionPlan& p : partitions) {
    s += "  partition " + std::to_string(p.at_ms) + ".." + std::to_string(p.heal_ms) + ":";
    for (uint32_t x : p.side) s += " " + std::to_string(x);
    s += "\n";
  }
  return s;
}

FaultPlan make_fault_plan(uint64_t seed, std::size_t n, const FaultOptions& opt) {
  std::mt19937_64 rng(seed);
  auto below = [&](uint64_t k) { return k == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, k - 1)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

  FaultPlan plan;
  plan.calm = LinkFaults{0, 0, opt.calm_delay_ms, opt.calm_delay_ms};
  plan.chaos = plan.calm;
  plan.role.assign(n, Role::kHonest);
  plan.skew_ms.assign(n, 0);
  if (!opt.faults) return plan;

  plan.fault_end_ms = opt.fault_phase_ms;
  plan.chaos.drop = static_cast<double>(below(30)) / 100.0;       // 0 .. 29 %
  plan.chaos.duplicate = static_cast<double>(below(20)) / 100.0;  // 0 .. 19 %
  plan.chaos.min_delay_ms = 1 + below(10);
  plan.chaos.max_delay_ms = plan.chaos.min_delay_ms + below(400);

  const int64_t half_drift = static_cast<int64_t>(opt.max_drift_ms / 2);
  for (std::size_t i = 0; i < n; ++i)
    plan.skew_ms[i] = static_cast<int64_t>(below(static_cast<uint64_t>(2 * half_drift + 1))) -
                      half_drift;

  // Byzantine nodes: at most f, chosen among the pool (the nodes that sit on committees).
  const std::size_t pool = opt.byzantine_pool == 0 ? n : std::min(opt.byzantine_pool, n);
  const std::size_t f = std::min((n - 1) / 3, opt.byzantine_max == 0 ? n : opt.byzantine_max);
  if (opt.byzantine && f > 0) {
    std::vector<NodeIndex> order(pool);
    for (std::size_t i = 0; i < pool; ++i) order[i] = static_cast<NodeIndex>(i);
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t count = below(f + 1);
    for (std::size_t k = 0; k < count; ++k) {
      plan.role[order[k]] = static_cast<Role>(1 + below(3));
      if (!opt.double_voters && plan.role[order[k]] == Role::kDoubleVoter)
        plan.role[order[k]] = Role::kEquivocatingProposer;
    }
  }

  // Crashes of honest nodes, each restarted before the fault phase ends.
  const std::size_t crashes = below(3) * (opt.crashes ? 1 : 0);
  for (std::size_t k = 0; k < crashes; ++k) {
    const NodeIndex node = static_cast<NodeIndex>(below(n));
    if (!plan.honest(node)) continue;
    CrashPlan c{node, below(opt.fault_phase_ms / 2), 0};
    c.down_ms = 1 + below(opt.fault_phase_ms - c.at_ms - 1);
    plan.crashes.push_back(c);
  }
  // One partition at most, healed within the fault phase.
  if (n > 1 && chance(0.5)) {
    PartitionPlan p;
    p.at_ms = below(opt.fault_phase_ms / 2);
    p.heal_ms = p.at_ms + 1 + below(opt.fault_phase_ms - p.at_ms - 1);
    p.side.resize(n);
    for (std::size_t i = 0; i < n; ++i) p.side[i] = static_cast<uint32_t>(below(2));
    plan.partitions.push_back(std::move(p));
  }
  return plan;
}

}  // namespace swarmchain::sim

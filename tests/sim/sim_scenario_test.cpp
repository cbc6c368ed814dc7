// The whole simulator: real engines, drivers, executors and stores over the simulated network.
#include <gtest/gtest.h>

#include "tests/sim/scenario.h"

namespace swarmchain::sim {
namespace {

// The fault model of the CI sweeps (CMakeLists.txt: sim_ci_flags).
ScenarioOptions options(std::size_t nodes, bool faults) {
  ScenarioOptions o;
  o.nodes = nodes;
  o.heights = 6;
  o.faults.faults = faults;
  o.faults.fault_phase_ms = 8000;
  o.faults.crashes = false;
  o.faults.double_voters = false;
  return o;
}

TEST(Simulator, OneNodeCommitsAlone) {
  ScenarioResult r = run_scenario(1, options(1, false));
  EXPECT_TRUE(r.ok) << r.failure;
  EXPECT_GE(r.min_height, 6u);
}

TEST(Simulator, FourCalmNodesCommitEveryHeightInThreeMessageDelays) {
  ScenarioOptions o = options(4, false);
  o.latency = true;
  ScenarioResult r = run_scenario(1, o);
  ASSERT_TRUE(r.ok) << r.failure;
  EXPECT_GE(r.min_height, 6u);
  ASSERT_FALSE(r.commit_latency_ms.empty());
  for (uint64_t l : r.commit_latency_ms) EXPECT_LE(l, 4u * 5u) << "more than 4 delays of 5 ms";
}

TEST(Simulator, ASeedReplaysWithTheSameTraceHash) {
  for (uint64_t seed : {3u, 17u}) {
    ScenarioResult a = run_scenario(seed, options(4, true));
    ScenarioResult b = run_scenario(seed, options(4, true));
    EXPECT_EQ(a.trace, b.trace) << "seed " << seed;
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.ok, b.ok);
  }
}

TEST(Simulator, DifferentSeedsGiveDifferentTraces) {
  EXPECT_NE(run_scenario(3, options(4, true)).trace, run_scenario(4, options(4, true)).trace);
}

TEST(Simulator, AnEquivocatingProposerSplitsTheNodesYetOneBlockIsCertifiedPerHeight) {
  // Seeds are searched, not hard-coded: the first few that draw an equivocating proposer.
  int runs = 0;
  for (uint64_t seed = 0; seed < 200 && runs < 3; ++seed) {
    ScenarioOptions o = options(7, true);
    ScenarioResult r = run_scenario(seed, o);
    if (r.equivocations == 0) continue;
    ++runs;
    EXPECT_TRUE(r.ok) << "seed " << seed << ": " << r.failure << "\n" << r.plan;
  }
  EXPECT_EQ(runs, 3);
}

TEST(Simulator, SevenAndTenNodesSurviveTheirFaults) {
  for (std::size_t n : {7u, 10u})
    for (uint64_t seed = 0; seed < 3; ++seed) {
      ScenarioResult r = run_scenario(seed, options(n, true));
      EXPECT_TRUE(r.ok) << n << " nodes, seed " << seed << ": " << r.failure << "\n" << r.plan;
    }
}

}  // namespace
}  // namespace swarmchain::sim

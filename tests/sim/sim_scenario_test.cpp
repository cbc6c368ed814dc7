// The whole simulator: real engines, drivers, executors and stores over the simulated network.
#include <gtest/gtest.h>

#include "tests/sim/scenario.h"

namespace swarmchain::sim {
namespace {

ScenarioOptions options(std::size_t nodes, bool faults) {
  ScenarioOptions o;
  o.nodes = nodes;
  o.heights = 8;
  o.faults.faults = faults;
  return o;
}

TEST(Simulator, OneNodeCommitsAlone) {
  ScenarioResult r = run_scenario(1, options(1, false));
  EXPECT_TRUE(r.ok) << r.failure;
  EXPECT_GE(r.min_height, 8u);
}

TEST(Simulator, FourCalmNodesCommitTheSameChain) {
  ScenarioResult r = run_scenario(1, options(4, false));
  EXPECT_TRUE(r.ok) << r.failure;
  EXPECT_GE(r.min_height, 8u);
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

TEST(Simulator, SevenAndTenNodesSurviveTheirFaults) {
  for (std::size_t n : {7u, 10u})
    for (uint64_t seed = 0; seed < 3; ++seed) {
      ScenarioResult r = run_scenario(seed, options(n, true));
      EXPECT_TRUE(r.ok) << n << " nodes, seed " << seed << ": " << r.failure << "\n" << r.plan;
    }
}

}  // namespace
}  // namespace swarmchain::sim

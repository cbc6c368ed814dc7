// Long seeded random sequences of joins and leaves (design §5.6, last paragraph): after every
// run, every active node is in exactly one swarm, removed nodes are in none, and once MIN nodes
// are active no swarm is smaller than MIN; below MIN everything sits in one swarm.
// A failure prints the seed and step; rerun with that seed to replay it.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "registry/swarm_assigner.h"
#include "tests/registry/swarm_test_keys.h"

namespace swarmchain {
namespace {

// "" when all invariants hold, else a description of the first violation.
std::string check_invariants(const SwarmTable& table, const std::set<PubKey>& active,
                             const SwarmParams& p) {
  std::ostringstream err;
  std::set<PubKey> seen;
  for (const auto& [id, members] : table) {
    if (id > kMaxSwarmId) err << "swarm id " << id << " is out of range; ";
    if (members.empty()) err << "swarm " << id << " is empty; ";
    if (!std::is_sorted(members.begin(), members.end()))
      err << "swarm " << id << " is not sorted; ";
    if (active.size() >= p.min_swarm_size && members.size() < p.min_swarm_size)
      err << "swarm " << id << " has " << members.size() << " nodes with " << active.size()
          << " active; ";
    for (const PubKey& k : members) {
      if (!seen.insert(k).second) err << "a node is in two swarms; ";
      if (!active.contains(k)) err << "a removed node is still in swarm " << id << "; ";
    }
  }
  if (seen.size() != active.size())
    err << (active.size() - seen.size()) << " active nodes are in no swarm; ";
  if (!active.empty() && active.size() < p.min_swarm_size && table.size() != 1)
    err << active.size() << " active nodes are spread over " << table.size() << " swarms; ";
  return err.str();
}

// Random walk of the active set: mostly small joins/leaves, sometimes a mass exit, a mass
// return of earlier leavers (recommission), or a step that both adds and removes. Each step
// also runs assign_swarms_diff (what a block uses) and checks it gives the same table.
void run_random_sequence(uint64_t seed, int steps, std::size_t max_nodes, const SwarmParams& p) {
  std::mt19937_64 rng(seed);
  std::set<PubKey> active;
  std::vector<PubKey> departed;
  SwarmTable table;
  for (int step = 0; step < steps; ++step) {
    std::vector<PubKey> joining, leaving;
    const uint64_t roll = rng() % 100;
    const std::size_t n = active.size();
    if (roll < 2 && n > 10) {  // mass decommission: up to half leave at once
      const std::size_t count = 1 + rng() % (n / 2);
      std::vector<PubKey> pool(active.begin(), active.end());
      std::shuffle(pool.begin(), pool.end(), rng);
      leaving.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(count));
    } else if (roll < 4 && !departed.empty() && n < max_nodes) {  // mass recommission
      const std::size_t count = 1 + rng() % std::min(departed.size(), max_nodes - n);
      joining.assign(departed.end() - static_cast<std::ptrdiff_t>(count), departed.end());
      departed.resize(departed.size() - count);
    } else {
      // Drift up while small, down while near the cap.
      const bool grow = rng() % max_nodes >= n;
      const std::size_t joins = (grow ? 1 + rng() % 8 : rng() % 3);
      const std::size_t leaves = std::min<std::size_t>(n, grow ? rng() % 3 : 1 + rng() % 8);
      for (std::size_t i = 0; i < joins && active.size() + joining.size() < max_nodes; ++i)
        joining.push_back(test::random_fixed<PubKey>(rng));
      std::vector<PubKey> pool(active.begin(), active.end());
      std::shuffle(pool.begin(), pool.end(), rng);
      leaving.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(leaves));
    }
    if (joining.empty() && leaving.empty()) continue;  // the run only follows a change
    for (const PubKey& k : leaving) active.erase(k);
    departed.insert(departed.end(), leaving.begin(), leaving.end());
    active.insert(joining.begin(), joining.end());
    const Hash block_hash = test::random_fixed<Hash>(rng);
    // The block path: the same run on the unchanged table, returning only changed swarms.
    std::vector<std::pair<SwarmId, PubKey>> leaving_with_swarm;
    for (const auto& [id, members] : table)
      for (const PubKey& k : members)
        if (std::find(leaving.begin(), leaving.end(), k) != leaving.end())
          leaving_with_swarm.emplace_back(id, k);
    const SwarmTableDiff diff =
        assign_swarms_diff(table, leaving_with_swarm, joining, block_hash, p);
    SwarmTable via_diff = table;
    for (const auto& [id, members] : diff) {
      auto old = table.find(id);
      ASSERT_TRUE(old == table.end() ? !members.empty() : old->second != members)
          << "the diff lists swarm " << id << " although it did not change";
    }
    apply_swarm_diff(via_diff, diff);

    table = assign_swarms(remove_from_swarms(std::move(table), leaving), joining, block_hash, p);
    ASSERT_EQ(via_diff, table) << "seed " << seed << ", step " << step;
    const std::string err = check_invariants(table, active, p);
    ASSERT_EQ(err, "") << "seed " << seed << ", step " << step << ", " << active.size()
                       << " active (+" << joining.size() << " -" << leaving.size() << ")";
  }
}

TEST(SwarmInvariants, HoldOverTwoThousandRandomStepsUpToSixHundredNodes) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    run_random_sequence(seed, 2000, 600, SwarmParams{});
    if (HasFatalFailure()) return;
  }
}

TEST(SwarmInvariants, HoldWhileTheNetworkHoversAroundTheMinimumSwarmSize) {
  for (uint64_t seed = 100; seed < 110; ++seed) {
    run_random_sequence(seed, 500, 16, SwarmParams{});
    if (HasFatalFailure()) return;
  }
}

TEST(SwarmInvariants, HoldWithOtherSwarmParams) {
  run_random_sequence(7, 1000, 300, SwarmParams{.min_swarm_size = 3, .ideal_swarm_size = 4});
  if (HasFatalFailure()) return;
  run_random_sequence(8, 1000, 300, SwarmParams{.min_swarm_size = 8, .ideal_swarm_size = 12});
}

}  // namespace
}  // namespace swarmchain

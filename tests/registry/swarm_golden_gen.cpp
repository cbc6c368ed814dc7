// Generator of tests/data/swarm_golden.json, our own golden swarm tables (design §5.6).
//
// The file is generated ONCE, reviewed and checked in; the test
// SwarmAssignmentVectors.CheckedInGoldenTablesAreReproducedExactly replays it forever.
// Regenerating is a consensus change: only do it on purpose, and say so in the commit.
//
//   build/bin/swarm_golden_gen                           # prints the JSON to stdout
//   SWARMCHAIN_WRITE_GOLDEN=1 build/bin/swarm_golden_gen # overwrites tests/data/swarm_golden.json
//
// The scenario (keys, block hashes, who joins and leaves) comes from a fixed mt19937_64 seed,
// so the inputs are reproducible too; only the expected tables depend on the assigner.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "tests/registry/swarm_json.h"
#include "tests/registry/swarm_test_keys.h"

namespace swarmchain::test {
namespace {

class Scenario {
 public:
  explicit Scenario(uint64_t seed) : rng_(seed) {}

  // One block: `leave` existing nodes leave, `join` fresh nodes join (plus `rejoin`).
  void step(std::string name, std::size_t join, std::size_t leave,
            std::vector<PubKey> rejoin = {}) {
    std::vector<PubKey> remove = pick_active(leave);
    std::vector<PubKey> add = random_pubkeys(rng_, join);
    add.insert(add.end(), rejoin.begin(), rejoin.end());
    run(std::move(name), std::move(remove), std::move(add));
  }

  // A block in which exactly `remove` leave and `add` join.
  void run(std::string name, std::vector<PubKey> remove, std::vector<PubKey> add) {
    SwarmCase c{std::move(name), table_, std::move(remove), std::move(add),
                random_fixed<Hash>(rng_), {}};
    c.expected = run_case(c);
    table_ = c.expected;
    cases_.push_back(case_to_json(c));
  }

  // Start over from a hand-built table (for cases about particular swarm ids).
  void reset(SwarmTable table) { table_ = std::move(table); }

  std::vector<PubKey> pick_active(std::size_t count) {
    std::vector<PubKey> all;
    for (const auto& kv : table_) all.insert(all.end(), kv.second.begin(), kv.second.end());
    std::shuffle(all.begin(), all.end(), rng_);
    all.resize(std::min(count, all.size()));
    return all;
  }
  std::vector<PubKey> fresh(std::size_t n) { return random_pubkeys(rng_, n); }

  // A table whose swarm i has ids[i] and sizes[i] fresh nodes (uneven tables arise when the
  // nodes that leave in one block are concentrated in a few swarms).
  SwarmTable make_table(const std::vector<SwarmId>& ids, const std::vector<std::size_t>& sizes) {
    SwarmTable t;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto keys = fresh(sizes[i]);
      std::sort(keys.begin(), keys.end());
      t[ids[i]] = keys;
    }
    return t;
  }
  const SwarmTable& table() const { return table_; }
  const nlohmann::ordered_json& cases() const { return cases_; }

 private:
  std::mt19937_64 rng_;
  SwarmTable table_;
  nlohmann::ordered_json cases_ = nlohmann::ordered_json::array();
};

// The first `count` members of each listed swarm.
std::vector<PubKey> first_members(const SwarmTable& t,
                                  const std::vector<std::pair<SwarmId, std::size_t>>& counts) {
  std::vector<PubKey> out;
  for (const auto& [id, count] : counts)
    out.insert(out.end(), t.at(id).begin(), t.at(id).begin() + static_cast<std::ptrdiff_t>(count));
  return out;
}

std::size_t node_count(const SwarmTable& t) {
  std::size_t n = 0;
  for (const auto& kv : t) n += kv.second.size();
  return n;
}

nlohmann::ordered_json generate() {
  Scenario s(0x5357524d474f4c44ULL);  // "SWRMGOLD"
  // Growth 0 -> 200, one block at a time, through the first splits.
  const std::size_t growth[] = {1, 4, 5, 6, 13, 14, 15, 21, 30, 45, 64, 90, 120, 150, 175, 200};
  for (std::size_t target : growth) {
    const std::size_t have = node_count(s.table());
    s.step("growth " + std::to_string(have) + " -> " + std::to_string(target), target - have, 0);
  }
  s.step("one node leaves a 200-node network", 0, 1);
  s.step("churn: 6 leave and 6 join in one block (199 nodes)", 6, 6);
  const std::vector<PubKey> decommissioned = s.pick_active(80);
  s.run("mass decommission: 80 of 199 leave at once", decommissioned, {});
  s.run("mass recommission: the 80 come back", {}, decommissioned);
  s.step("mass exit: 170 of 199 leave at once", 0, 170);
  s.step("dissolution: 12 of 29 leave", 0, 12);
  s.step("dissolution: 13 of 17 leave, below MIN", 0, 13);
  s.step("one of 4 nodes leaves", 0, 1);
  s.step("the last 3 nodes leave", 0, 3);
  s.step("restart from nothing: 9 nodes join", 9, 0);

  // Three swarms of 5, one node of each leaves: dissolution of the lowest small id.
  const SwarmTable three = s.make_table({7, SwarmId{1} << 62, kMaxSwarmId}, {5, 5, 5});
  s.reset(three);
  s.run("three swarms of 5 at the ring's ends, one node of each leaves",
        {three.at(7)[0], three.at(SwarmId{1} << 62)[1], three.at(kMaxSwarmId)[2]}, {});

  // Two neighbouring swarms halfway round the ring: the new swarm takes the wrap gap and its
  // id passes MAX_ID, wrapping to the start of the ring.
  s.reset(s.make_table({SwarmId{1} << 63, (SwarmId{1} << 63) + 5}, {9, 9}));
  s.step("two adjacent swarms mid-ring, 6 join: the new id wraps past MAX_ID", 6, 0);

  // Uneven tables: the nodes that leave are concentrated in one or two swarms; fill steals
  // only from swarms above the 75th-percentile size minus one.
  const SwarmId q = SwarmId{1} << 60;
  s.reset(s.make_table({0, q, 2 * q, 3 * q, 4 * q, 5 * q, 6 * q, 7 * q, 8 * q},
                       {5, 6, 7, 8, 9, 10, 11, 12, 12}));
  s.run("uneven: a swarm drops to 2 among swarms of 6 to 12, one node joins",
        first_members(s.table(), {{0, 3}}), s.fresh(1));
  s.reset(s.make_table({0, q, 2 * q, 3 * q, 4 * q, 5 * q, 6 * q, 7 * q},
                       {5, 5, 6, 6, 7, 9, 13, 14}));
  s.run("uneven: swarms drop to 1 and 3 and fill from the largest swarms",
        first_members(s.table(), {{0, 4}, {q, 2}}), {});
  s.reset(s.make_table({0, q, 2 * q, 3 * q, 4 * q}, {5, 5, 6, 6, 7}));
  s.run("uneven: excess fills a swarm of 1, runs out for a swarm of 2, which dissolves",
        first_members(s.table(), {{0, 4}, {q, 3}}), {});

  // Split waits while a swarm is below MIN: a swarm of 3 beside one of 20, one node joins.
  s.reset(s.make_table({5 * q, 9 * q}, {5, 20}));
  s.run("a swarm of 3 beside a swarm of 20, one joins: no split before fill, then split",
        first_members(s.table(), {{5 * q, 2}}), s.fresh(1));

  return {{"about",
           "swarmchain golden swarm tables (design.md 5.6), same format as "
           "../shared/vectors/swarm_assignment.json. Generated once by "
           "tests/registry/swarm_golden_gen.cpp (SWARMCHAIN_WRITE_GOLDEN=1); see docs/swarms.md."},
          {"cases", s.cases()}};
}

}  // namespace
}  // namespace swarmchain::test

int main() {
  const std::string text = swarmchain::test::generate().dump(1) + "\n";
  const char* write = std::getenv("SWARMCHAIN_WRITE_GOLDEN");
  if (write == nullptr || std::string_view(write) != "1") {
    std::cout << text;
    return 0;
  }
  const std::string path = SWARMCHAIN_TEST_DATA_DIR "/swarm_golden.json";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    std::cerr << "cannot write " << path << "\n";
    return 1;
  }
  std::cerr << "wrote " << path << "\n";
  return 0;
}

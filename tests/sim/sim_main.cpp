// sim: the deterministic simulator's command line (docs/simulator.md).
//   sim --seed S [--nodes N] [--verbose]       one run; prints its trace hash (replays exactly)
//   sim --seeds K [--first-seed F] [--nodes N] K runs; a failure prints its seed and plan
//   sim --latency                              4 nodes, 5 ms one-way, no faults: commit latency
// --nodes 0 cycles through 1, 4, 7 and 10 nodes by seed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <numeric>

#include <CLI/CLI.hpp>

#include "common/crypto.h"
#include "tests/sim/scenario.h"

namespace {

using swarmchain::sim::ScenarioOptions;
using swarmchain::sim::ScenarioResult;

std::size_t nodes_for(std::size_t nodes, uint64_t seed) {
  static constexpr std::size_t kCycle[] = {1, 4, 7, 10};
  return nodes != 0 ? nodes : kCycle[seed % 4];
}

int run_latency(ScenarioOptions opt) {
  opt.nodes = 4;
  opt.faults.faults = false;
  opt.faults.calm_delay_ms = 5;
  opt.latency = true;
  const auto start = std::chrono::steady_clock::now();
  ScenarioResult r = swarmchain::sim::run_scenario(1, opt);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.ok || r.commit_latency_ms.empty()) {
    std::cout << "latency run failed: " << r.failure << "\n";
    return 1;
  }
  const auto& l = r.commit_latency_ms;
  const double mean = std::accumulate(l.begin(), l.end(), 0.0) / static_cast<double>(l.size());
  const uint64_t worst = *std::max_element(l.begin(), l.end());
  std::cout << "latency: 4 nodes, 5 ms one-way delay, no faults, " << l.size() << " heights\n"
            << "  commit latency (first proposal sent -> every node committed): mean " << mean
            << " ms = " << mean / 5.0 << " message delays, max " << worst << " ms = "
            << static_cast<double>(worst) / 5.0 << " message delays\n"
            << "  simulated heights per second (wall): "
            << static_cast<double>(r.min_height) / wall_s << " (" << r.min_height << " heights in "
            << wall_s << " s, " << r.steps << " events)\n";
  return worst <= 4 * 5 + 5 ? 0 : 1;  // <= 4 message delays plus processing
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmchain deterministic simulator"};
  uint64_t seed = 0, first_seed = 0, seeds = 0;
  std::size_t nodes = 4;
  ScenarioOptions opt;
  bool latency = false, no_faults = false;
  auto* seed_opt = app.add_option("--seed", seed, "run this one seed (replay)");
  app.add_option("--seeds", seeds, "run this many seeds");
  app.add_option("--first-seed", first_seed, "the first seed of --seeds");
  app.add_option("--nodes", nodes, "nodes: 1, 4, 7, 10 (0: cycle through them by seed)");
  app.add_option("--heights", opt.heights, "heights every honest node must reach");
  app.add_flag("--verbose", opt.verbose, "print every event");
  app.add_flag("--latency", latency, "commit latency of 4 nodes, 5 ms delay, no faults");
  app.add_flag("--no-faults", no_faults, "a calm network and honest nodes only");
  app.add_option("--fault-ms", opt.faults.fault_phase_ms, "length of the fault phase (simulated)");
  bool no_byzantine = false, no_crash = false, no_double_voter = false;
  app.add_flag("--no-crash", no_crash, "no crash and restart");
  app.add_flag("--no-double-voter", no_double_voter, "no double voter among the byzantine roles");
  app.add_flag("--no-byzantine", no_byzantine, "faults, but every node honest");
  CLI11_PARSE(app, argc, argv);
  if (!swarmchain::crypto_init()) return 2;
  opt.faults.faults = !no_faults;
  opt.faults.byzantine = !no_byzantine;
  opt.faults.crashes = !no_crash;
  opt.faults.double_voters = !no_double_voter;
  if (latency) return run_latency(opt);

  if (*seed_opt) {
    opt.nodes = nodes_for(nodes, seed);
    ScenarioResult r = swarmchain::sim::run_scenario(seed, opt);
    std::cout << "seed " << seed << ", " << opt.nodes << " nodes:\n" << r.plan;
    std::cout << (r.ok ? "ok" : "FAIL: " + r.failure) << "\n"
              << "trace " << swarmchain::sim::hex_of(r.trace) << ", " << r.steps << " events, "
              << r.sim_ms << " ms simulated, min height " << r.min_height << ", double votes "
              << r.double_votes << ", equivocations " << r.equivocations << ", deregistered "
              << r.deregistered << "\n";
    return r.ok ? 0 : 1;
  }
  if (seeds == 0) seeds = 100;
  uint64_t passed = 0, failed = 0;
  for (uint64_t s = first_seed; s < first_seed + seeds; ++s) {
    opt.nodes = nodes_for(nodes, s);
    ScenarioResult r = swarmchain::sim::run_scenario(s, opt);
    if (r.ok) {
      ++passed;
      continue;
    }
    ++failed;
    std::cout << "FAIL seed " << s << " (" << opt.nodes << " nodes): " << r.failure << "\n"
              << r.plan << "replay: sim --seed " << s << " --nodes " << opt.nodes
              << " --heights " << opt.heights << " --fault-ms " << opt.faults.fault_phase_ms << (no_faults ? " --no-faults" : "")
              << (no_byzantine ? " --no-byzantine" : "") << (no_crash ? " --no-crash" : "")
              << (no_double_voter ? " --no-double-voter" : "") << "\n";
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

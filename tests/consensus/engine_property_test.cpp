// Random schedules over whole committees (test_net.h): messages delivered in a random order,
// some delivered twice, timers fired at random moments (stale ones included), own messages
// sent again now and then. Over many seeds, for heights 1..3:
//   - agreement: all honest nodes that decide a height decide the same value, and every
//     certificate verifies against the committee;
//   - honest nodes never equivocate (all evidence names a byzantine node) and their messages
//     are never dropped as forged, foreign or from a non-proposer;
//   - liveness where the engine alone owes it: without byzantine nodes, every node decides
//     height 1 (later heights may need the driver's catch-up for a node that fell behind).
// A byzantine node signs, per recipient, its honest message or a conflicting one.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "tests/consensus/test_net.h"

namespace swarmchain::consensus {
namespace {

using test::TestNet;

struct Scenario {
  std::size_t n;
  std::size_t byzantine;  // the last `byzantine` nodes
  uint64_t seeds;
};

struct RunResult {
  bool all_honest_decided_h1 = false;
  std::size_t heights_decided = 0;  // heights decided by at least one honest node
};

constexpr uint64_t kLastHeight = 3;

enum class Schedule {
  kUniform,  // any message in flight or any pending timer, uniformly; some messages twice
  kVirtual,  // virtual time: latencies mostly short, one in five beyond every timeout
};

void set_up(TestNet& net, const Scenario& sc, std::mt19937_64& rng) {
  net.rng = &rng;
  net.last_height = kLastHeight;
  for (std::size_t b = 0; b < sc.byzantine; ++b) net.byzantine[sc.n - 1 - b] = true;
}

bool all_honest_done(TestNet& net) {
  for (std::size_t i = 0; i < net.size(); ++i)
    if (!net.byzantine[i] && !net.decisions(i).count(kLastHeight)) return false;
  return true;
}

void run_uniform(TestNet& net, std::mt19937_64& rng) {
  constexpr int kEvents = 4000;
  for (int e = 0; e < kEvents && !all_honest_done(net); ++e) {
    const uint64_t x = rng() % 100;
    if (x < 93 && !net.pool().empty()) {
      const std::size_t k = rng() % net.pool().size();
      net.deliver(k, /*keep=*/rng() % 8 == 0);  // a duplicate later
    } else if (x < 98) {
      const std::size_t i = rng() % net.size();
      if (!net.timers(i).empty()) net.fire_timer(i, rng() % net.timers(i).size());
    } else {
      net.rebroadcast(rng() % net.size());
    }
  }
}

void run_virtual(TestNet& net, std::mt19937_64& rng) {
  net.latency = [&rng] { return rng() % 5 == 0 ? rng() % 4000 : rng() % 60; };
  constexpr uint64_t kUntilMs = 120'000;
  while (!all_honest_done(net) && net.next_event(kUntilMs, /*rebroadcast_ms=*/1000)) {
  }
}

RunResult run_one(const Scenario& sc, uint64_t seed, Schedule schedule) {
  std::mt19937_64 rng(seed);
  TestNet net(sc.n);
  set_up(net, sc, rng);
  auto honest = [&](std::size_t i) { return !net.byzantine[i]; };
  net.start(Height(1));
  if (schedule == Schedule::kUniform)
    run_uniform(net, rng);
  else
    run_virtual(net, rng);

  SCOPED_TRACE("n=" + std::to_string(sc.n) + " byzantine=" + std::to_string(sc.byzantine) +
               " seed=" + std::to_string(seed));
  RunResult res;
  for (uint64_t h = 1; h <= kLastHeight; ++h) {
    std::optional<Decision> first;
    for (std::size_t i = 0; i < sc.n; ++i) {
      if (!honest(i)) continue;
      auto it = net.decisions(i).find(h);
      if (it == net.decisions(i).end()) continue;
      const Decision& d = it->second;
      EXPECT_EQ(d.height, Height(h));
      EXPECT_TRUE(verify_certificate(d.certificate, test::chain_id(), Height(h), d.value_hash,
                                     net.committee()))
          << "node " << i << " height " << h;
      if (!first) {
        first = d;
        continue;
      }
      EXPECT_EQ(d.value_hash, first->value_hash) << "disagreement at height " << h;
      EXPECT_EQ(d.value, first->value);
    }
    res.heights_decided += first.has_value();
  }
  res.all_honest_decided_h1 = true;
  for (std::size_t i = 0; i < sc.n; ++i)
    if (honest(i) && !net.decisions(i).count(1)) res.all_honest_decided_h1 = false;

  std::set<PubKey> byzantine_keys;
  for (std::size_t i = 0; i < sc.n; ++i)
    if (!honest(i)) byzantine_keys.insert(net.committee()[i]);
  for (const auto& ev : net.evidence()) {
    EXPECT_TRUE(byzantine_keys.contains(ev.first.validator)) << "an honest node equivocated";
    EXPECT_TRUE(votes_conflict(ev.first, ev.second));
  }
  for (const auto& d : net.dropped()) {
    if (byzantine_keys.contains(d.sender)) continue;
    EXPECT_TRUE(d.reason == DropReason::kDuplicate || d.reason == DropReason::kStaleHeight ||
                d.reason == DropReason::kFutureHeight || d.reason == DropReason::kBufferFull ||
                d.reason == DropReason::kRoundTooFar)
        << "honest message dropped: " << drop_reason_name(d.reason) << " " << d.detail;
  }
  return res;
}

class EngineRandomSchedules : public ::testing::TestWithParam<Schedule> {};

TEST_P(EngineRandomSchedules, HonestCommitteesAgreeAndAllDecideTheFirstHeight) {
  for (const Scenario sc : {Scenario{1, 0, 20}, Scenario{3, 0, 60}, Scenario{4, 0, 120}}) {
    std::size_t complete = 0;
    for (uint64_t seed = 1; seed <= sc.seeds; ++seed) {
      const RunResult r = run_one(sc, seed * 7919 + sc.n, GetParam());
      EXPECT_TRUE(r.all_honest_decided_h1) << "n=" << sc.n << " seed " << seed;
      complete += r.heights_decided == 3;
    }
    // Not vacuous: most runs get through all three heights.
    EXPECT_GE(complete * 10, sc.seeds * 9) << "n=" << sc.n;
  }
}

TEST_P(EngineRandomSchedules, CommitteesWithFByzantineEquivocatorsNeverDisagree) {
  for (const Scenario sc : {Scenario{4, 1, 60}, Scenario{7, 2, 16}}) {
    std::size_t decided = 0;
    for (uint64_t seed = 1; seed <= sc.seeds; ++seed)
      decided += run_one(sc, seed * 104729 + sc.n, GetParam()).heights_decided > 0;
    EXPECT_GE(decided * 2, sc.seeds) << "n=" << sc.n << ": too few runs decided anything";
  }
}

INSTANTIATE_TEST_SUITE_P(Schedules, EngineRandomSchedules,
                         ::testing::Values(Schedule::kUniform, Schedule::kVirtual),
                         [](const ::testing::TestParamInfo<Schedule>& p) {
                           return p.param == Schedule::kUniform ? "Uniform" : "VirtualTime";
                         });

}  // namespace
}  // namespace swarmchain::consensus

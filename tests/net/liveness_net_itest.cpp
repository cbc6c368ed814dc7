// Liveness (design §5.4) on a real 5-node net (`swarmchaind testnet --nodes 5`, the dev
// preset: 500 ms blocks, a proof every 20 s, stale after 60 s), on loopback: a killed node's
// countdown to decommission shrinks in get_service_node_status on a live node, the
// reachability quorum finds its p2p port dead and it is decommissioned by their state_change
// well before its proof age would fail (the RPC, the node's log and `swarmchaind status` say
// so, and why), and once restarted it proves and is recommissioned with a swarm. About 1.5 to 2
// minutes of real time; every wait has a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/net/local_net.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kNoSwarm = UINT64_MAX;

std::optional<json> status_of(const LocalNet& net, std::size_t asked, const std::string& pk) {
  auto r = net.rpc(asked).call("get_service_node_status", json{{"pubkey", pk}});
  if (!r) return std::nullopt;
  return *r;
}

std::string state_of(const std::optional<json>& st) {
  return st ? (*st)["liveness"].value("state", std::string("?")) : std::string("unreachable");
}

TEST(LivenessNetTest, AKilledNodeCountsDownIsDecommissionedThenRecommissionedWhenRestarted) {
  const auto started = Clock::now();
  LocalNet net(5, "net-liveness");
  net.start_all();
  const std::size_t victim = 4;
  const std::string pk = net.pubkey(victim);
  ASSERT_EQ(pk.size(), 64u);
  // Every node up and the victim's first proof included (it proves at start).
  ASSERT_TRUE(wait_until(
      [&] {
        auto st = status_of(net, 0, pk);
        return st && (*st)["liveness"]["last_proof_age_s"].is_number() && net.height(0) >= 3;
      },
      60s))
      << net.log(0);
  auto before = status_of(net, 0, pk);
  ASSERT_TRUE(before);
  EXPECT_EQ(state_of(before), "active");
  EXPECT_NE((*before)["swarm_id"].get<uint64_t>(), kNoSwarm);

  net.kill(victim);
  const auto killed = Clock::now();
  // A proof it sent just before it died may still land: sample from a few blocks later.
  uint64_t last_h = net.height(0);
  ASSERT_TRUE(net.wait_height(0, last_h + 3, 20s)) << net.log(0);

  // While it is still active, the countdown on node 0 shrinks and the explanation says so.
  std::vector<uint64_t> countdown;
  std::string explanation;
  bool decommissioned = false;
  std::optional<json> st;
  while (Clock::now() - killed < 100s) {
    st = status_of(net, 0, pk);
    if (st && state_of(st) == "active") {
      const json& l = (*st)["liveness"];
      if (l["down_before_decommission_s"].is_number()) {
        countdown.push_back(l["down_before_decommission_s"].get<uint64_t>());
        explanation = l["explanation"].get<std::string>();
      }
    } else if (st && state_of(st) == "decommissioned") {
      decommissioned = true;
      break;
    }
    // The next sample two blocks later (the status moves with the tip).
    last_h = net.height(0);
    ASSERT_TRUE(net.wait_height(0, last_h + 2, 20s)) << "the chain stopped:\n" << net.log(0);
  }
  ASSERT_TRUE(decommissioned) << "still " << state_of(st) << " "
                              << (st ? st->dump() : std::string()) << "\n"
                              << net.log(0);
  const auto took = Clock::now() - killed;
  std::cout << "decommissioned " << std::chrono::duration_cast<std::chrono::seconds>(took).count()
            << " s after the kill; countdown samples:";
  for (uint64_t c : countdown) std::cout << " " << c;
  std::cout << "\n";
  // Proof age alone would take 40 to 60 s (lifetime 60 s, a proof every 20 s); the quorum
  // probes every block, and retests a node that answered after 10 s.
  EXPECT_LT(took, 35s);
  ASSERT_GE(countdown.size(), 3u);
  EXPECT_GT(countdown.front(), countdown.back());
  for (std::size_t i = 1; i < countdown.size(); ++i)
    EXPECT_LE(countdown[i], countdown[i - 1]) << "sample " << i;
  EXPECT_NE(explanation.find("Without a new proof it is decommissioned in about"),
            std::string::npos)
      << explanation;

  // Decommissioned: the RPC says why and where it stands, the log says when, and
  // `swarmchaind status` run for the dead node's datadir against a live node prints it.
  const json& l = (*st)["liveness"];
  EXPECT_EQ((*st)["swarm_id"].get<uint64_t>(), kNoSwarm) << st->dump();
  EXPECT_NE(l["explanation"].get<std::string>().find("decommissioned at height"), std::string::npos)
      << l.dump();
  EXPECT_TRUE(l["down_before_deregistration_s"].is_number()) << l.dump();
  EXPECT_TRUE(l["down_before_decommission_s"].is_null()) << l.dump();
  ASSERT_TRUE(l["last_change"].is_object()) << l.dump();
  EXPECT_EQ(l["last_change"]["event"], "decommissioned") << l.dump();
  EXPECT_NE(l["last_change"]["reason"].get<std::string>().find("p2p port unreachable"),
            std::string::npos)
      << l.dump();
  EXPECT_TRUE(wait_until(
      [&] {
        const std::string log = net.log(1);
        const auto at = log.find("service node " + pk + " decommissioned at height");
        return at != std::string::npos &&
               log.find("quorum votes", at) != std::string::npos;
      },
      10s))
      << net.log(1);
  RunResult status = run({bin_path("swarmchaind"), "status", "--node", net.rpc_url(1), "--datadir",
                          (net.dir() / "net" / ("node" + std::to_string(victim))).string()});
  EXPECT_EQ(status.exit_code, 0) << status.out;
  EXPECT_NE(status.out.find("decommissioned"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(pk), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("p2p port unreachable"), std::string::npos) << status.out;
  std::cout << "swarmchaind status:\n" << status.out;

  // The chain went on meanwhile.
  const uint64_t h = net.height(0);
  EXPECT_TRUE(net.wait_height(0, h + 3, 20s));

  // Restarted: it proves (at start, or at its next proof if its own stale tip refused that one),
  // is recommissioned and gets a swarm again.
  net.start(victim);
  std::optional<json> back;
  ASSERT_TRUE(wait_until(
      [&] {
        back = status_of(net, 0, pk);
        return back && state_of(back) == "active";
      },
      60s))
      << state_of(back) << "\n"
      << net.log(victim);
  EXPECT_NE((*back)["swarm_id"].get<uint64_t>(), kNoSwarm) << back->dump();
  EXPECT_TRUE(wait_until(
      [&] {
        return net.log(0).find("service node " + pk + " recommissioned at height") !=
               std::string::npos;
      },
      10s));
  // Its own node says the same about itself (no --datadir: the node's own key).
  ASSERT_TRUE(net.wait_height(victim, (*back)["height"].get<uint64_t>(), 30s)) << net.log(victim);
  RunResult own = run({bin_path("swarmchaind"), "status", "--node", net.rpc_url(victim)});
  EXPECT_EQ(own.exit_code, 0) << own.out;
  EXPECT_NE(own.out.find("active"), std::string::npos) << own.out;
  std::cout << "whole test: "
            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count()
            << " s\n";
  EXPECT_LT(Clock::now() - started, 240s);
}

}  // namespace
}  // namespace swarmchain::test

// Crash loops (issue 11, label `soak`): a dev node, and a 4-node net, under a load of transfers
// sent over RPC, are kill -9'd at random instants (seeded: the seed is printed; rerun with
// SWARMCHAIN_SEED). After every kill, before the restart, `swarmchaind replay` must open the
// killed node's store and replay it from the genesis to the same tip and roots, with no
// evidence tx (nobody double-signed). After the restart:
//   - the store opened (the node serves RPC and commits past where it was),
//   - the block at the height last reported before the kill is still the same (so is every
//     block below it: they are hash-chained), and every tx the RPC reported committed since the
//     last check (plus a random sample of older ones) is still committed at the same height,
//   - the sign state was honoured: if the node commits the height where it had precommitted a
//     block, in that round, it is that block (precommit_honoured).
// Bounds: SWARMCHAIN_CRASH_KILLS kills (default 50) or SWARMCHAIN_SOAK_SECONDS of killing
// (CI: 20), whichever comes first; every wait has a deadline. scripts/crashloop.sh runs it long.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "tests/net/crash_support.h"
#include "tests/net/local_net.h"
#include "wallet/keystore.h"

namespace swarmchain::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kSample = 20;  // older committed txs checked again after each restart

struct Before {  // what the RPC reported just before a kill
  uint64_t height = 0;
  std::string hash;
};

Before observe(const rpc::RpcClient& node, CommitLedger& ledger, TxLoad& load) {
  ledger.add_accepted(load.take_accepted());
  ledger.confirm(node);
  Before b;
  b.height = rpc_height(node);
  if (auto h = rpc_hash_at(node, b.height)) b.hash = *h;
  return b;
}

// After a restart: the node is past where it was, the block there is the same, the committed
// txs are there, and the sign state was honoured.
// How many restarts committed the very height and round their node had precommitted in (where
// precommit_honoured compares blocks rather than passing trivially).
int g_precommits_compared = 0;

void check_restarted(const rpc::RpcClient& node, const Before& before, const ReplayReport& rep,
                     CommitLedger& ledger, std::mt19937_64& rng, const std::string& what) {
  const uint64_t need = std::max({before.height, rep.signed_height, ledger.max_height()}) + 1;
  ASSERT_TRUE(wait_until([&] { return rpc_height(node) >= need; }, 60s))
      << what << ": did not reach height " << need << " after the restart";
  EXPECT_EQ(rpc_hash_at(node, before.height), before.hash)
      << what << ": the block at height " << before.height << " changed";
  EXPECT_TRUE(ledger.still_committed(node, rng, kSample)) << what;
  const ::testing::AssertionResult honoured = precommit_honoured(node, rep);
  EXPECT_TRUE(honoured) << what << "\n" << rep.out;
  if (honoured && std::string(honoured.message()).find("was committed") != std::string::npos)
    ++g_precommits_compared;
}

TEST(CrashLoop, ADevNodeKilledAtRandomUnderLoadLosesNothingCommitted) {
  g_precommits_compared = 0;
  const SoakBudget budget = soak_budget();
  const uint64_t seed = test_seed("CrashLoop.DevNode");
  std::mt19937_64 rng(seed);
  const fs::path dir = make_temp_dir("crash-dev");
  const fs::path datadir = dir / "data";
  const uint16_t port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> argv{bin_path("swarmchaind"), "--dev", "--datadir",
                                      datadir.string(), "--rpc-bind",
                                      "127.0.0.1:" + std::to_string(port)};
  int starts = 0;
  auto log_of = [&](int n) { return dir / ("node-" + std::to_string(n) + ".log"); };
  auto proc = std::make_unique<Process>(argv, log_of(++starts));
  const auto node = rpc_client(url);
  ASSERT_TRUE(wait_until([&] { return rpc_height(node) >= 2; }, 60s)) << read_text(log_of(1));
  auto key = Keystore::open(datadir / "dev-wallet.json", "dev");
  ASSERT_TRUE(key) << key.error().message();
  std::atomic<bool> up{true};
  TxLoad load(*key, [&]() -> std::optional<std::string> {
    if (!up) return std::nullopt;
    return url;
  });
  load.start();
  CommitLedger ledger;
  int kills = 0;
  const auto deadline = Clock::now() + budget.time;
  while (kills < budget.kills && Clock::now() < deadline && !::testing::Test::HasFailure()) {
    // The kill instant is the random variable of this test, not a synchronisation.
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 1400));
    const Before before = observe(node, ledger, load);
    proc->signal(SIGKILL);
    proc->wait(10s);
    up = false;
    ++kills;
    const ReplayReport rep = replay_store(datadir);
    ASSERT_EQ(rep.exit_code, 0) << "kill " << kills << ": the store does not replay:\n" << rep.out;
    EXPECT_EQ(rep.evidence, 0u) << rep.out;
    EXPECT_GE(rep.blocks, before.height) << rep.out;
    proc = std::make_unique<Process>(argv, log_of(++starts));
    up = true;
    check_restarted(node, before, rep, ledger, rng, "kill " + std::to_string(kills));
    if (::testing::Test::HasFailure()) std::cout << read_text(log_of(starts));
  }
  load.stop();
  ledger.add_accepted(load.take_accepted());
  ledger.confirm(node);
  std::cout << "dev node: " << kills << " kill -9s (" << g_precommits_compared
            << " restarts committed the height and round of their last precommit, with its block), "
            << ledger.committed()
            << " txs reported committed and still committed, height " << rpc_height(node)
            << ", " << load.accepted_total() << " txs accepted\n";
  EXPECT_GE(kills, 3);
  EXPECT_GT(ledger.committed(), 0u);
  proc.reset();
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

// Every 5th kill takes the whole net down at once (the case where every validator resumes a
// height it has signed in); the others kill one node at random while three go on.
TEST(CrashLoop, AFourNodeNetKilledAtRandomUnderLoadStaysOneChainAndLosesNothing) {
  g_precommits_compared = 0;
  const SoakBudget budget = soak_budget();
  const uint64_t seed = test_seed("CrashLoop.FourNodes");
  std::mt19937_64 rng(seed);
  LocalNet net(4, "crash-net");
  net.start_all();
  for (std::size_t i = 0; i < 4; ++i) ASSERT_TRUE(net.wait_height(i, 2, 60s)) << net.log(i);
  auto key = Keystore::open(net.wallet_path(), "dev");
  ASSERT_TRUE(key) << key.error().message();
  std::atomic<unsigned> down{0};  // bit i: node i is down
  TxLoad load(*key, [&]() -> std::optional<std::string> {
    for (std::size_t i = 0; i < 4; ++i)
      if (!(down.load() & (1u << i))) return net.rpc_url(i);
    return std::nullopt;
  });
  load.start();
  CommitLedger ledger;
  const fs::path genesis = net.dir() / "net" / "genesis.json";
  int kills = 0, whole = 0;
  const auto deadline = Clock::now() + budget.time;
  while (kills < budget.kills && Clock::now() < deadline && !::testing::Test::HasFailure()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 1800));
    const bool all = kills % 5 == 4;
    std::vector<std::size_t> victims;
    if (all) victims = {0, 1, 2, 3};
    else victims = {std::size_t(rng() % 4)};
    const std::size_t watcher = all ? 0 : (victims[0] + 1) % 4;  // a node that stays up
    const Before before = observe(net.rpc(watcher), ledger, load);
    for (std::size_t v : victims) {
      down |= 1u << v;
      net.kill(v);
    }
    ++kills;
    whole += all;
    std::vector<ReplayReport> reps;
    for (std::size_t v : victims) {
      reps.push_back(replay_store(net.dir() / "net" / ("node" + std::to_string(v)), genesis));
      ASSERT_EQ(reps.back().exit_code, 0)
          << "kill " << kills << ": node " << v << "'s store does not replay:\n" << reps.back().out;
      EXPECT_EQ(reps.back().evidence, 0u) << "someone double-signed:\n" << reps.back().out;
    }
    for (std::size_t v : victims) {
      net.start(v);
      down &= ~(1u << v);
    }
    for (std::size_t k = 0; k < victims.size(); ++k)
      check_restarted(net.rpc(victims[k]), before, reps[k], ledger, rng,
                      "kill " + std::to_string(kills) + " node " + std::to_string(victims[k]));
    // One chain: the nodes agree at the lowest of their tips (hence below it too).
    uint64_t common = UINT64_MAX;
    for (std::size_t i = 0; i < 4; ++i) common = std::min(common, net.height(i));
    for (std::size_t i = 1; i < 4; ++i)
      EXPECT_EQ(net.hash_at(i, common), net.hash_at(0, common)) << "fork at height " << common;
    if (::testing::Test::HasFailure())
      for (std::size_t v : victims) std::cout << net.log(v);
  }
  load.stop();
  ledger.add_accepted(load.take_accepted());
  ledger.confirm(net.rpc(0));
  std::cout << "4-node net: " << kills << " kill -9s (" << whole << " of the whole net; "
            << g_precommits_compared
            << " restarted nodes saw the height and round of their last precommit committed, with "
               "its block), "
            << ledger.committed() << " txs reported committed and still committed, height "
            << net.height(0) << ", " << load.accepted_total() << " txs accepted\n";
  EXPECT_GE(kills, 3);
  EXPECT_GT(ledger.committed(), 0u);
}

}  // namespace
}  // namespace swarmchain::test

// The first `swarmchaind --dev` start is atomic enough (issue 8: a kill -9 0.14-0.16 s into it
// left a datadir refused forever with a misleading message): the real binary is SIGKILLed at
// random instants spread over its first start (keys, keystore, genesis, chain store), and the
// next start must come up and serve RPC from that datadir.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using namespace std::chrono_literals;

constexpr int kKills = 10;
constexpr int kMaxKillDelayMs = 900;  // the first start takes ~0.3-0.9 s on a loaded machine

TEST(DevFirstStart, AKillAtAnyInstantLeavesADatadirTheNextStartUses) {
  const auto root = make_temp_dir("dev-first-start-kill");
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(0, kMaxKillDelayMs);
  for (int i = 0; i < kKills; ++i) {
    const auto dir = root / ("run-" + std::to_string(i));
    std::filesystem::create_directories(dir);
    const uint16_t port = free_port();
    const std::vector<std::string> argv{bin_path("swarmchaind"), "--dev", "--datadir",
                                        (dir / "data").string(), "--rpc-bind",
                                        "127.0.0.1:" + std::to_string(port), "--log-level",
                                        "info"};
    const int delay = delay_ms(rng);
    {
      Process first(argv, dir / "first.log");
      // Not a synchronisation: the kill instant is the random variable of this test.
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      first.signal(SIGKILL);
      first.wait(10s);
    }
    Process second(argv, dir / "second.log");
    rpc::RpcClient client("http://127.0.0.1:" + std::to_string(port));
    const bool up = wait_until(
        [&] { return client.call("get_info").has_value() || !second.running(); }, 60s);
    EXPECT_TRUE(up && second.running())
        << "killed " << delay << " ms into the first start, the next start failed; log:\n"
        << read_text(dir / "second.log");
    second.signal(SIGKILL);
    second.wait(10s);
    if (::testing::Test::HasFailure()) break;
  }
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace swarmchain::test

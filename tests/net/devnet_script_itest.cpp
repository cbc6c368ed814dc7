// scripts/devnet.sh as a user runs it: start a 4-node net, status, restart of a killed node,
// nodes.json, clean stop. Loopback ports from a free range; bounded in time.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/net/local_net.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

RunResult devnet(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/env", "SWARMCHAIND=" + bin_path("swarmchaind"), "bash",
                                std::string(SWARMCHAIN_SOURCE_DIR) + "/scripts/devnet.sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, std::chrono::seconds(120));
}

TEST(DevnetScriptTest, StartStatusRestartAndStopA4NodeNet) {
  const auto dir = make_temp_dir("devnet") / "net";
  const uint16_t base = free_port_range(8);
  ASSERT_NE(base, 0);
  const std::vector<std::string> where = {"--dir", dir.string(), "--rpc-base-port",
                                          std::to_string(base), "--p2p-base-port",
                                          std::to_string(base + 4)};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), where.begin(), where.end());
    return a;
  };
  RunResult started = devnet(with({"start", "4"}));
  ASSERT_EQ(started.exit_code, 0) << started.out;
  EXPECT_NE(started.out.find("dev-wallet.json"), std::string::npos) << started.out;

  json nodes = json::parse(read_text(dir / "nodes.json"));
  ASSERT_EQ(nodes.size(), 4u);
  for (const auto& n : nodes) {
    EXPECT_TRUE(n["pid"].is_number()) << n.dump();
    EXPECT_EQ(n["pubkey"].get<std::string>().size(), 64u);
  }
  rpc::RpcClient node3(nodes[3]["rpc"].get<std::string>());
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = node3.call("get_info");
        return r && (*r)["height"].get<uint64_t>() >= 3 && (*r)["peers"] == 3;
      },
      60s));

  // A killed node is restarted by `start`, with the others left running.
  const int pid2 = nodes[2]["pid"].get<int>();
  ASSERT_EQ(::kill(pid2, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return ::kill(pid2, 0) != 0; }, 10s));
  RunResult restarted = devnet(with({"start"}));
  ASSERT_EQ(restarted.exit_code, 0) << restarted.out;
  EXPECT_NE(restarted.out.find("node 0 already running"), std::string::npos) << restarted.out;
  EXPECT_NE(restarted.out.find("node 2 started"), std::string::npos) << restarted.out;

  RunResult status = devnet({"status", "--dir", dir.string()});
  ASSERT_EQ(status.exit_code, 0) << status.out;
  EXPECT_EQ(std::count(status.out.begin(), status.out.end(), '\n'), 5) << status.out;

  RunResult stopped = devnet({"stop", "--dir", dir.string()});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out;
  EXPECT_NE(stopped.out.find("node 3 stopped"), std::string::npos) << stopped.out;
  for (const auto& n : json::parse(read_text(dir / "nodes.json"))) EXPECT_TRUE(n["pid"].is_null());
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace swarmchain::test

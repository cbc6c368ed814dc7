// End to end: `swarmchain-wallet swarm <id> --verify` against a real `swarmchaind --dev` on
// loopback, past a committee hand-off: the answer verifies from the genesis file and from a
// pinned chain id, the --local table lookup agrees with the single-key one, and a wrong pin, a
// missing anchor and a tip below a height already seen are refused with the step named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSessionId = "05" + std::string(64, 'a');

class SwarmVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("swarmverify");
    const uint16_t port = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port);
    node_ = std::make_unique<Process>(
        std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir",
                                 (dir_ / "data").string(), "--rpc-bind",
                                 "127.0.0.1:" + std::to_string(port)},
        dir_ / "node.log");
    // Past height 10, the dev chain's first committee hand-off (epoch_blocks 10). About 12 s
    // on an idle machine; the bound is for a sanitizer build sharing two cores with the suite.
    ASSERT_TRUE(wait_until(
        [&] {
          auto r = rpc::RpcClient(url_).call("get_height");
          return r && (*r)["height"].get<uint64_t>() >= 12;
        },
        180s))
        << "node did not reach height 12; log:\n" << read_text(dir_ / "node.log");
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }
  RunResult swarm(std::vector<std::string> args) {
    std::vector<std::string> argv{bin_path("swarmchain-wallet"), "--node", url_, "swarm", kSessionId};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  std::string genesis_file() const { return (dir_ / "data" / "genesis.json").string(); }
  std::string chain_id() const {
    return (*rpc::RpcClient(url_).call("get_info"))["chain_id"].get<std::string>();
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Process> node_;
};

TEST_F(SwarmVerify, TheAnswerVerifiesFromTheGenesisFileAndFromAPinnedHash) {
  const RunResult r = swarm({"--verify", "--genesis", genesis_file()});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("verified at height "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", certified by 1 of 1"), std::string::npos) << r.out;

  const RunResult j = swarm({"--verify", "--genesis-hash", chain_id(), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.out;
  const json v = json::parse(j.out);
  EXPECT_TRUE(v["verified"].get<bool>());
  EXPECT_GE(v["handoffs"].get<uint64_t>(), 1u) << "no committee hand-off was checked";
  const json plain = (*rpc::RpcClient(url_).call("get_swarm", {{"pubkey", kSessionId}}));
  EXPECT_EQ(v["swarm_id"], plain["swarm_id"]);
}

TEST_F(SwarmVerify, TheLocalTableLookupAgreesWithTheSingleKeyProof) {
  const RunResult local = swarm({"--verify", "--local", "--genesis", genesis_file(), "--json"});
  ASSERT_EQ(local.exit_code, 0) << local.out;
  const RunResult single = swarm({"--verify", "--genesis", genesis_file(), "--json"});
  ASSERT_EQ(single.exit_code, 0) << single.out;
  EXPECT_EQ(json::parse(local.out)["swarm_id"], json::parse(single.out)["swarm_id"]);
  EXPECT_EQ(json::parse(local.out)["snodes"], json::parse(single.out)["snodes"]);
}

TEST_F(SwarmVerify, AWrongPinAMissingAnchorAndAnOldTipAreRefused) {
  const RunResult wrong = swarm({"--verify", "--genesis-hash", std::string(64, '0')});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("not the pinned"), std::string::npos) << wrong.out;

  const RunResult none = swarm({"--verify"});
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_NE(none.out.find("--genesis FILE or --genesis-hash"), std::string::npos) << none.out;

  const RunResult old = swarm({"--verify", "--genesis", genesis_file(), "--min-height", "1000000000"});
  EXPECT_EQ(old.exit_code, 1) << old.out;
  EXPECT_NE(old.out.find("verification failed: tip height"), std::string::npos) << old.out;
}

}  // namespace
}  // namespace swarmchain::test

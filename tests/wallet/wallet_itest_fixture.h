// A real `swarmchaind --dev` on a loopback port and the real swarmchain-wallet against it, for
// the wallet's end-to-end tests (waiting for finality, refusals, history).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {

class WalletDevNodeTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    dir_ = make_temp_dir("wallet-itest");
    port_ = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    std::ofstream(dir_ / "pw") << "dev\n";
    std::ofstream(dir_ / "alice-pw") << "alice secret\n";
    node_ = std::make_unique<Process>(
        std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir",
                                 (dir_ / "data").string(), "--rpc-bind",
                                 "127.0.0.1:" + std::to_string(port_), "--log-level", "info"},
        dir_ / "node.log");
    ASSERT_TRUE(wait_until([&] { return rpc().call("get_info").has_value(); },
                           std::chrono::seconds(30)))
        << "node did not answer; log:\n" << read_text(dir_ / "node.log");
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  rpc::RpcClient rpc() const { return rpc::RpcClient(url_); }
  std::string dev_keystore() const { return (dir_ / "data" / "dev-wallet.json").string(); }
  std::string dev_pw() const { return (dir_ / "pw").string(); }
  std::string alice_keystore() const { return (dir_ / "alice.json").string(); }
  std::string alice_pw() const { return (dir_ / "alice-pw").string(); }

  RunResult wallet(const std::string& keystore, const std::string& pwfile,
                   const std::vector<std::string>& args, bool json_out = true) const {
    std::vector<std::string> argv{bin_path("swarmchain-wallet"), "--keystore", keystore,
                                  "--node", url_, "--password-file", pwfile};
    if (json_out) argv.push_back("--json");
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  RunResult dev(const std::vector<std::string>& args, bool json_out = true) const {
    return wallet(dev_keystore(), dev_pw(), args, json_out);
  }
  // The last line of a --json command's output, parsed.
  static std::optional<json> last_json(const std::string& out) {
    std::istringstream in(out);
    std::string line, last;
    while (std::getline(in, line))
      if (!line.empty()) last = line;
    try {
      return json::parse(last);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  std::string create_alice() const {
    auto created = wallet(alice_keystore(), alice_pw(), {"create"});
    EXPECT_EQ(created.exit_code, 0) << created.out;
    auto j = last_json(created.out);
    return j ? j->value("address", "") : "";
  }
  json account(const std::string& address) const {
    auto r = rpc().call("get_account", {{"address", address}});
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : json();
  }

  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::string url_;
  std::unique_ptr<Process> node_;
};

}  // namespace swarmchain::test

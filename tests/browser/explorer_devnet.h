// The node the explorer's browser tests look at: a real `swarmchaind --dev` on loopback with
// some service nodes registered the way operators do it (`swarmchaind keygen`,
// `prepare-registration`, `swarmchain-wallet sn register`), as the registry scenario does.
// Failures are WebDriverError-style exceptions (std::runtime_error) naming the step and
// carrying the program's output: the suite's set-up reports them once for every test.
//
// Thread-safety: none; start() runs wallets on two threads of its own and joins them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {

class ExplorerDevnet {
 public:
  // Starts the node in `dir` and registers `extra_nodes` more service nodes (with the genesis
  // node, 14 active nodes make two swarms: a swarm splits once its size passes
  // min_swarm_size 5 by ideal 7 + 2). Waits until every node is active. Throws on failure.
  void start(const std::filesystem::path& dir, int extra_nodes);
  void stop();  // SIGTERM, then SIGKILL if it lingers

  const std::string& url() const { return url_; }  // http://127.0.0.1:<port>
  uint16_t port() const { return port_; }
  rpc::RpcClient rpc() const { return rpc::RpcClient(url_); }
  // An RPC that must succeed; throws std::runtime_error naming the method and the error.
  nlohmann::json call(const std::string& method,
                      const nlohmann::json& params = nlohmann::json::object()) const;
  std::string log_tail() const;

 private:
  void register_nodes(int count);

  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::string url_;
  std::unique_ptr<Process> node_;
};

}  // namespace swarmchain::test

// LocalNet: a real N-node swarmchain net on loopback for the `net` tests. It runs
// `swarmchaind testnet` into a temp dir (ports: free ranges on 127.0.0.1), starts the nodes as
// child processes with the arguments that command prints (`--print-args`), and gives each
// node's RPC, log, kill, stop and restart. Extra nodes (a late joiner, a node of another chain)
// get their own key and datadir. Every process is killed when the LocalNet is destroyed.
//
// Thread-safety: one test thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {

class LocalNet {
 public:
  explicit LocalNet(std::size_t nodes, const std::string& name = "net");
  ~LocalNet();
  LocalNet(const LocalNet&) = delete;
  LocalNet& operator=(const LocalNet&) = delete;

  std::size_t size() const { return nodes_.size(); }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path wallet_path() const { return dir_ / "dev-wallet.json"; }
  std::filesystem::path password_file() const { return dir_ / "dev-pw"; }

  // Starts node i (again, after a stop or kill) with the testnet's arguments plus `extra`.
  void start(std::size_t i, const std::vector<std::string>& extra = {});
  void start_all();
  void stop(std::size_t i);  // SIGTERM and wait (a clean stop)
  void kill(std::size_t i);  // SIGKILL
  bool running(std::size_t i);

  // A node outside the genesis: its own key, the genesis file of `genesis_dir` (this net's
  // by default), p2p and RPC on free ports, `--peer` to node `seed`. Returns its index.
  std::size_t add_joiner(std::size_t seed, const std::filesystem::path& genesis_dir = {});

  std::string rpc_url(std::size_t i) const;
  std::string p2p_address(std::size_t i) const;
  rpc::RpcClient rpc(std::size_t i) const;
  std::optional<nlohmann::json> info(std::size_t i) const;  // get_info, nullopt if unreachable
  uint64_t height(std::size_t i) const;                    // 0 if unreachable
  std::optional<std::string> hash_at(std::size_t i, uint64_t height) const;
  std::string log(std::size_t i) const;
  std::string pubkey(std::size_t i) const;

  // Waits until node i's height is at least h.
  bool wait_height(std::size_t i, uint64_t h, std::chrono::milliseconds timeout) const;
  // The node's chain has exactly one hash at every height 1..up_to that every other node
  // has too (no fork): checked against node `ref`.
  ::testing::AssertionResult same_chain(std::size_t a, std::size_t b, uint64_t up_to) const;

  // Runs swarmchain-wallet with the dev wallet against node i.
  RunResult wallet(std::size_t i, const std::vector<std::string>& args) const;

 private:
  struct Node {
    std::filesystem::path datadir;
    std::vector<std::string> args;
    uint16_t rpc_port = 0;
    uint16_t p2p_port = 0;
    std::unique_ptr<Process> proc;
    int starts = 0;
  };
  std::filesystem::path dir_;
  std::vector<Node> nodes_;
};


}  // namespace swarmchain::test

// Node: the composition root. Wires the chain (store + state), the mempool, the finalizer and
// the RPC server, and runs the chain loop: every target_block_ms, ask the finalizer for the
// next block and commit it.
//
// Thread-safety: start()/stop() from the main thread. The chain loop thread is the only writer
// of the chain; RPC worker threads read the chain and add to the mempool.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "node/finalizer.h"
#include "rpc/http_server.h"
#include "rpc/json_rpc.h"

namespace swarmchain {

struct NodeConfig {
  std::filesystem::path datadir;
  std::filesystem::path genesis_path;  // empty: <datadir>/genesis.json
  std::string rpc_host = "127.0.0.1";
  uint16_t rpc_port = 22023;
  std::size_t rpc_threads = 4;
};

class Node final : public ChainListener {
 public:
  // Loads the genesis, the node key and the chain; refuses a foreign or damaged datadir.
  static Expected<std::unique_ptr<Node>> open(const NodeConfig& config);
  ~Node() override;

  Status start();
  // Stops accepting RPC, lets the block in flight finish, then returns; the chain (RocksDB)
  // closes when the Node is destroyed. Safe to call more than once.
  void stop();

  uint16_t rpc_port() const { return rpc_ ? rpc_->port() : 0; }
  const Blockchain& chain() const { return *chain_; }

  void on_block_committed(const Block& block, const CommitCertificate& cert) override;

 private:
  explicit Node(NodeConfig c) : config_(std::move(c)) {}
  void chain_loop();
  void produce_one();

  NodeConfig config_;
  std::unique_ptr<Blockchain> chain_;
  std::unique_ptr<Mempool> mempool_;
  std::unique_ptr<Finalizer> finalizer_;
  rpc::Dispatcher dispatcher_;
  std::unique_ptr<rpc::HttpServer> rpc_;
  std::thread loop_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t last_block_ms_ = 0;
};

}  // namespace swarmchain

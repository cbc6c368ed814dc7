#include "node/node.h"

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/hex.h"
#include "node/node_key.h"
#include "rpc/chain_api.h"
#include "rpc/registry_api.h"

namespace swarmchain {

Expected<std::unique_ptr<Node>> Node::open(const NodeConfig& config) {
  std::unique_ptr<Node> node(new Node(config));
  const auto genesis_path =
      config.genesis_path.empty() ? config.datadir / "genesis.json" : config.genesis_path;
  auto genesis = Genesis::load(genesis_path);
  if (!genesis) return unexpected(genesis.error());
  auto key = load_node_key(config.datadir / "node_key");
  if (!key) return unexpected(key.error());
  auto chain = Blockchain::open(config.datadir / "chain", *genesis);
  if (!chain) return unexpected(chain.error());
  node->chain_ = std::move(*chain);
  node->mempool_ = std::make_unique<Mempool>(node->chain_->chain_id(), MempoolLimits{},
                                             node->chain_->executor().registry_params());
  node->finalizer_ = std::make_unique<SoloFinalizer>(*key);
  node->chain_->add_listener(node.get());
  spdlog::info("chain {} ({}), tip height {} hash {}", to_hex(node->chain_->chain_id()).substr(0, 16),
               genesis->network, node->chain_->tip().header.height.value,
               to_hex(node->chain_->tip().hash));
  spdlog::info("node key {}", to_hex(key->pubkey()));
  return node;
}

Node::~Node() { stop(); }

Status Node::start() {
  rpc::register_chain_methods(dispatcher_, *chain_, *mempool_);
  rpc::register_registry_methods(dispatcher_, *chain_);
  rpc::HttpServerOptions opts;
  opts.host = config_.rpc_host;
  opts.port = config_.rpc_port;
  opts.worker_threads = config_.rpc_threads;
  rpc_ = std::make_unique<rpc::HttpServer>(opts, dispatcher_);
  rpc_->set_health([this] {
    auto tip = chain_->tip();
    return nlohmann::json{{"status", "ok"}, {"height", tip.header.height.value}};
  });
  if (Status s = rpc_->start(); !s) return s;
  spdlog::info("RPC listening on http://{}:{}/json_rpc", config_.rpc_host, rpc_->port());
  loop_ = std::thread([this] { chain_loop(); });
  return Status::ok();
}

void Node::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !loop_.joinable() && !rpc_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (rpc_) {
    rpc_->stop();
    rpc_.reset();
  }
  if (loop_.joinable()) loop_.join();
}

void Node::chain_loop() {
  const auto interval = std::chrono::milliseconds(chain_->params().target_block_ms);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // Wait out the block interval (woken early only by stop()).
    if (cv_.wait_for(lock, interval, [this] { return stopping_; })) break;
    lock.unlock();
    produce_one();  // a block in flight is finished before the loop looks at stopping_ again
    lock.lock();
  }
}

void Node::produce_one() {
  SystemClock clock;
  const auto& p = chain_->params();
  std::vector<Tx> candidates = mempool_->select(p.max_block_txs, p.max_block_bytes);
  auto fb = finalizer_->finalize_next(*chain_, candidates, clock.now_ms());
  if (!fb) return;
  if (Status s = chain_->commit(fb->block, fb->cert, /*signatures_checked=*/true); !s)
    spdlog::error("cannot commit block {}: {}", fb->block.header.height.value, s.message());
}

void Node::on_block_committed(const Block& block, const CommitCertificate&) {
  chain_->with_state([&](const ChainState& state, const ChainTip&) {
    mempool_->on_block_committed(block.txs, state);
  });
  spdlog::info("block {} {} txs {}", block.header.height.value, to_hex(block.hash()),
               block.txs.size());
}

}  // namespace swarmchain

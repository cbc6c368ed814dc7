#include "node/node.h"

#include <spdlog/spdlog.h>

#include "common/hex.h"
#include "node/node_key.h"
#include "node/sign_state.h"
#include "rpc/chain_api.h"
#include "rpc/registry_api.h"

namespace swarmchain {

namespace {

// No peers: the dev node's committee is this node alone, and nothing leaves it. p2p (issue 9)
// replaces this with the real transport; the driver does not change.
class NullNetwork final : public Network {
 public:
  void broadcast(ByteView) override {}
  void send(PeerId, ByteView) override {}
};

}  // namespace

// The driver's timers, as timers of the event loop (the driver is called back on the loop).
class Node::LoopScheduler final : public Scheduler {
 public:
  explicit LoopScheduler(Node& node) : node_(node) {}
  void schedule(uint64_t delay_ms, const DriverTimer& t) override {
    node_.loop_->post_after(delay_ms, [n = &node_, t] {
      n->driver_->on_timer(t);
      n->check_failure();
    });
  }

 private:
  Node& node_;
};

Expected<std::unique_ptr<Node>> Node::open(const NodeConfig& config) {
  const auto genesis_path =
      config.genesis_path.empty() ? config.datadir / "genesis.json" : config.genesis_path;
  auto genesis = Genesis::load(genesis_path);
  if (!genesis) return unexpected(genesis.error());
  auto key = load_node_key(config.datadir / "node_key");
  if (!key) return unexpected(key.error());
  std::unique_ptr<Node> node(new Node(config, *key));
  auto chain = Blockchain::open(config.datadir / "chain", *genesis);
  if (!chain) return unexpected(chain.error());
  node->chain_ = std::move(*chain);

  node->sign_store_ = std::make_unique<FileSignStateStore>(config.datadir / "sign_state");
  auto signer = GuardedSigner::open(*key, node->chain_->chain_id(), *node->sign_store_);
  if (!signer) return unexpected(signer.error());
  // A store that came back lower than what this node already committed (a lying disk, a
  // damaged WAL) would have it sign heights it has signed: refuse to start.
  if (Status s =
          check_store_not_behind(node->chain_->tip().header.height, (*signer)->committed_height());
      !s)
    return unexpected(std::move(s));
  node->signer_ = std::move(*signer);

  node->mempool_ = std::make_unique<Mempool>(node->chain_->chain_id(), MempoolLimits{},
                                             node->chain_->executor().registry_params());
  node->loop_ = std::make_unique<EventLoop>(node->clock_);
  node->net_ = std::make_unique<NullNetwork>();
  node->sched_ = std::make_unique<LoopScheduler>(*node);
  DriverConfig dc;
  dc.send_uptime_proofs = true;
  node->driver_ = std::make_unique<Driver>(*node->chain_, *node->mempool_, *node->signer_, *key,
                                           node->clock_, *node->net_, *node->sched_, dc);
  node->chain_->add_listener(node.get());
  spdlog::info("chain {} ({}), tip height {} hash {}",
               to_hex(node->chain_->chain_id()).substr(0, 16), genesis->network,
               node->chain_->tip().header.height.value, to_hex(node->chain_->tip().hash));
  spdlog::info("node key {}", to_hex(key->pubkey()));
  return node;
}

Node::~Node() {
  stop();
}

Status Node::start() {
  rpc::register_chain_methods(dispatcher_, *chain_, *mempool_, [this](const Tx&) {
    loop_->post([this] {
      driver_->on_new_tx();
      check_failure();
    });
  });
  rpc::register_registry_methods(dispatcher_, *chain_);
  rpc::HttpServerOptions opts;
  opts.host = config_.rpc_host;
  opts.port = config_.rpc_port;
  opts.worker_threads = config_.rpc_threads;
  rpc_ = std::make_unique<rpc::HttpServer>(opts, dispatcher_);
  rpc_->set_health([this] {
    if (auto why = failure()) return nlohmann::json{{"status", "failed"}, {"reason", *why}};
    auto tip = chain_->tip();
    std::lock_guard lock(failure_mu_);
    if (stalled_)
      return nlohmann::json{
          {"status", "stalled"}, {"height", tip.header.height.value}, {"reason", *stalled_}};
    return nlohmann::json{{"status", "ok"}, {"height", tip.header.height.value}};
  });
  if (Status s = rpc_->start(); !s) return s;
  spdlog::info("RPC listening on http://{}:{}/json_rpc", config_.rpc_host, rpc_->port());
  loop_->post([this] {
    driver_->start();
    check_failure();
  });
  last_checked_height_ = chain_->tip().header.height.value;
  loop_->post_after(kStallCheckMs, [this] { check_stall(); });
  loop_thread_ = std::thread([this] { loop_->run(); });
  return Status::ok();
}

void Node::stop() {
  if (rpc_) {
    rpc_->stop();
    rpc_.reset();
  }
  if (loop_) loop_->stop();  // the event in flight (a block being committed) finishes first
  if (loop_thread_.joinable()) loop_thread_.join();
}

void Node::check_failure() {
  if (failure_reported_) return;
  const auto& f = driver_->failure();
  if (!f) return;
  failure_reported_ = true;
  spdlog::error(
      "consensus stopped: {}; this node produces and votes on nothing more until it "
      "is restarted (/health answers 503)",
      f->message());
  std::lock_guard lock(failure_mu_);
  failure_ = f->message();
}

void Node::check_stall() {
  const uint64_t height = chain_->tip().header.height.value;
  std::optional<std::string> why;
  if (height == last_checked_height_ && !driver_->failure()) {
    const consensus::Engine& e = driver_->engine();
    const std::size_t n = e.committee().size();
    why = fmt::format(
        "no block for {} s: deciding height {} in round {} ({} step); the committee has {} "
        "member(s), a block needs {} of them, this node {}; {}",
        kStallCheckMs / 1000, e.height().value, e.round(), consensus::step_name(e.step_kind()),
        n, commit_quorum(n), e.is_member() ? "is one" : "is not one",
        n > 1 ? "it has no connection to the others (p2p arrives with issue 9)"
              : "the only member is not making progress");
    spdlog::warn("{}", *why);
  }
  last_checked_height_ = height;
  {
    std::lock_guard lock(failure_mu_);
    stalled_ = why;
  }
  loop_->post_after(kStallCheckMs, [this] { check_stall(); });
}

std::optional<std::string> Node::failure() const {
  std::lock_guard lock(failure_mu_);
  return failure_;
}

void Node::on_block_committed(const Block& block, const CommitCertificate& cert) {
  // The driver has told the mempool and the signer; this is the node's log line.
  spdlog::info("block {} {} txs {} round {}", block.header.height.value, to_hex(block.hash()),
               block.txs.size(), cert.round);
}

}  // namespace swarmchain

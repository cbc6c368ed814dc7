#include "node/node.h"

#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <variant>

#include "common/hex.h"
#include "common/host_port.h"
#include "common/parallel.h"
#include "common/private_file.h"
#include "explorer/assets.h"
#include "node/admin_api.h"
#include "node/mempool_file.h"
#include "node/node_key.h"
#include "node/sign_state.h"
#include "rpc/chain_api.h"
#include "rpc/explorer_api.h"
#include "rpc/explorer_history_api.h"
#include "rpc/proof_api.h"
#include "rpc/registry_api.h"

namespace swarmchain {

namespace {

// Sync's verify threads run this many nice levels below the rest of the node (see start()).
constexpr int kSyncVerifyNice = 5;

// No peers: the one-node dev net (started without --p2p-bind), whose committee is this node
// alone; nothing leaves it.
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
  // Whoever can write the datadir can swap the node key or the sign state in it.
  if (Status s = check_private_dir(config.datadir, "datadir"); !s) {
    if (s.code_as<PrivateFileError>() == PrivateFileError::kNotFound)
      return fail(s.message() + " (create it and the node key with `swarmchaind keygen --datadir " +
                  config.datadir.string() + "`)");
    return unexpected(std::move(s));
  }
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
                                             node->chain_->executor().registry_params(),
                                             &node->chain_->sig_cache());
  node->loop_ = std::make_unique<EventLoop>(node->clock_);
  node->sched_ = std::make_unique<LoopScheduler>(*node);
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

void Node::on_strand(std::function<void(Driver&)> fn) {
  loop_->post([this, fn = std::move(fn)] {
    fn(*driver_);
    check_failure();
  });
}

void Node::queue_local_txs(std::span<const Tx> txs) {
  const auto proofs = std::count_if(txs.begin(), txs.end(), [](const Tx& tx) {
    return std::holds_alternative<UptimeProofPayload>(tx.payload);
  });
  if (proofs > 0) metrics_.count_proofs_from_rpc(static_cast<uint64_t>(proofs));
  bool was_empty = false;
  {
    std::lock_guard lock(outbox_mu_);
    was_empty = outbox_.empty();
    outbox_.insert(outbox_.end(), txs.begin(), txs.end());
  }
  if (was_empty && !txs.empty()) on_strand([this](Driver& d) { flush_local_txs(d); });
}

void Node::flush_local_txs(Driver& d) {
  std::vector<Tx> txs;
  {
    std::lock_guard lock(outbox_mu_);
    txs.swap(outbox_);
  }
  d.on_local_txs(txs);
}

uint16_t Node::p2p_port() const {
  return p2p_ ? p2p_->host().port() : 0;
}

Status Node::start_p2p() {
  if (!config_.p2p_enabled) {
    net_ = std::make_unique<NullNetwork>();
    return Status::ok();
  }
  p2p::HostConfig hc;
  hc.bind_host = config_.p2p_host;
  hc.port = config_.p2p_port;
  hc.seeds = config_.peers;
  hc.address_book = config_.datadir / "peers.json";
  hc.chain_id = chain_->chain_id();
  auto genesis_block = chain_->store().block_at(Height(0));
  if (!genesis_block) return Status::error("cannot read the genesis block: " + genesis_block.error().message());
  hc.genesis_hash = genesis_block->hash();
  hc.max_frame_bytes = 2 * (16u << 20) + chain_->params().max_block_bytes;
  auto p2p = std::make_unique<PeerNetwork>(
      hc, key_, [this](std::function<void(Driver&)> fn) { on_strand(std::move(fn)); },
      [this] { return chain_->tip().header.height.value; }, mempool_.get());
  if (Status s = p2p->start(); !s) return s;
  spdlog::info("p2p listening on {}{}", format_host_port(config_.p2p_host, p2p->host().port()),
               config_.peers.empty() ? " (no --peer given: waiting for others to connect)" : "");
  p2p_ = p2p.get();
  net_ = std::move(p2p);
  return Status::ok();
}

Status Node::start() {
  if (config_.verify_nice > 0 && !ThreadPool::shared().lower_worker_priority(config_.verify_nice))
    spdlog::warn("could not lower the priority of the signature-verify threads (--verify-nice {})",
                 config_.verify_nice);
  if (Status s = start_p2p(); !s) return s;
  DriverConfig dc;
  dc.send_uptime_proofs = true;
  dc.contact = config_.contact;
  dc.contact.quorumnet_port = p2p_port();
  dc.relay_consensus = p2p_ != nullptr;
  if (p2p_) {
    // Reachability tests (node/reach_tester.h) run on the Host's threads and report on the
    // chain strand; a probe cut short because the node is stopping reports nothing.
    dc.probe = [this](const std::string& host_port, const PubKey& key,
                      std::function<void(Status)> done) {
      p2p_->host().probe(host_port, key, [this, done = std::move(done)](Status s) {
        if (s.code_as<p2p::ProbeError>() == p2p::ProbeError::kCancelled) return;
        if (!s) spdlog::debug("reachability: {}", s.message());
        loop_->post([done, s = std::move(s)] { done(s); });
      });
    };
  }
  // Synced blocks' signatures are verified into the chain's signature cache a batch at a time,
  // in arrival order, while the chain strand applies the batches before them. On their own
  // pool, kSyncVerifyNice levels below the strand: applying a verified block comes first, so
  // the strand keeps up with the verifies instead of leaving a run of verified blocks to apply
  // alone, on one core, at the end (issue 9's sync figure). A pool of its own, not the shared
  // one lowered, so that mempool admission and block validation keep their priority.
  sync_pool_ = std::make_unique<ThreadPool>(std::max(1u, std::thread::hardware_concurrency()));
  if (!sync_pool_->lower_worker_priority(kSyncVerifyNice))
    spdlog::debug("could not lower the priority of sync's verify threads");
  preverifier_ = std::make_unique<SyncPreverifier>(
      [this](const SyncBatch& batch) {
        chain_->preverify(batch.blocks, batch.certs, *sync_pool_);
      },
      [this](std::function<void()> ready) { loop_->post(std::move(ready)); }, *sync_pool_);
  if (config_.min_free_disk_bytes > 0)
    dc.check_disk = [this](Height h) { return check_free_disk(h); };
  dc.preverify = [this](std::shared_ptr<const SyncBatch> batch, std::function<void()> ready) {
    preverifier_->enqueue(std::move(batch), std::move(ready));
  };
  driver_ = std::make_unique<Driver>(*chain_, *mempool_, *signer_, key_, clock_, *net_, *sched_,
                                     dc);
  rpc::register_chain_methods(
      dispatcher_, *chain_, *mempool_,
      [this](std::span<const Tx> txs) { queue_local_txs(txs); },
      [this] {
        return rpc::NodeStatus{p2p_ ? p2p_->host().peer_count() : 0, syncing_.load()};
      });
  rpc::register_registry_methods(
      dispatcher_, *chain_, key_.pubkey(),
      [this](const PubKey& pk) -> std::optional<std::pair<Height, LivenessChange>> {
        std::lock_guard lock(last_changes_mu_);
        auto it = last_changes_.find(pk);
        if (it == last_changes_.end()) return std::nullopt;
        return it->second;
      },
      mempool_.get());
  rpc::register_proof_methods(dispatcher_, *chain_);  // verifiable swarm lookups
  rpc::register_explorer_methods(dispatcher_, *chain_);  // the explorer's paging methods
  rpc::register_explorer_history_methods(dispatcher_, *chain_);  // explorer charts, node history
  register_admin_methods(dispatcher_,
                         AdminHooks{p2p_ ? &p2p_->host() : nullptr, mempool_.get(), [this] {
                                      // After the answer is written; main's sigwait does the rest.
                                      loop_->post_after(200, [] { ::kill(::getpid(), SIGTERM); });
                                    }});
  auto cookie = write_rpc_cookie(config_.datadir);
  if (!cookie) return cookie.error();
  rpc::HttpServerOptions opts;
  opts.host = config_.rpc_host;
  opts.port = config_.rpc_port;
  opts.threads = config_.rpc_threads;
  opts.router.cookie = *cookie;
  opts.router.public_server = config_.rpc_public;
  opts.router.allowed_hosts = config_.rpc_allow_hosts;
  opts.limits.rate_per_s = config_.rpc_rate_per_s;
  opts.limits.burst = 2 * config_.rpc_rate_per_s;
  rpc_ = std::make_unique<rpc::HttpServer>(opts, dispatcher_);
  rpc_metrics_ = std::make_unique<rpc::RpcMetrics>(dispatcher_.method_names());
  rpc_->set_request_metrics(rpc_metrics_.get());
  rpc_->set_metrics([this] { return metrics_text(); });
  // The explorer's pages (docs/explorer.md), compiled into the binary.
  rpc_->set_static([](std::string_view path) -> std::optional<rpc::StaticFile> {
    auto asset = explorer::find_asset(path);
    if (!asset) return std::nullopt;
    return rpc::StaticFile{asset->content_type, asset->body};
  });
  {
    const ChainTip tip = chain_->tip();
    metrics_.seed_tip(tip.header.height, tip.header.time_ms);  // the loop thread starts below
  }
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
  spdlog::info("RPC listening on http://{}/json_rpc, explorer at http://{}/",
               format_host_port(config_.rpc_host, rpc_->port()),
               format_host_port(config_.rpc_host, rpc_->port()));
  loop_->post([this] {
    driver_->start();
    check_failure();
  });
  reload_saved_mempool();  // after the driver's start: the txs are then gossiped as local ones
  last_checked_height_ = chain_->tip().header.height.value;
  loop_->post_after(kStallCheckMs, [this] { check_stall(); });
  if (p2p_) loop_->post_after(kPeerTickMs, [this] { peer_tick(); });
  loop_->post_after(kActivityTickMs, [this] { activity_tick(); });
  loop_thread_ = std::thread([this] { loop_->run(); });
  return Status::ok();
}

void Node::stop() {
  if (rpc_) {
    rpc_->stop();
    rpc_.reset();
    remove_rpc_cookie(config_.datadir);
  }
  if (p2p_) p2p_->stop();    // no more payloads; the peers see a clean close
  if (loop_) loop_->stop();  // the event in flight (a block being committed) finishes first
  if (loop_thread_.joinable()) loop_thread_.join();
  // A preverify job on the pool reads the chain: it must end before the chain closes.
  if (preverifier_) preverifier_->stop();
  if (mempool_reloaded_) save_mempool();  // nothing writes the pool any more
  mempool_reloaded_ = false;
}

Status Node::check_free_disk(Height h) const {
  struct statvfs st {};
  const auto dir = config_.datadir / "chain";
  if (statvfs(dir.c_str(), &st) != 0) return Status::ok();  // the write itself will tell
  const uint64_t free = uint64_t(st.f_bavail) * st.f_frsize;
  if (free >= config_.min_free_disk_bytes) return Status::ok();
  return Status::error(fmt::format(
      "disk full: not writing block {} to {}: {} KiB free on its disk, below the {} KiB the node "
      "keeps free (--min-free-disk-mb)",
      h.value, dir.string(), free >> 10, config_.min_free_disk_bytes >> 10));
}

void Node::reload_saved_mempool() {
  const auto path = config_.datadir / kMempoolFileName;
  MempoolReload r = reload_mempool(path, *chain_, *mempool_);
  mempool_reloaded_ = true;
  if (r.warning) spdlog::warn("{}", *r.warning);
  if (!r.found || r.in_file == 0) return;
  std::string why;
  for (const auto& [reason, n] : r.dropped) why += fmt::format("{}{} {}", why.empty() ? "" : ", ", n, reason);
  spdlog::info("mempool: re-admitted {} of {} txs saved at the last shutdown{}", r.admitted.size(),
               r.in_file,
               why.empty() ? "" : fmt::format("; {} no longer valid ({})",
                                              r.in_file - r.admitted.size(), why));
  if (!r.admitted.empty()) queue_local_txs(r.admitted);
}

void Node::save_mempool() {
  const std::vector<Tx> txs = mempool_->pending();
  if (txs.empty()) return;
  const auto path = config_.datadir / kMempoolFileName;
  if (Status s = save_mempool_file(path, chain_->chain_id(), txs); !s) {
    spdlog::warn("could not save the {} pending txs to {}: {}; they are lost from this node "
                 "(their senders can send them again)",
                 txs.size(), path.string(), s.message());
    return;
  }
  spdlog::info("mempool: saved {} pending txs to {}", txs.size(), path.string());
}

void Node::peer_tick() {
  for (const auto& p : p2p_->host().peers()) driver_->on_peer_height(p.id, Height(p.height));
  check_failure();
  const SyncProgress sp = driver_->sync_progress();
  syncing_ = sp.syncing;
  log_sync_progress(sp);
  loop_->post_after(kPeerTickMs, [this] { peer_tick(); });
}

void Node::check_failure() {
  if (failure_reported_) return;
  const auto& f = driver_->failure();
  if (!f) return;
  failure_reported_ = true;
  const bool disk = f->code_as<DriverFailure>() == DriverFailure::kStorage;
  if (disk && config_.on_fatal) {
    spdlog::error("stopping: {}. Nothing committed is lost: free space on (or repair) the disk "
                  "of {} and start the node again",
                  f->message(), config_.datadir.string());
  } else {
    spdlog::error(
        "consensus stopped: {}; this node produces and votes on nothing more until it "
        "is restarted (/health answers 503)",
        f->message());
  }
  {
    std::lock_guard lock(failure_mu_);
    failure_ = f->message();
  }
  if (disk && config_.on_fatal) config_.on_fatal(f->message());
}

std::string Node::stall_cause(std::size_t committee) const {
  if (committee <= 1) return "the only member is not making progress";
  if (!p2p_) return "p2p is off (no --p2p-bind): this node cannot reach the others";
  const std::size_t peers = p2p_->host().peer_count();
  if (peers == 0) return "no peer is connected (check --peer and that the other nodes run)";
  return fmt::format("connected to {} peer(s); too few of the committee's votes arrive", peers);
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
        n, commit_quorum(n), e.is_member() ? "is one" : "is not one", stall_cause(n));
    spdlog::warn("{}", *why);
  }
  last_checked_height_ = height;
  {
    std::lock_guard lock(failure_mu_);
    stalled_ = why;
  }
  loop_->post_after(kStallCheckMs, [this] { check_stall(); });
}

// One line when a sync starts, then every 2 s while blocks arrive from peers, and one when it is
// caught up. A short sync can start and end within one tick: it is seen by the synced count.
void Node::log_sync_progress(const SyncProgress& sp) {
  const uint64_t now = clock_.now_ms();
  const uint64_t height = chain_->tip().header.height.value;
  const uint64_t synced = driver_->stats().blocks_synced;
  const uint64_t synced_before = sync_log_synced_;  // at the previous tick
  const uint64_t tick_before = sync_tick_ms_ != 0 ? sync_tick_ms_ : now;
  const bool got_blocks = synced > synced_before;
  sync_log_synced_ = synced;
  sync_tick_ms_ = now;
  if (sync_log_ms_ == 0 && (sp.syncing || got_blocks)) {  // a sync began, since the last tick
    // Counted from the previous tick: the blocks that arrived since belong to this sync (a
    // joiner 26 blocks behind is caught up before the next tick and said "0 blocks").
    sync_start_ms_ = tick_before;
    sync_log_ms_ = now;
    sync_log_height_ = height;
    sync_start_synced_ = synced_before;
    if (sp.syncing)
      spdlog::info("sync: height {}, target {} ({} blocks behind); fetching from {} peer(s)",
                   height, sp.target.value, sp.target.value - height, p2p_->host().peer_count());
  }
  if (sync_log_ms_ == 0) return;
  if (!sp.syncing) {  // caught up (a short sync may start and end within one tick)
    const double secs = double(std::max<uint64_t>(now - sync_start_ms_, 1)) / 1000.0;
    spdlog::info("sync: caught up at height {}: {} blocks from peers in {:.1f} s", height,
                 synced - sync_start_synced_, secs);
    sync_log_ms_ = 0;
    return;
  }
  if (now - sync_log_ms_ >= 2'000) {
    const double rate = double(height - sync_log_height_) * 1000.0 / double(now - sync_log_ms_);
    const uint64_t left = sp.target.value > height ? sp.target.value - height : 0;
    spdlog::info("sync: height {} / target {}, {:.0f} blocks/s, ETA {}", height, sp.target.value,
                 rate, rate > 0 ? fmt::format("{:.0f} s", double(left) / rate) : "unknown");
    sync_log_ms_ = now;
    sync_log_height_ = height;
  }
}

void Node::activity_tick() {
  const consensus::Engine& e = driver_->engine();
  ActivityLog::Reading r;
  r.now_ms = clock_.now_ms();
  r.height = chain_->tip().header.height.value;
  r.deciding_height = e.height().value;
  r.round = e.round();
  r.step = consensus::step_name(e.step_kind());
  r.p2p = p2p_ != nullptr;
  r.peers = p2p_ ? p2p_->host().peer_count() : 0;
  r.mempool_txs = mempool_->size();
  r.sign_refusals = driver_->stats().sign_refusals;
  for (const LogLine& line : activity_.tick(r))
    spdlog::log(line.info ? spdlog::level::info : spdlog::level::debug, "{}", line.text);
  loop_->post_after(kActivityTickMs, [this] { activity_tick(); });
}

std::optional<std::string> Node::failure() const {
  std::lock_guard lock(failure_mu_);
  return failure_;
}

void Node::on_liveness_changes(Height h, const std::vector<LivenessChange>& changes) {
  // Operators grep for these: which node, what happened, why (registry/liveness_rules.h).
  for (const LivenessChange& c : changes) {
    const bool own = c.pubkey == key_.pubkey();
    const bool bad =
        c.event == LivenessEvent::kDecommissioned || c.event == LivenessEvent::kDeregistered;
    const auto level = own && bad ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "service node {}{} {} at height {}: {}", to_hex(c.pubkey),
                own ? " (this node)" : "", liveness_event_name(c.event), h.value, c.reason);
    metrics_.count_state_change(liveness_event_name(c.event));
    std::lock_guard lock(last_changes_mu_);
    if (last_changes_.size() >= kMaxLastChanges && !last_changes_.contains(c.pubkey))
      last_changes_.erase(last_changes_.begin());
    last_changes_.insert_or_assign(c.pubkey, std::pair{h, c});
  }
}

LoopReadings Node::loop_readings_now() const {
  LoopReadings r;
  const consensus::Engine& e = driver_->engine();
  r.consensus_height = e.height().value;
  r.consensus_round = e.round();
  const SyncProgress sp = driver_->sync_progress();
  r.syncing = sp.syncing;
  r.sync_target = sp.target.value;
  r.stats = driver_->stats();
  r.reach = driver_->reach_stats();
  return r;
}

LoopReadings Node::read_loop() {
  auto done = std::make_shared<std::promise<LoopReadings>>();
  std::future<LoopReadings> answer = done->get_future();
  loop_->post([this, done] { done->set_value(loop_readings_now()); });
  try {
    if (answer.wait_for(std::chrono::milliseconds(kMetricsLoopWaitMs)) ==
        std::future_status::ready) {
      LoopReadings r = answer.get();
      std::lock_guard lock(loop_readings_mu_);
      last_loop_readings_ = r;
      return r;
    }
  } catch (const std::future_error&) {
    // The loop stopped and dropped the closure (a scrape during shutdown).
  }
  metrics_.count_loop_timeout();
  std::lock_guard lock(loop_readings_mu_);
  return last_loop_readings_;
}

std::string Node::metrics_text() {
  NodeReadings r;
  chain_->with_state([&r](const ChainState& state, const ChainTip& tip) {
    r.height = tip.header.height.value;
    r.registry = count_registry(state.registry);
  });
  r.mempool_txs = mempool_->size();
  r.mempool_bytes = mempool_->bytes();
  r.p2p_enabled = p2p_ != nullptr;
  if (p2p_) {
    r.peers = p2p_->host().peer_count();
    r.p2p_drops = p2p_->host().drop_counts();
  }
  r.loop = read_loop();
  {
    std::lock_guard lock(failure_mu_);
    r.failed = failure_.has_value();
    r.stalled = stalled_.has_value();
  }
  prom::TextWriter w;
  metrics_.render(w, r);
  if (rpc_metrics_) rpc_metrics_->render(w);
  return w.text();
}

void Node::on_block_committed(const Block& block, const CommitCertificate& cert) {
  metrics_.on_block_committed(block, cert);
  // The driver has told the mempool and the signer; this is the node's log line (an empty
  // block at debug: node/activity_log.h).
  const LogLine line = activity_.on_block(block.header.height.value, to_hex(block.hash()),
                                          block.txs.size(), cert.round);
  spdlog::log(line.info ? spdlog::level::info : spdlog::level::debug, "{}", line.text);
}

}  // namespace swarmchain

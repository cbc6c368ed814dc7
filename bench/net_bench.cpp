// net_bench: issue 9's "Performance" figures of a real 4-node loopback net (scripts/bench.sh
// net runs it). Every figure is a ratio against this machine's all-core ed25519 verify rate,
// measured first, in the same run, before any node starts:
//
//   1. throughput: sustained committed tx/s under a closed-loop load of transfers (the
//      backlog of sent-but-uncommitted txs is kept near --backlog, so the nodes always have
//      work), ÷ (verify rate / 4): all four nodes share the cores and each verifies every tx.
//      Goal >= 0.6.
//   2. latency: send -> committed on every node, p50 and p99, at a low fixed rate and at half
//      the sustained rate. Goal p50 <= 0.1 s, p99 <= 0.5 s.
//   3. sync: the net is kept loaded until its tip is --blocks high; a fresh 5th node then
//      syncs from genesis. (tx signatures + certificate signatures of blocks 1..tip) / sync
//      time, ÷ verify rate. Goal >= 0.5.
//
// The load: --senders accounts funded from the testnet's dev wallet, transfers pre-signed
// (outside the timed part) and sent by --threads client threads over keep-alive HTTP, thread t
// to node t mod 4, --rpc-batch txs per send_raw_transactions call in the throughput run (a
// client's HTTP cost per tx would otherwise eat the cores the nodes are measured on; the
// latency runs send one tx per call). CommitTracker (net_load.h) learns when blocks appear on each node.
// Everything is bounded in count and time; the nodes are stopped and the work directory is
// removed at the end, on error and on Ctrl-C (net_cluster.h).
//
// Thread-safety: main thread only (LoadGen and CommitTracker run their own threads).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench/net_cluster.h"
#include "bench/net_load.h"
#include "bench/net_options.h"
#include "bench/net_rpc.h"
#include "bench/net_sys.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "wallet/keystore.h"

namespace swarmchain::bench {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::size_t kNodes = 4;


double secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string tail(const fs::path& log, std::size_t lines) {
  const std::string text = read_file(log);
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines; ++n) {
    if (pos == 0) return text;
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

// A temp dir that goes away with the benchmark (after the cluster, declared after it).
struct WorkDir {
  fs::path path;
  bool keep = false;
  ~WorkDir() {
    std::error_code ec;
    if (!path.empty() && !keep) fs::remove_all(path, ec);
  }
};

// CPU used by the nodes, this process and the whole machine over a phase.
struct CpuWindow {
  std::vector<std::optional<double>> nodes;
  double self = 0;
  std::optional<double> machine;
  Clock::time_point at;

  static CpuWindow now(NetCluster& net, std::size_t count) {
    CpuWindow w;
    for (std::size_t i = 0; i < count; ++i) w.nodes.push_back(process_cpu_s(net.pid(i)));
    w.self = self_cpu_s();
    w.machine = machine_busy_s();
    w.at = Clock::now();
    return w;
  }
  // "node cores 0.41 0.40 0.39 0.40, bench 0.30, others 0.10 (of 2)"
  std::string since(const CpuWindow& a) const {
    const double wall = secs(at - a.at);
    if (wall <= 0) return "n/a";
    std::string out = "cores used: nodes";
    double nodes_total = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i] && a.nodes[i]) {
        const double c = (*nodes[i] - *a.nodes[i]) / wall;
        nodes_total += c;
        out += " " + fmt2(c);
      } else {
        out += " ?";
      }
    }
    out += ", bench client " + fmt2((self - a.self) / wall);
    if (machine && a.machine) {
      const double other = (*machine - *a.machine) / wall - nodes_total - (self - a.self) / wall;
      out += ", other processes " + fmt2(std::max(0.0, other));
    }
    out += " (of " + std::to_string(std::max(1u, std::thread::hardware_concurrency())) + ")";
    return out;
  }
  static std::string fmt2(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
  }
};

struct Latency {
  std::size_t sent = 0, committed = 0;
  double p50 = 0, p99 = 0, max = 0;  // seconds; +inf when not committed in time
  double achieved_rate = 0;
  double send_rpc_ms = 0;
};

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto idx = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, idx == 0 ? 0 : idx - 1)];
}

std::string fmt_s(double v) {
  if (std::isinf(v)) return "inf (not committed everywhere in time)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", v);
  return buf;
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {}

  int run() {
    std::printf("== machine: %u cores\n", std::max(1u, std::thread::hardware_concurrency()));
    verify_ = measure_verify_rate(o_.verify_sigs, o_.verify_reps);
    if (verify_.per_s <= 0) throw BenchError("the verify-rate measurement failed");
    std::printf("verify_per_s = %.0f (all cores: %u threads, median of %d x %zu sigs; %.1f us CPU"
                " per verify; other processes used %.2f cores meanwhile)\n",
                verify_.per_s, verify_.threads, o_.verify_reps, o_.verify_sigs,
                verify_.cpu_us_per_sig, verify_.other_cores);
    std::fflush(stdout);

    work_.keep = o_.keep;
    work_.path = fs::path(o_.tmp_dir) / ("swarmchain-netbench-" + std::to_string(getpid()));
    fs::create_directories(work_.path);
    net_.emplace(o_.bin_dir, work_.path, kNodes);
    net_->start_all(o_.node_args);
    try {
      phases();
    } catch (...) {
      for (std::size_t i = 0; i < net_->size() && !interrupted(); ++i)
        std::fprintf(stderr, "--- last lines of node %zu's log ---\n%s", i,
                     tail(net_->log_path(i), 15).c_str());
      throw;
    }
    summary();
    tracker_.reset();
    net_->stop_all(15s);
    if (o_.keep) std::printf("work directory kept: %s\n", work_.path.string().c_str());
    return 0;
  }

 private:
  std::vector<uint16_t> ports(std::size_t n) const {
    std::vector<uint16_t> p;
    for (std::size_t i = 0; i < n; ++i) p.push_back(net_->rpc_port(i));
    return p;
  }

  int64_t backlog() const {
    return static_cast<int64_t>(gen_->accepted_ever()) -
           (static_cast<int64_t>(tracker_->committed_txs()) - base_committed_);
  }

  void wait_up() {
    std::vector<std::unique_ptr<RpcConn>> conns;
    for (std::size_t i = 0; i < kNodes; ++i)
      conns.push_back(std::make_unique<RpcConn>("127.0.0.1", net_->rpc_port(i), 2));
    const auto deadline = Clock::now() + 60s;
    for (;;) {
      check_interrupted();
      std::size_t up = 0;
      for (std::size_t i = 0; i < kNodes; ++i) {
        if (!net_->running(i)) throw BenchError("node " + std::to_string(i) + " exited");
        RpcReply r = conns[i]->call("get_height");
        if (r.ok && r.result.value("height", uint64_t{0}) >= 2) ++up;
      }
      if (up == kNodes) break;
      if (Clock::now() > deadline) throw BenchError("the 4 nodes did not commit block 2 within 60 s");
      std::this_thread::sleep_for(100ms);
    }
    RpcReply info = conns[0]->call("get_info");
    if (!info.ok) throw BenchError("get_info failed: " + info.message);
    auto id = fixed_from_hex<Hash>(info.result.at("chain_id").get<std::string>());
    if (!id) throw BenchError("get_info returned a bad chain_id");
    chain_id_ = *id;
  }

  // Waits (bounded) until the tracker has fetched every block node 0 has now.
  void wait_tracker(const char* what) {
    RpcConn n0("127.0.0.1", net_->rpc_port(0), 10);
    RpcReply h = n0.call("get_height");
    if (!h.ok) throw BenchError("get_height on node 0 failed: " + h.message);
    const uint64_t tip = h.result.at("height").get<uint64_t>();
    const auto deadline = Clock::now() + 30s;
    while (tracker_->blocks().size() < tip) {
      check_interrupted();
      if (Clock::now() > deadline)
        throw BenchError(std::string("after ") + what + ", the block tracker lags node 0 by " +
                         std::to_string(tip - tracker_->blocks().size()) + " blocks");
      std::this_thread::sleep_for(20ms);
    }
  }

  // Waits until every accepted tx is committed on node 0 (bounded); then rebases the backlog.
  void drain(const char* what) {
    const auto deadline = Clock::now() + 60s;
    while (backlog() > 0 && Clock::now() < deadline) {
      check_interrupted();
      std::this_thread::sleep_for(20ms);
    }
    if (backlog() > 0)
      std::printf("warning: after %s, %lld accepted txs were still not committed after 60 s\n",
                  what, static_cast<long long>(backlog()));
    base_committed_ = static_cast<int64_t>(tracker_->committed_txs()) -
                      static_cast<int64_t>(gen_->accepted_ever());
  }

  void report_run(const char* name, const RunResult& r) {
    std::printf("  %s: sent %llu accepted in %.1f s = %.0f tx/s (pre-signing %.1f s untimed);"
                " client threads spent %.0f%% of their time in send_raw_transaction (%.2f ms per"
                " call) and %.0f%% waiting (backlog bound / pacing)%s\n",
                name, static_cast<unsigned long long>(r.accepted), r.seconds(),
                r.seconds() > 0 ? static_cast<double>(r.accepted) / r.seconds() : 0.0, r.presign_s,
                100 * r.rpc_s / (r.seconds() * static_cast<double>(o_.threads)),
                r.accepted ? 1e3 * r.rpc_s / static_cast<double>(r.accepted) : 0.0,
                100 * r.waiting_s / (r.seconds() * static_cast<double>(o_.threads)),
                r.ran_out ? "; ran out of pre-signed txs" : "");
    if (r.refused || r.transport_errors || r.retries) {
      std::printf("  %s: %llu refused, %llu transport errors, %llu nonce-race retries\n", name,
                  static_cast<unsigned long long>(r.refused),
                  static_cast<unsigned long long>(r.transport_errors),
                  static_cast<unsigned long long>(r.retries));
      for (const auto& [reason, n] : r.refusals)
        std::printf("    refused %llu x %s\n", static_cast<unsigned long long>(n), reason.c_str());
      for (const auto& e : r.first_errors) std::printf("    e.g. %s\n", e.c_str());
    }
  }

  void phases() {
    wait_up();
    std::printf("== net: 4 nodes up (work dir %s)\n", work_.path.string().c_str());
    tracker_.emplace(ports(kNodes), std::chrono::milliseconds(o_.poll_ms));
    tracker_->start();
    auto dev = Keystore::open(net_->wallet_path(), "dev");
    if (!dev) throw BenchError("cannot open the dev wallet: " + dev.error().message());
    gen_.emplace(chain_id_, ports(kNodes), Amount(100'000));
    const auto f0 = Clock::now();
    gen_->fund(*dev, o_.senders, Amount::coins(10), 60s);
    // The tracker must have counted the funding blocks before the backlog is based on it.
    wait_tracker("funding");
    base_committed_ = static_cast<int64_t>(tracker_->committed_txs());
    std::printf("== funded %zu senders in %.1f s\n", o_.senders, secs(Clock::now() - f0));
    std::fflush(stdout);

    throughput();
    latency_low_ = latency("low load", o_.low_rate, 1);
    // Half the sustained rate is sent the way the throughput run sent it (batched calls, so the
    // client does not eat the nodes' cores), in calls about 10 ms apart per client thread.
    const double per_thread = tput_ / 2 / static_cast<double>(o_.threads);
    const std::size_t batch = std::clamp<std::size_t>(
        static_cast<std::size_t>(per_thread / 100), 1, o_.rpc_batch);
    if (tput_ > 2 * o_.low_rate)
      latency_half_ = latency("half the sustained rate", tput_ / 2, batch);
    else
      std::printf("  (half the sustained rate is below twice the low rate: skipped)\n");
    if (o_.blocks > 0) sync();
  }

  void throughput() {
    std::printf("== throughput: closed loop, backlog <= %lld, %.0f s (first %.0f s not counted)\n",
                static_cast<long long>(o_.backlog), o_.tput_seconds, o_.tput_warmup);
    std::fflush(stdout);
    RunSpec spec;
    spec.threads = o_.threads;
    spec.batch = o_.rpc_batch;
    spec.max_backlog = o_.backlog;
    spec.backlog = [this] { return backlog(); };
    spec.duration = std::chrono::milliseconds(static_cast<int64_t>(o_.tput_seconds * 1000));
    spec.max_txs = o_.tput_txs;
    const auto cpu0 = CpuWindow::now(*net_, kNodes);
    std::optional<CpuWindow> cpu_a;
    RunResult r;
    {
      // The CPU window matches the counted window: sampled when the warm-up ends.
      std::thread sampler([&] {
        const auto at = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o_.tput_warmup * 1000));
        while (Clock::now() < at && !interrupted()) std::this_thread::sleep_for(10ms);
        cpu_a = CpuWindow::now(*net_, kNodes);
      });
      r = gen_->run(spec);
      sampler.join();
    }
    const auto cpu1 = CpuWindow::now(*net_, kNodes);
    report_run("load", r);
    std::fflush(stdout);
    wait_tracker("the throughput run");
    // Committed rate over node 0's blocks that appeared between the warm-up's end and the end
    // of sending: from the first such block's appearance to the last's.
    const auto blocks = tracker_->blocks();
    const auto t_a = r.start + std::chrono::milliseconds(static_cast<int64_t>(o_.tput_warmup * 1000));
    const BlockStat* first = nullptr;
    const BlockStat* last = nullptr;
    uint64_t txs = 0, count = 0;
    for (const auto& b : blocks) {
      if (b.seen < t_a || b.seen > r.end) continue;
      if (!first) {
        first = &b;
        continue;
      }
      last = &b;
      txs += b.tx_count;
      ++count;
    }
    const double window = first && last ? secs(last->seen - first->seen) : 0;
    if (window <= 0) std::printf("  too few blocks were committed in the throughput window\n");
    tput_ = window > 0 ? static_cast<double>(txs) / window : 0;
    tput_blocks_per_s_ = window > 0 ? static_cast<double>(count) / window : 0;
    tput_txs_per_block_ = count ? static_cast<double>(txs) / static_cast<double>(count) : 0;
    std::printf("  committed %llu txs in %llu blocks over %.1f s: %.0f tx/s, %.1f blocks/s,"
                " %.0f txs per block; backlog at the end %lld\n",
                static_cast<unsigned long long>(txs), static_cast<unsigned long long>(count),
                window, tput_, tput_blocks_per_s_, tput_txs_per_block_,
                static_cast<long long>(backlog()));
    tput_cpu_ = cpu1.since(cpu_a ? *cpu_a : cpu0);
    std::printf("  %s\n", tput_cpu_.c_str());
    gen_send_rate_ = r.seconds() > 0 ? static_cast<double>(r.accepted) / r.seconds() : 0;
    gen_wait_share_ = r.waiting_s / (r.seconds() * static_cast<double>(o_.threads));
    std::fflush(stdout);
    drain("the throughput run");
  }

  // `batch` txs per call (1: send_raw_transaction).
  std::optional<Latency> latency(const char* name, double rate, std::size_t batch) {
    std::printf("== latency at %s: %.0f tx/s for %.0f s, %zu tx%s per call\n", name, rate,
                o_.latency_seconds, batch, batch == 1 ? "" : "s");
    std::fflush(stdout);
    tracker_->set_recording(true);
    RunSpec spec;
    spec.threads = o_.threads;
    spec.rate = rate;
    spec.batch = batch;
    spec.duration = std::chrono::milliseconds(static_cast<int64_t>(o_.latency_seconds * 1000));
    spec.max_txs = static_cast<std::size_t>(rate * o_.latency_seconds * 1.1) + o_.threads;
    spec.record_send_times = true;
    const RunResult r = gen_->run(spec);
    report_run("load", r);
    // Wait (bounded) until every sent tx appeared on every node.
    const auto deadline = Clock::now() + 20s;
    Latency l;
    l.sent = r.sent.size();
    std::vector<double> lat;
    for (;;) {
      lat.clear();
      for (const auto& s : r.sent)
        if (auto t = tracker_->seen_everywhere(s.txid)) lat.push_back(secs(*t - s.sent));
      if (lat.size() == r.sent.size() || Clock::now() > deadline || interrupted()) break;
      std::this_thread::sleep_for(100ms);
    }
    tracker_->set_recording(false);
    l.committed = lat.size();
    while (lat.size() < r.sent.size()) lat.push_back(std::numeric_limits<double>::infinity());
    std::sort(lat.begin(), lat.end());
    l.p50 = percentile(lat, 0.50);
    l.p99 = percentile(lat, 0.99);
    l.max = lat.empty() ? 0 : lat.back();
    l.achieved_rate = r.seconds() > 0 ? static_cast<double>(r.accepted) / r.seconds() : 0;
    l.send_rpc_ms = r.accepted ? 1e3 * r.rpc_s / static_cast<double>(r.accepted) : 0;
    std::printf("  %zu of %zu committed on all 4 nodes; p50 %s, p99 %s, max %s (poll every %d ms:"
                " each figure is up to that much late)\n",
                l.committed, l.sent, fmt_s(l.p50).c_str(), fmt_s(l.p99).c_str(),
                fmt_s(l.max).c_str(), o_.poll_ms);
    std::fflush(stdout);
    drain(name);
    return l;
  }

  void sync() {
    std::printf("== sync: loading the net until its tip reaches %llu (backlog <= %lld)\n",
                static_cast<unsigned long long>(o_.blocks), static_cast<long long>(o_.sync_backlog));
    std::fflush(stdout);
    const auto p0 = Clock::now();
    const uint64_t h0 = tracker_->height(0);
    const auto deadline = p0 + std::chrono::milliseconds(static_cast<int64_t>(o_.produce_timeout * 1000));
    while (tracker_->height(0) < o_.blocks) {
      check_interrupted();
      if (Clock::now() > deadline)
        throw BenchError("the net did not reach height " + std::to_string(o_.blocks) + " within " +
                         std::to_string(static_cast<int>(o_.produce_timeout)) + " s");
      RunSpec spec;
      spec.threads = o_.threads;
      spec.batch = o_.rpc_batch;
      spec.max_backlog = o_.sync_backlog;
      spec.backlog = [this] { return backlog(); };
      spec.duration = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      spec.done = [this] { return tracker_->height(0) >= o_.blocks; };
      spec.max_txs = 30'000;
      const RunResult r = gen_->run(spec);
      const double el = secs(Clock::now() - p0);
      std::printf("  height %llu after %.0f s (%.1f blocks/s); this chunk sent %llu txs\n",
                  static_cast<unsigned long long>(tracker_->height(0)), el,
                  static_cast<double>(tracker_->height(0) - h0) / el,
                  static_cast<unsigned long long>(r.accepted));
      std::fflush(stdout);
      if (r.accepted == 0 && r.refused + r.transport_errors > 0)
        throw BenchError("the load generator could not send any tx (see errors above)");
    }
    drain("the chain production");
    produce_s_ = secs(Clock::now() - p0);
    // The target: node 0's tip now; every block 1..target counted from the tracker's stats.
    RpcConn n0("127.0.0.1", net_->rpc_port(0), 10);
    RpcReply h = n0.call("get_height");
    if (!h.ok) throw BenchError("get_height on node 0 failed: " + h.message);
    target_ = h.result.at("height").get<uint64_t>();
    wait_tracker("the chain production");
    for (const auto& b : tracker_->blocks()) {
      if (b.height > target_) break;
      sync_txs_ += b.tx_count;
      sync_cert_sigs_ += b.cert_sigs;
    }
    std::printf("  produced in %.0f s; target height %llu: %llu tx signatures + %llu certificate"
                " signatures\n",
                produce_s_, static_cast<unsigned long long>(target_),
                static_cast<unsigned long long>(sync_txs_),
                static_cast<unsigned long long>(sync_cert_sigs_));
    std::printf("== sync: a fresh 5th node syncs %llu blocks from node 0\n",
                static_cast<unsigned long long>(target_));
    std::fflush(stdout);

    const std::size_t j = net_->add_joiner(0);
    const auto t0 = Clock::now();
    net_->start(j, o_.node_args);
    RpcConn jc("127.0.0.1", net_->rpc_port(j), 5);
    const auto sync_deadline = t0 + std::chrono::milliseconds(static_cast<int64_t>(o_.sync_timeout * 1000));
    std::optional<double> joiner_cpu;
    for (;;) {
      check_interrupted();
      if (!net_->running(j))
        throw BenchError("the joining node exited:\n" + tail(net_->log_path(j), 20));
      RpcReply r = jc.call("get_height");
      if (r.ok && r.result.value("height", uint64_t{0}) >= target_) {
        sync_s_ = secs(Clock::now() - t0);
        joiner_cpu = process_cpu_s(net_->pid(j));
        break;
      }
      if (Clock::now() > sync_deadline)
        throw BenchError("the joining node did not reach height " + std::to_string(target_) +
                         " within " + std::to_string(static_cast<int>(o_.sync_timeout)) + " s");
      std::this_thread::sleep_for(50ms);
    }
    sync_sigs_per_s_ = static_cast<double>(sync_txs_ + sync_cert_sigs_) / sync_s_;
    std::printf("  reached height %llu in %.1f s from its start: %.0f blocks/s, %.0f sigs/s",
                static_cast<unsigned long long>(target_), sync_s_,
                static_cast<double>(target_) / sync_s_, sync_sigs_per_s_);
    if (joiner_cpu)
      std::printf("; it used %.1f s of CPU (%.2f cores, %.1f us per signature)", *joiner_cpu,
                  *joiner_cpu / sync_s_,
                  1e6 * *joiner_cpu / static_cast<double>(sync_txs_ + sync_cert_sigs_));
    std::printf("\n");
    // The node's own account of the sync (node.cpp: "sync: caught up at height ...").
    const std::string log = read_file(net_->log_path(j));
    std::smatch m;
    if (std::regex_search(log, m, std::regex(R"(sync: caught up at height (\d+): (\d+) blocks from peers in ([0-9.]+) s)")))
      std::printf("  its log: caught up at height %s, %s blocks from peers in %s s\n",
                  m[1].str().c_str(), m[2].str().c_str(), m[3].str().c_str());
    std::fflush(stdout);
  }

  void print_latency(const char* name, const std::optional<Latency>& l) {
    if (!l) {
      std::printf("latency at %s: not measured\n", name);
      return;
    }
    std::printf("latency at %s (%.0f tx/s sent, %zu txs, %zu committed): p50 %s, p99 %s"
                " (goal p50 <= 0.1 s, p99 <= 0.5 s)\n",
                name, l->achieved_rate, l->sent, l->committed, fmt_s(l->p50).c_str(),
                fmt_s(l->p99).c_str());
  }

  void summary() {
    const double share = verify_.per_s / static_cast<double>(kNodes);
    std::printf("\n== net summary (4 nodes on %u cores)\n", verify_.threads);
    std::printf("verify_per_s = %.0f (all cores), verify_per_s / 4 = %.0f\n", verify_.per_s, share);
    std::printf("committed_tx_per_s = %.0f (%.1f blocks/s, %.0f txs per block; load generator sent"
                " %.0f tx/s and waited on the backlog bound %.0f%% of its time)\n",
                tput_, tput_blocks_per_s_, tput_txs_per_block_, gen_send_rate_,
                100 * gen_wait_share_);
    std::printf("ratio committed_tx_per_s / (verify_per_s / 4) = %.3f (goal >= 0.6)\n", tput_ / share);
    // Other processes slow the verify loop and the nodes alike; the CPU time per verify is
    // what an idle machine would turn into verify_per_s, so this is the stricter figure.
    const double idle = verify_.cpu_us_per_sig > 0
                            ? 1e6 * static_cast<double>(verify_.threads) / verify_.cpu_us_per_sig
                            : 0;
    if (idle > 0)
      std::printf("  (idle-machine verify rate %.0f/s = %u cores / %.1f us: ratio %.3f)\n", idle,
                  verify_.threads, verify_.cpu_us_per_sig, tput_ / (idle / kNodes));
    std::printf("throughput run %s\n", tput_cpu_.c_str());
    print_latency("low load", latency_low_);
    print_latency("half the sustained rate", latency_half_);
    if (o_.blocks > 0) {
      std::printf("sync_sigs_per_s = %.0f (%llu blocks, %llu tx + %llu certificate signatures in"
                  " %.1f s)\n",
                  sync_sigs_per_s_, static_cast<unsigned long long>(target_),
                  static_cast<unsigned long long>(sync_txs_),
                  static_cast<unsigned long long>(sync_cert_sigs_), sync_s_);
      std::printf("ratio sync_sigs_per_s / verify_per_s = %.3f (goal >= 0.5)\n",
                  sync_sigs_per_s_ / verify_.per_s);
      if (idle > 0) std::printf("  (against the idle-machine verify rate: %.3f)\n", sync_sigs_per_s_ / idle);
    } else {
      std::printf("sync: skipped (--blocks 0)\n");
    }
    if (verify_.other_cores > 0.1)
      std::printf("warning: other processes kept %.2f cores busy while the verify rate was"
                  " measured; the ratios are unreliable, rerun on an idle machine\n",
                  verify_.other_cores);
    std::fflush(stdout);
  }

  Options o_;
  VerifyRate verify_;
  WorkDir work_;                         // destroyed after net_ (declared before it)
  std::optional<NetCluster> net_;
  std::optional<CommitTracker> tracker_;
  std::optional<LoadGen> gen_;
  Hash chain_id_;
  int64_t base_committed_ = 0;
  double tput_ = 0, tput_blocks_per_s_ = 0, tput_txs_per_block_ = 0;
  double gen_send_rate_ = 0, gen_wait_share_ = 0;
  std::string tput_cpu_;
  std::optional<Latency> latency_low_, latency_half_;
  double produce_s_ = 0, sync_s_ = 0, sync_sigs_per_s_ = 0;
  uint64_t target_ = 0, sync_txs_ = 0, sync_cert_sigs_ = 0;
};

}  // namespace
}  // namespace swarmchain::bench

int main(int argc, char** argv) {
  swarmchain::bench::Options o;
  if (const int rc = swarmchain::bench::parse_options(argc, argv, o); rc >= 0) return rc;
  swarmchain::bench::install_interrupt_handlers();
  if (!swarmchain::crypto_init()) {
    std::fprintf(stderr, "net_bench: libsodium failed to initialise\n");
    return 1;
  }
  try {
    swarmchain::bench::Bench bench(o);
    return bench.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "net_bench: %s\n", e.what());
    return 1;
  }
}

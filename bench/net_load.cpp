#include "bench/net_load.h"

#include <algorithm>
#include <exception>

#include "bench/net_cluster.h"
#include "bench/net_rpc.h"
#include "chain/tx.h"
#include "common/address.h"
#include "common/hex.h"

namespace swarmchain::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

double secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Sleeps up to `d` in short steps, returning early when `stop` is set.
void nap(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + d;
  while (!stop.load() && Clock::now() < until)
    std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), 20ms));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CommitTracker

CommitTracker::CommitTracker(std::vector<uint16_t> rpc_ports, std::chrono::milliseconds interval)
    : ports_(std::move(rpc_ports)),
      interval_(interval),
      heights_(ports_.size()),
      errors_(ports_.size()),
      seen_(ports_.size()) {}

CommitTracker::~CommitTracker() { stop(); }

void CommitTracker::start() {
  for (std::size_t i = 0; i < ports_.size(); ++i) threads_.emplace_back([this, i] { poll(i); });
}

void CommitTracker::stop() {
  stop_.store(true);
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::vector<BlockStat> CommitTracker::blocks() const {
  std::lock_guard lock(mu_);
  return blocks_;
}

std::optional<Clock::time_point> CommitTracker::seen_everywhere(const std::string& txid) const {
  std::lock_guard lock(mu_);
  Clock::time_point last{};
  for (const auto& node : seen_) {
    auto it = node.find(txid);
    if (it == node.end()) return std::nullopt;
    last = std::max(last, it->second);
  }
  return last;
}

std::vector<uint64_t> CommitTracker::errors() const {
  std::vector<uint64_t> out;
  for (const auto& e : errors_) out.push_back(e.load());
  return out;
}

void CommitTracker::poll(std::size_t node) {
  RpcConn conn("127.0.0.1", ports_[node], 10);
  uint64_t last = 0;
  while (!stop_.load()) {
    const auto tick = Clock::now();
    RpcReply r = conn.call("get_height");
    const auto now = Clock::now();
    if (!r.ok) {
      errors_[node].fetch_add(1);
      nap(interval_, stop_);
      continue;
    }
    uint64_t tip = 0;
    try {
      tip = r.result.at("height").get<uint64_t>();
    } catch (const std::exception&) {
      errors_[node].fetch_add(1);
      nap(interval_, stop_);
      continue;
    }
    heights_[node].store(tip);
    // The flag is read after the height: a tx sent after recording began is in a block above
    // the tip read here, so skipping up to this tip never skips it.
    const bool recording = recording_.load();
    if (node != 0 && !recording) {
      last = tip;
      nap(100ms, stop_);
      continue;
    }
    for (uint64_t h = last + 1; h <= tip && !stop_.load(); ++h) {
      RpcReply b = conn.call("get_block", json{{"height", h}});
      if (!b.ok) {
        errors_[node].fetch_add(1);
        break;
      }
      try {
        BlockStat st;
        st.height = h;
        st.tx_count = b.result.at("tx_count").get<uint64_t>();
        const json& cert = b.result.at("certificate");
        st.cert_sigs = cert.is_object() ? cert.at("signatures").size() : 0;
        st.seen = now;
        std::lock_guard lock(mu_);
        if (node == 0) {
          blocks_.push_back(st);
          committed_txs_.fetch_add(st.tx_count);
        }
        if (recording)
          for (const auto& id : b.result.at("txids")) seen_[node].emplace(id.get<std::string>(), now);
      } catch (const std::exception&) {
        errors_[node].fetch_add(1);
        break;
      }
      last = h;
    }
    const auto next = tick + interval_;
    if (Clock::now() < next) std::this_thread::sleep_until(next);
  }
}

// ---------------------------------------------------------------------------------------------
// LoadGen

LoadGen::LoadGen(Hash chain_id, std::vector<uint16_t> rpc_ports, Amount fee)
    : chain_id_(chain_id), ports_(std::move(rpc_ports)), fee_(fee) {}

std::size_t LoadGen::live_senders() const {
  return static_cast<std::size_t>(
      std::count_if(senders_.begin(), senders_.end(), [](const Sender& s) { return !s.dropped; }));
}

void LoadGen::fund(const KeyPair& dev, std::size_t count, Amount each,
                   std::chrono::milliseconds timeout) {
  RpcConn node0("127.0.0.1", ports_.at(0), 10);
  RpcReply acct = node0.call("get_account", json{{"address", address_from_pubkey(dev.pubkey())}});
  if (!acct.ok) throw BenchError("get_account of the dev wallet failed: " + acct.message);
  uint64_t nonce = acct.result.at("pending_nonce").get<uint64_t>();
  std::string last_txid;
  for (std::size_t i = 0; i < count; ++i) {
    check_interrupted();
    Sender s{KeyPair::generate(), 0, false};
    Tx tx;
    tx.chain_id = chain_id_;
    tx.sender = dev.pubkey();
    tx.nonce = nonce++;
    tx.fee = fee_;
    tx.payload = TransferPayload{s.key.pubkey(), each};
    tx.sign(dev);
    RpcReply r = node0.send_raw(to_hex(tx.to_bytes()));
    if (!r.ok)
      throw BenchError("funding transfer " + std::to_string(i) + " refused: " + r.message);
    last_txid = to_hex(tx.id());
    senders_.push_back(std::move(s));
  }
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    check_interrupted();
    RpcReply r = node0.call("get_transaction", json{{"txid", last_txid}});
    if (r.ok && r.result.value("status", "") == "confirmed") return;
    std::this_thread::sleep_for(50ms);
  }
  throw BenchError("the funding transfers were not confirmed within " +
                   std::to_string(timeout.count()) + " ms");
}

std::vector<std::vector<LoadGen::PreTx>> LoadGen::presign(std::size_t threads,
                                                          std::size_t max_txs) {
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < senders_.size(); ++i)
    if (!senders_[i].dropped) live.push_back(i);
  if (live.size() < 2) throw BenchError("fewer than 2 sender accounts left");
  const std::size_t per_sender = std::max<std::size_t>(1, max_txs / live.size());
  // Thread t sends for live[j], j % threads == t: round r, then each of its senders' r-th tx.
  struct Job {
    std::size_t thread, pos;
    uint32_t sender, to;
    uint64_t nonce;
  };
  std::vector<std::vector<PreTx>> plans(threads);
  std::vector<Job> jobs;
  for (std::size_t t = 0; t < threads; ++t) {
    for (std::size_t r = 0; r < per_sender; ++r) {
      for (std::size_t j = t; j < live.size(); j += threads) {
        jobs.push_back({t, plans[t].size(), live[j], live[(j + 1) % live.size()],
                        senders_[live[j]].next_nonce + r});
        plans[t].emplace_back();
      }
    }
  }
  std::atomic<std::size_t> cursor{0};
  auto worker = [&] {
    for (;;) {
      const std::size_t k = cursor.fetch_add(1);
      if (k >= jobs.size()) return;
      const Job& job = jobs[k];
      Tx tx;
      tx.chain_id = chain_id_;
      tx.sender = senders_[job.sender].key.pubkey();
      tx.nonce = job.nonce;
      tx.fee = fee_;
      tx.payload = TransferPayload{senders_[job.to].key.pubkey(), Amount(1)};
      tx.sign(senders_[job.sender].key);
      PreTx& p = plans[job.thread][job.pos];
      p.hex = to_hex(tx.to_bytes());
      p.txid = to_hex(tx.id());
      p.sender = job.sender;
    }
  };
  std::vector<std::thread> pool;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned c = 0; c < cores; ++c) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  return plans;
}

RunResult LoadGen::run(const RunSpec& spec) {
  RunResult res;
  const std::size_t threads = std::max<std::size_t>(1, spec.threads);
  const auto p0 = Clock::now();
  auto plans = presign(threads, spec.max_txs);
  res.presign_s = secs(Clock::now() - p0);

  std::vector<uint64_t> accepted_by_sender(senders_.size(), 0);  // each entry: one thread
  std::vector<char> dropped(senders_.size(), 0);                  // each entry: one thread
  std::mutex mu;                                                  // guards res
  std::atomic<std::size_t> exhausted{0};
  res.start = Clock::now();
  const auto deadline = res.start + spec.duration;
  const double period = spec.rate > 0 ? static_cast<double>(threads) / spec.rate : 0;

  auto client = [&](std::size_t t) {
    RpcConn conn("127.0.0.1", ports_[t % ports_.size()], 10);
    RunResult mine;
    std::size_t consecutive_transport = 0;
    bool finished = true;
    const auto offset = std::chrono::duration<double>(period * static_cast<double>(t) /
                                                      static_cast<double>(threads));
    const auto& plan = plans[t];
    const std::size_t batch = std::max<std::size_t>(1, spec.batch);
    // One reply: true if the thread must stop (the node is unreachable).
    auto account = [&](const PreTx& p, const RpcReply& r, Clock::time_point sent) {
      if (r.ok || r.reason == "duplicate") {
        consecutive_transport = 0;
        ++mine.accepted;
        ++accepted_by_sender[p.sender];
        accepted_ever_.fetch_add(1);
        if (spec.record_send_times) mine.sent.push_back({p.txid, sent});
        return false;
      }
      dropped[p.sender] = 1;  // its later txs would leave a nonce gap
      if (r.code == -1) {
        ++mine.transport_errors;
        if (mine.first_errors.size() < 3) mine.first_errors.push_back(r.message);
        return ++consecutive_transport >= 50;
      }
      ++mine.refused;
      ++mine.refusals[r.reason.empty() ? r.message : r.reason];
      if (mine.first_errors.size() < 3) mine.first_errors.push_back(r.message);
      return false;
    };
    std::vector<const PreTx*> group;
    std::vector<const std::string*> hexes;
    for (std::size_t k = 0; k < plan.size();) {
      auto now = Clock::now();
      if (now >= deadline || interrupted() ||
          (spec.done && (batch > 1 || k % 16 == 0) && spec.done())) {
        finished = false;
        break;
      }
      if (period > 0) {
        const auto target =
            res.start + std::chrono::duration_cast<Clock::duration>(
                            offset + std::chrono::duration<double>(period * static_cast<double>(k)));
        if (now < target) {
          std::this_thread::sleep_until(target);
          mine.waiting_s += secs(Clock::now() - now);
        }
      }
      if (spec.max_backlog > 0 && spec.backlog) {
        const auto w0 = Clock::now();
        while (spec.backlog() >= spec.max_backlog && Clock::now() < deadline && !interrupted())
          std::this_thread::sleep_for(1ms);
        mine.waiting_s += secs(Clock::now() - w0);
      }
      group.clear();
      for (; k < plan.size() && group.size() < batch; ++k)
        if (!dropped[plan[k].sender]) group.push_back(&plan[k]);
      if (group.empty()) continue;
      // A tx refused as nonce_too_high (the node's RPC saw an older state than the one our
      // last tx used) is sent again with everything after it; those already admitted come
      // back as duplicates.
      std::size_t from = 0;
      bool stop = false;
      for (int attempt = 0; from < group.size(); ++attempt) {
        const Clock::time_point sent = Clock::now();
        std::vector<RpcReply> replies;
        if (group.size() - from == 1) {
          replies.push_back(conn.send_raw(group[from]->hex));
        } else {
          hexes.clear();
          for (std::size_t i = from; i < group.size(); ++i) hexes.push_back(&group[i]->hex);
          replies = conn.send_raw_batch(hexes);
        }
        mine.rpc_s += secs(Clock::now() - sent);
        std::size_t retry_from = group.size();
        for (std::size_t i = 0; i < replies.size(); ++i) {
          const RpcReply& r = replies[i];
          if (!r.ok && r.reason == "nonce_too_high" && attempt < 100) {
            retry_from = from + i;
            break;
          }
          if (account(*group[from + i], r, sent)) stop = true;
        }
        if (stop || retry_from == group.size()) break;
        from = retry_from;
        ++mine.retries;
        std::this_thread::sleep_for(2ms);
      }
      if (stop) {
        finished = false;
        break;
      }
    }
    if (finished) exhausted.fetch_add(1);
    std::lock_guard lock(mu);
    res.accepted += mine.accepted;
    res.refused += mine.refused;
    res.transport_errors += mine.transport_errors;
    res.retries += mine.retries;
    for (const auto& [k, v] : mine.refusals) res.refusals[k] += v;
    for (auto& e : mine.first_errors)
      if (res.first_errors.size() < 5) res.first_errors.push_back(std::move(e));
    res.waiting_s += mine.waiting_s;
    res.rpc_s += mine.rpc_s;
    res.sent.insert(res.sent.end(), mine.sent.begin(), mine.sent.end());
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(client, t);
  for (auto& th : pool) th.join();
  res.end = Clock::now();
  res.ran_out = exhausted.load() == threads;
  for (std::size_t i = 0; i < senders_.size(); ++i) {
    senders_[i].next_nonce += accepted_by_sender[i];
    if (dropped[i]) senders_[i].dropped = true;
  }
  return res;
}

}  // namespace swarmchain::bench

// Host::probe over loopback (issue 10, reachability quorums): a probe of a running Host with
// its key, the wrong key, a closed port, a listener that never answers, one that sends garbage,
// a Host on another chain, genesis or protocol version; a target probed 50 times keeps its real
// peers (the same connections), bans and penalizes nobody and logs nothing above debug; stop()
// with a probe in flight still calls done once. Every wait is on a condition with a deadline.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/hex.h"
#include "tests/common/golden.h"
#include "tests/p2p/support.h"

namespace swarmchain::p2p::test {
namespace {

// Collects what `done` receives: how many calls, the last Status, the calling thread.
class ProbeResult {
 public:
  std::function<void(Status)> callback() {
    return [this](Status s) {
      std::lock_guard lk(mu_);
      ++calls_;
      status_ = std::move(s);
      thread_ = std::this_thread::get_id();
      cv_.notify_all();
    };
  }
  // Waits (bounded) for the first call; false if none came.
  bool wait(std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [this] { return calls_ > 0; });
  }
  int calls() const {
    std::lock_guard lk(mu_);
    return calls_;
  }
  Status status() const {
    std::lock_guard lk(mu_);
    return status_;
  }
  ProbeError code() const { return status().code_as<ProbeError>(); }
  std::string message() const { return status().message(); }
  std::thread::id thread() const {
    std::lock_guard lk(mu_);
    return thread_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  Status status_ = Status::error("not called");
  std::thread::id thread_;
};

// A plain listening socket on 127.0.0.1 that accepts only when told to (until then the kernel
// completes connections into its backlog, so a client connects and hears nothing).
class RawListener {
 public:
  RawListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close_all();
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~RawListener() { close_all(); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Accepts one connection within `timeout`; -1 if none came. The fd is closed with us.
  int accept_one(std::chrono::milliseconds timeout = 10s) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) accepted_.push_back(c);
    return c;
  }
  // Closes the listener (its port is then closed: connections are refused).
  void close_all() {
    for (int c : accepted_) ::close(c);
    accepted_.clear();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::vector<int> accepted_;
};

// Records every log line with its level (installed while no Host runs).
class CaptureSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::pair<spdlog::level::level_enum, std::string>> lines() {
    std::lock_guard lk(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.level, std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
};

TEST(Probe, AProbeOfARunningHostWithItsKeySucceedsAndAddsNoPeer) {
  TestNode target(test_config());
  TestNode prober(test_config());
  ProbeResult r;
  prober.host->probe(target.address(), target.key.pubkey(), r.callback());
  ASSERT_TRUE(r.wait());
  EXPECT_TRUE(r.status().is_ok()) << r.message();
  EXPECT_NE(r.thread(), std::this_thread::get_id());
  EXPECT_TRUE(eventually([&] { return drops(*target.host, "probe") == 1; }));
  EXPECT_EQ(drops(*target.host, "handshake_closed"), 0u);
  // Neither side made a peer, a dial target or a book entry of the other.
  EXPECT_EQ(target.handler.connects.load(), 0);
  EXPECT_EQ(prober.handler.connects.load(), 0);
  EXPECT_EQ(prober.host->peer_count(), 0u);
  EXPECT_EQ(prober.host->memory().dial_targets, 0u);
  EXPECT_EQ(prober.host->memory().address_book, 0u);
  EXPECT_EQ(target.host->memory().address_book, 0u);
  EXPECT_TRUE(eventually([&] { return target.host->memory().connections == 0; }));
  EXPECT_EQ(prober.host->memory().connections, 0u);
  EXPECT_EQ(r.calls(), 1);
}

TEST(Probe, AnotherNodeKeyAnsweringIsWrongKeyAndNamesBothKeys) {
  TestNode target(test_config());
  TestNode prober(test_config());
  const KeyPair expected = KeyPair::generate();
  ProbeResult r;
  prober.host->probe(target.address(), expected.pubkey(), r.callback());
  ASSERT_TRUE(r.wait());
  EXPECT_EQ(r.code(), ProbeError::kWrongKey) << r.message();
  const std::string got = to_hex(target.key.pubkey()).substr(0, 8);
  const std::string want = to_hex(expected.pubkey()).substr(0, 8);
  EXPECT_NE(r.message().find("answered with node key " + got), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("instead of " + want), std::string::npos) << r.message();
  EXPECT_EQ(r.message().find('\n'), std::string::npos);
}

TEST(Probe, AClosedPortIsUnreachableQuicklyAndSoIsANonAddress) {
  TestNode prober(test_config());
  RawListener l;
  ASSERT_NE(l.port(), 0);
  const std::string closed = l.address();
  l.close_all();
  ProbeResult r;
  const auto t0 = std::chrono::steady_clock::now();
  prober.host->probe(closed, KeyPair::generate().pubkey(), r.callback());
  ASSERT_TRUE(r.wait());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);  // refused at once, not at the deadline
  EXPECT_EQ(r.code(), ProbeError::kUnreachable) << r.message();
  EXPECT_EQ(r.message(), closed + ": connection refused");

  ProbeResult bad;
  prober.host->probe("no-port-here", KeyPair::generate().pubkey(), bad.callback());
  ASSERT_TRUE(bad.wait());
  EXPECT_EQ(bad.code(), ProbeError::kUnreachable) << bad.message();
}

TEST(Probe, AListenerThatNeverAnswersTimesOutAtTheDeadline) {
  HostConfig c = test_config();
  c.handshake_timeout_ms = 400;
  TestNode prober(c);
  RawListener silent;  // never accepts, never writes
  ASSERT_NE(silent.port(), 0);
  ProbeResult r;
  const auto t0 = std::chrono::steady_clock::now();
  prober.host->probe(silent.address(), KeyPair::generate().pubkey(), r.callback());
  ASSERT_TRUE(r.wait());
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.code(), ProbeError::kTimeout) << r.message();
  EXPECT_NE(r.message().find("no answer within 400 ms"), std::string::npos) << r.message();
  EXPECT_GE(took, 390ms);
  EXPECT_LT(took, 3s);
}

TEST(Probe, AListenerThatSendsGarbageFailsTheHandshakeAtOnce) {
  TestNode prober(test_config());  // deadline 4 s: garbage must fail long before
  RawListener l;
  ASSERT_NE(l.port(), 0);
  ProbeResult r;
  const auto t0 = std::chrono::steady_clock::now();
  prober.host->probe(l.address(), KeyPair::generate().pubkey(), r.callback());
  const int c = l.accept_one();
  ASSERT_GE(c, 0);
  const std::string garbage = "HTTP/1.1 400 Bad Request\r\n\r\n";
  ASSERT_EQ(::send(c, garbage.data(), garbage.size(), MSG_NOSIGNAL), static_cast<ssize_t>(garbage.size()));
  ASSERT_TRUE(r.wait());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(r.code(), ProbeError::kHandshakeFailed) << r.message();
  EXPECT_NE(r.message().find("SWCH magic"), std::string::npos) << r.message();
}

TEST(Probe, AListenerThatClosesMidHandshakeFailsTheHandshake) {
  TestNode prober(test_config());
  RawListener l;
  ASSERT_NE(l.port(), 0);
  ProbeResult r;
  prober.host->probe(l.address(), KeyPair::generate().pubkey(), r.callback());
  const int c = l.accept_one();
  ASSERT_GE(c, 0);
  ASSERT_EQ(::send(c, "SWCH", 4, MSG_NOSIGNAL), 4);
  l.close_all();
  ASSERT_TRUE(r.wait());
  EXPECT_EQ(r.code(), ProbeError::kHandshakeFailed) << r.message();
  EXPECT_NE(r.message().find("closed the connection"), std::string::npos) << r.message();
}

TEST(Probe, AHostOnAnotherChainGenesisOrVersionIsWrongChain) {
  TestNode prober(test_config());
  HostConfig other_chain = test_config();
  other_chain.chain_id = swarmchain::testing::pattern<Hash>(0x77);
  HostConfig other_genesis = test_config();
  other_genesis.genesis_hash = swarmchain::testing::pattern<Hash>(0x78);
  HostConfig other_version = test_config();
  other_version.protocol_version = 2;
  const std::vector<std::pair<HostConfig, std::string>> cases = {
      {other_chain, "chain id"}, {other_genesis, "genesis"}, {other_version, "protocol version"}};
  for (const auto& [cfg, says] : cases) {
    TestNode target(cfg);
    ProbeResult r;
    prober.host->probe(target.address(), target.key.pubkey(), r.callback());
    ASSERT_TRUE(r.wait());
    EXPECT_EQ(r.code(), ProbeError::kWrongChain) << r.message();
    EXPECT_NE(r.message().find(says), std::string::npos) << r.message();
  }
}

TEST(Probe, FiftyProbesLeaveTheTargetServingItsPeersBanningNobodyAndLoggingAtDebugOnly) {
  auto capture = std::make_shared<CaptureSink>();
  capture->set_level(spdlog::level::debug);
  auto saved = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("probe_test", spdlog::sinks_init_list{capture});
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  {
    // The prober's key is the smaller and the target dialled it: the case in which a probe that
    // sent its Hello would have replaced the real connection (duplicate-connection rule).
    KeyPair pk = KeyPair::generate(), tk = KeyPair::generate();
    if (tk.pubkey() < pk.pubkey()) std::swap(pk, tk);
    // Only the target dials (its seeds), so the topology is fixed and no other connection can
    // come or go while the probes run: every log line then is the probes'.
    HostConfig leaf = test_config();
    leaf.max_outbound = 0;
    TestNode prober(leaf, pk);
    TestNode other(leaf);
    HostConfig tc = test_config();
    tc.seeds = {prober.address(), other.address()};
    TestNode target(tc, tk);
    // Both ends of both connections have logged "connected" too: a host counts a peer before
    // it logs it, and under a sanitizer's slowdown that line came after lines_before.
    const auto connected_lines = [&] {
      std::size_t n = 0;
      for (const auto& [level, text] : capture->lines())
        if (text.find("p2p: connected to") != std::string::npos) ++n;
      return n;
    };
    ASSERT_TRUE(eventually([&] {
      return target.connected_to(prober) && target.connected_to(other) && target.host->memory().connections == 2 &&
             prober.host->memory().connections == 1 && other.host->memory().connections == 1 &&
             connected_lines() == 4;
    }));
    const auto before = target.host->peers();
    auto drops_before = target.host->drop_counts();
    const auto prober_drops_before = prober.host->drop_counts();
    const int connects = target.handler.connects.load();
    const int target_disconnects = target.handler.disconnects.load();
    const int prober_disconnects = prober.handler.disconnects.load();
    const std::size_t lines_before = capture->lines().size();

    constexpr int kProbes = 50;
    for (int i = 0; i < kProbes; ++i) {
      ProbeResult r;
      prober.host->probe(target.address(), target.key.pubkey(), r.callback());
      ASSERT_TRUE(r.wait()) << "probe " << i;
      ASSERT_TRUE(r.status().is_ok()) << "probe " << i << ": " << r.message();
    }
    ASSERT_TRUE(eventually([&] { return drops(*target.host, "probe") == kProbes; }));

    // The same connections (same ids), nobody penalized or banned, no new connect events.
    const auto after = target.host->peers();
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].id, before[i].id);
      EXPECT_EQ(after[i].ban_score, 0);
    }
    EXPECT_EQ(target.handler.connects.load(), connects);
    EXPECT_EQ(target.handler.disconnects.load(), target_disconnects);
    EXPECT_EQ(prober.handler.disconnects.load(), prober_disconnects);
    for (const auto* n : {&target, &prober, &other}) {
      EXPECT_EQ(n->host->memory().bans, 0u);
      EXPECT_EQ(drops(*n->host, "banned"), 0u);
    }
    // The target counted the probes and nothing else; the prober counted nothing.
    bool counted = false;
    for (auto& [reason, n] : drops_before)
      if (reason == "probe") n += kProbes, counted = true;
    if (!counted) drops_before.emplace_back("probe", kProbes);
    std::sort(drops_before.begin(), drops_before.end());
    EXPECT_EQ(target.host->drop_counts(), drops_before);
    EXPECT_EQ(prober.host->drop_counts(), prober_drops_before);
    // Still serving: payloads both ways with both real peers.
    target.host->broadcast(bytes_of("after probes"));
    prober.host->broadcast(bytes_of("from prober"));
    other.host->broadcast(bytes_of("from other"));
    EXPECT_TRUE(eventually([&] {
      return prober.handler.count("after probes") == 1 && other.handler.count("after probes") == 1 &&
             target.handler.count("from prober") == 1 && target.handler.count("from other") == 1;
    }));

    // Logs: one debug line per probe on the target, nothing above debug about the probes.
    const auto lines = capture->lines();
    std::size_t probe_lines = 0;
    for (std::size_t i = lines_before; i < lines.size(); ++i) {
      const auto& [level, text] = lines[i];
      if (text.find("reachability probe by node " + to_hex(prober.key.pubkey())) != std::string::npos) {
        ++probe_lines;
        EXPECT_EQ(level, spdlog::level::debug) << text;
      } else {
        EXPECT_LT(level, spdlog::level::info) << text;
      }
    }
    EXPECT_EQ(probe_lines, static_cast<std::size_t>(kProbes));
  }
  spdlog::set_default_logger(saved);
}

TEST(Probe, StopWithAProbeInFlightCallsDoneOnceWithCancelled) {
  HostConfig c = test_config();
  c.handshake_timeout_ms = 60'000;  // the probe would wait a minute: only stop() can end it
  auto prober = std::make_unique<TestNode>(c);
  RawListener silent;
  ASSERT_NE(silent.port(), 0);
  ProbeResult r;
  prober->host->probe(silent.address(), KeyPair::generate().pubkey(), r.callback());
  ASSERT_GE(silent.accept_one(), 0);  // the probe is connected and waiting for an answer
  const auto t0 = std::chrono::steady_clock::now();
  prober->host->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);  // not the 5 s guard of a stuck thread
  // stop() has joined the Host's threads: no later call can come.
  EXPECT_EQ(r.calls(), 1);
  EXPECT_EQ(r.code(), ProbeError::kCancelled) << r.message();
  EXPECT_NE(r.thread(), std::this_thread::get_id());

  // A stopped Host answers a new probe at once, on the caller's thread.
  ProbeResult late;
  prober->host->probe(silent.address(), KeyPair::generate().pubkey(), late.callback());
  EXPECT_EQ(late.calls(), 1);
  EXPECT_EQ(late.code(), ProbeError::kCancelled) << late.message();
}

TEST(Probe, ManyProbesAtOnceAllEndOnce) {
  TestNode target(test_config());
  TestNode prober(test_config());
  constexpr int kProbes = 12;  // below the target's max_handshaking (16)
  std::vector<std::unique_ptr<ProbeResult>> rs;
  for (int i = 0; i < kProbes; ++i) {
    rs.push_back(std::make_unique<ProbeResult>());
    prober.host->probe(target.address(), target.key.pubkey(), rs.back()->callback());
  }
  for (auto& r : rs) {
    ASSERT_TRUE(r->wait());
    EXPECT_TRUE(r->status().is_ok()) << r->message();
  }
  EXPECT_TRUE(eventually([&] { return drops(*target.host, "probe") == kProbes; }));
  for (auto& r : rs) EXPECT_EQ(r->calls(), 1);
}

}  // namespace
}  // namespace swarmchain::p2p::test

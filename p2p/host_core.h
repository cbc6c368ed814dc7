// p2p::HostCore: the implementation behind p2p::Host (internal): the Asio threads, the
// listener, the connections, and the peer manager (dial targets with backoff, the address
// book, ban scores, peer exchange) plus the gossip "seen" filter.
//
// Bans are by node key and by listen address ("ip:port"), not by IP alone: every test peer is
// 127.0.0.1, and on a real net one IP can host several honest nodes. An unauthenticated
// connection has no identity to ban; it costs us only a handshake slot (max_handshaking).
//
// Thread-safety: every public member may be called from any thread. mu_ guards the peer
// tables, targets, book and bans; seen_mu_ the gossip filter; drops_mu_ the counters. No lock
// is held while calling the HostHandler or into a Connection (they only post).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "p2p/address_book.h"
#include "p2p/connection.h"
#include "p2p/gossip.h"
#include "p2p/host.h"
#include "p2p/probe.h"

namespace swarmchain::p2p {

inline constexpr std::size_t kSeenCapacity = 100'000;
inline constexpr std::size_t kKnownPerPeer = 8'192;
inline constexpr std::size_t kMaxScores = 4'096;
inline constexpr std::size_t kMaxBans = 4'096;
inline constexpr int kMaxTargetFailures = 5;  // a learned address dropped after this many

class HostCore : public std::enable_shared_from_this<HostCore> {
 public:
  HostCore(HostConfig config, const KeyPair& node_key, HostHandler& handler,
           std::function<bool(ByteView)> is_gossip);
  ~HostCore();

  Status start();
  void stop();
  uint16_t port() const { return port_.load(); }
  void broadcast(ByteView payload);
  void send(PeerId to, ByteView payload);
  void penalize(PeerId peer, int points, const std::string& reason);
  void add_peer(const std::string& host_port);
  void probe(const std::string& host_port, const PubKey& expected_key, std::function<void(Status)> done);
  std::size_t peer_count() const;
  std::vector<PeerInfo> peers() const;
  std::vector<std::pair<std::string, uint64_t>> drop_counts() const;
  HostMemory memory() const;

  // For Connection (from its strand).
  const HostConfig& config() const { return cfg_; }
  const KeyPair& node_key() const { return key_; }
  HostHandler& handler() { return handler_; }
  net::io_context& io() { return ioc_; }
  bool stopping() const { return stopping_.load(); }
  bool is_gossip(ByteView payload) const { return is_gossip_ && is_gossip_(payload); }
  uint64_t gossip_hash(ByteView payload) const { return hasher_(payload); }
  bool first_seen(uint64_t h);
  void count_drop(const std::string& reason);
  // Registers an authenticated peer; "" if accepted (on_connected is called), else the reason.
  std::string activate(const std::shared_ptr<Connection>& conn, const PeerInfo& info);
  void on_closed(const Connection& conn, const std::string& reason, bool was_active, bool counted);
  void update_height(PeerId id, uint64_t height);
  // A transport fault of an authenticated peer (the connection is closing already).
  void fault(const PubKey& node_key, const std::string& listen_address, int points);
  std::vector<PeerAddress> addresses_for(PeerId asker);
  void learn(const std::vector<PeerAddress>& addresses);

 private:
  struct Slot {
    std::shared_ptr<Connection> conn;
    bool inbound = false;
    bool active = false;
    std::string target;  // the dial target of an outbound connection
    PeerInfo info;
  };
  struct Target {
    bool persistent = false;  // a seed or add_peer(): never given up
    PeerId conn = 0;
    std::optional<PubKey> node_key;
    uint64_t backoff_ms = 0;
    uint64_t next_ms = 0;
    int failures = 0;
    bool self = false;
  };

  void do_accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  void arm_manager(uint64_t delay_ms);
  void manage();
  // REQUIRES: mu_ held. Adds a ban score; true if it reached the threshold (now banned).
  bool add_score_locked(const PubKey& key, const std::string& listen_address, int points, uint64_t now);
  bool banned_locked(const PubKey* key, const std::string& address, uint64_t now) const;
  void save_book_locked();
  std::shared_ptr<Connection> dial_locked(const std::string& address, Target& t);

  HostConfig cfg_;
  KeyPair key_;
  HostHandler& handler_;
  std::function<bool(ByteView)> is_gossip_;
  GossipHasher hasher_;

  // Declared first: destroyed last, after every object that holds its executors.
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  net::any_io_executor acceptor_strand_;
  tcp::acceptor acceptor_;
  net::any_io_executor manager_strand_;
  net::steady_timer manager_timer_;
  std::vector<std::thread> threads_;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<PeerId> next_id_{1};

  mutable std::mutex mu_;
  std::condition_variable threads_cv_;
  std::size_t running_threads_ = 0;
  std::map<PeerId, Slot> slots_;
  std::map<PubKey, PeerId> active_by_key_;
  std::map<std::string, Target> targets_;
  AddressBook book_;
  bool book_dirty_ = false;
  uint64_t book_saved_ms_ = 0;
  uint64_t next_exchange_ms_ = 0;
  struct Score {
    int points = 0;
    uint64_t at_ms = 0;  // when `points` was last brought up to date
  };
  // REQUIRES: mu_ held. The key's score now, after decay.
  int score_now_locked(const PubKey& key, uint64_t now) const;
  std::map<PubKey, Score> scores_;
  std::map<PubKey, uint64_t> banned_keys_;          // until (steady ms)
  std::map<std::string, uint64_t> banned_addresses_;
  std::mt19937_64 rng_;
  std::vector<std::weak_ptr<Probe>> probes_;  // in flight (expired ones pruned at each probe)

  mutable std::mutex seen_mu_;
  SeenFilter seen_;

  mutable std::mutex drops_mu_;
  std::map<std::string, uint64_t> drops_;
};

}  // namespace swarmchain::p2p

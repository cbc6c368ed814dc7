// p2p::Host: the node's peer-to-peer transport (design §7.1, §7.2). It carries opaque payloads
// (the node's wire messages, node/wire.h) between authenticated, encrypted connections, and
// manages the peers: seeds, outbound and inbound limits, peer-list exchange, reconnect with
// backoff, ban scores and a persisted address book. It knows nothing of blocks or votes: the
// node tells it which payloads are gossip (deduplicated and relayed by hash) and which peers
// misbehaved (penalize).
//
// Connection (docs/protocol.md, "p2p"): ephemeral X25519 keys and the node ed25519 keys signing
// the transcript, crypto_kx session keys, then frames of u32 length || XChaCha20-Poly1305. The
// first encrypted message is Hello {protocol version, chain id, genesis hash, height, listen
// port}; a peer on another chain, genesis or protocol version is dropped with a clear log line.
//
// Reasons counted by drop_counts() (docs/p2p.md lists them): payloads "duplicate",
// "gossip_rate_limited", "queue_full"; connections "bad_handshake", "handshake_closed",
// "protocol_version", "bad_auth", "wrong_chain", "wrong_genesis", "decrypt_failed",
// "oversize_frame", "bad_frame", "truncated_frame", "bad_message", "handshake_timeout",
// "frame_timeout", "idle_timeout", "write_timeout", "slow_peer", "self_connection",
// "duplicate_connection", "banned", "too_many_connections", "probe" (a reachability probe
// of this node ended, see probe()).
//
// Thread-safety: every public member may be called from any thread, except that stop() (and
// the destructor) must not be called from a HostHandler callback. The Host runs its own
// Boost.Asio threads (one strand per peer, a write queue per peer, a deadline on every read,
// write and handshake). It calls HostHandler from those threads; the handler must not block
// (the node posts to its chain strand). Nothing in the Host calls into the chain.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain::p2p {

// A connection's id, unique for the Host's lifetime (never reused); 0 is never a peer.
using PeerId = uint32_t;

struct HostConfig {
  std::string bind_host = "0.0.0.0";  // empty: no listener (outbound only)
  uint16_t port = 22022;              // 0: an ephemeral port (tests); see Host::port()
  std::vector<std::string> seeds;     // "host:port", dialled at start and kept connected
  std::size_t max_outbound = 8;
  std::size_t max_inbound = 32;
  std::size_t max_handshaking = 16;            // inbound connections not yet through the handshake
  std::filesystem::path address_book;          // empty: not persisted
  uint32_t protocol_version = 1;
  Hash chain_id;
  Hash genesis_hash;
  std::size_t max_frame_bytes = 32u << 20;     // a larger frame is a fault: the peer is dropped
  uint64_t handshake_timeout_ms = 5'000;
  uint64_t frame_timeout_ms = 30'000;          // a frame must arrive whole within this
  uint64_t idle_timeout_ms = 60'000;           // no frame at all (pings run every idle/4)
  uint64_t reconnect_min_ms = 500;             // backoff doubles up to reconnect_max_ms
  uint64_t reconnect_max_ms = 60'000;
  std::size_t peer_queue_bytes = 64u << 20;    // a peer's write queue; past it, gossip is dropped
  std::size_t peer_inflight_messages = 256;    // handed to the handler and not yet done(): reads pause
  uint32_t gossip_rate_per_s = 5'000;          // per peer token bucket for gossip payloads
  uint64_t gossip_dedup_window_ms = 500;       // the same gossip payload again within this: dropped
  int ban_threshold = 100;                     // penalties summing to this ban the peer's address
  uint64_t ban_ms = 10 * 60'000;
  // A score forgets one point per this long, so an honest peer's rare slips never add up to a
  // ban over a long life; a faulty one reaches the threshold long before.
  uint64_t score_decay_ms = 60'000;
  std::size_t threads = 2;                     // Asio threads
};

// The codes of a failed Host::probe()'s Status (Status::code_as<ProbeError>()).
enum class ProbeError {
  kOk = 0,
  kUnreachable = 1,      // not "host:port", resolve failed, connection refused or unreachable
  kTimeout = 2,          // the deadline passed (connect or handshake)
  kHandshakeFailed = 3,  // bad bytes, bad auth, bad or oversized frame, closed mid-handshake
  kWrongKey = 4,         // an authenticated node key other than the expected one answered
  kWrongChain = 5,       // another protocol version, chain id or genesis hash
  kCancelled = 6,        // the Host stopped (or was not running)
};

struct PeerInfo {
  PeerId id = 0;
  PubKey node_pubkey;       // its ed25519 node key, proven in the handshake
  std::string address;      // "ip:port" of the socket
  std::string listen_address;  // "ip:listen_port" it accepts connections on ("" if none)
  bool inbound = false;
  uint64_t height = 0;      // the height its Hello (or its last Ping/Pong) said
  int ban_score = 0;
};

// Sizes of the Host's bounded tables (tests and /metrics: memory stays bounded under floods).
struct HostMemory {
  std::size_t connections = 0;    // every connection, handshaking ones included
  std::size_t seen_gossip = 0;    // entries of the gossip dedup filter (<= 100,000)
  std::size_t address_book = 0;   // <= 1,000
  std::size_t dial_targets = 0;
  std::size_t bans = 0;
};

// Called by the Host from its threads; must return quickly.
class HostHandler {
 public:
  virtual ~HostHandler() = default;
  // The tip height this node announces in its Hello.
  virtual uint64_t local_height() const = 0;
  // A payload from a peer that passed dedup and rate limits. The handler processes it
  // (usually later, on its own strand) and then calls done(); until then it counts against the
  // peer's inflight limit, so a peer that floods this node is read no faster than it is served.
  virtual void on_payload(PeerId from, Bytes payload, std::function<void()> done) = 0;
  virtual void on_connected(const PeerInfo& peer) = 0;
  virtual void on_disconnected(PeerId peer) = 0;
};

class Host {
 public:
  // is_gossip(payload): the payload is gossip (deduplicated by hash, relayed by broadcast).
  Host(HostConfig config, const KeyPair& node_key, HostHandler& handler,
       std::function<bool(ByteView)> is_gossip);
  ~Host();  // stop()s
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Binds the listener, loads the address book, dials the seeds. An error if the port cannot be
  // bound (its message names the address).
  Status start();
  // Closes every connection, saves the address book, joins the threads. Safe to call twice.
  void stop();
  uint16_t port() const;  // the bound p2p port

  // Sends to every connected peer that has not sent or been sent this payload (gossip), or to
  // every peer (other payloads). Never blocks: a full queue drops gossip for that peer.
  void broadcast(ByteView payload);
  void send(PeerId to, ByteView payload);
  // The peer sent something that is its fault; `points` add to its ban score, and at
  // ban_threshold it is disconnected and its address banned for ban_ms. `reason` is logged.
  void penalize(PeerId peer, int points, const std::string& reason);
  // Dials an address now (and keeps it connected like a seed).
  void add_peer(const std::string& host_port);
  // Reachability probe (issue 10; p2p/probe.h, docs/p2p.md "Reachability probes"): connects to
  // `host_port`, runs the initiator side of the handshake with our node key and checks that
  // `expected_key` answers with our protocol version, chain id and genesis hash, then closes.
  // The whole probe has one deadline, handshake_timeout_ms. Never blocks; `done` is called
  // exactly once from a Host thread with ok or an error whose code is a ProbeError and whose
  // message says what happened in one line ("127.0.0.1:5555: connection refused"); a probe in
  // flight at stop() ends with kCancelled. Only a Host that is not running (not started, or
  // stopped) calls `done` (kCancelled) on the caller's thread, before probe() returns.
  // The target is not added as a peer and nothing here touches the address book, dial targets
  // or ban scores. The target sees an inbound connection that authenticates with our node key
  // and closes before its Hello: it logs a debug line and counts the drop reason "probe"
  // (not a fault: no points, no ban, no on_connected), whether or not we are also its peer.
  void probe(const std::string& host_port, const PubKey& expected_key, std::function<void(Status)> done);

  std::size_t peer_count() const;
  std::vector<PeerInfo> peers() const;
  // Counters for /metrics and tests: dropped payloads and connections by reason.
  std::vector<std::pair<std::string, uint64_t>> drop_counts() const;
  HostMemory memory() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace swarmchain::p2p

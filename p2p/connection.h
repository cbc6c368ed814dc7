// p2p::Connection: one TCP connection to a peer, the I/O shell around the pure handshake, frame
// and message code (internal to p2p; the node sees only Host).
//
// Lifecycle: connecting (outbound) -> handshake (72-byte first messages) -> auth -> hello ->
// active -> closed. Modelled on Boost.Beast's advanced_server: the socket, its timers and every
// member live on the connection's strand; handlers hold shared_from_this(). One tick timer
// checks every deadline (handshake, partial frame, idle, write) and sends the pings.
// HostCore::on_closed is called exactly once, from the strand, when the connection ends.
//
// Thread-safety: post_payload, ask_peers, close and the done() callbacks may be called from any
// thread (they post to the strand); everything else runs on the strand.
#pragma once

#include <atomic>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "p2p/frame.h"
#include "p2p/gossip.h"
#include "p2p/handshake.h"
#include "p2p/host.h"
#include "p2p/message.h"

namespace swarmchain::p2p {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class HostCore;

// Milliseconds of a monotonic clock (deadlines, rate limits, dedup windows).
uint64_t steady_ms();
std::string endpoint_string(const tcp::endpoint& ep);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // An accepted socket (its executor is a strand).
  Connection(HostCore& core, PeerId id, tcp::socket socket);
  // An outbound connection, dialled by start_outbound.
  Connection(HostCore& core, PeerId id, net::any_io_executor strand, std::string dial_address);
  ~Connection();

  void start_inbound();
  void start_outbound(const std::string& host, const std::string& port);

  // Any thread. A payload (its plaintext, encode_payload) for this peer once active; gossip is
  // skipped if the peer already knows `hash` (skip_known) and dropped when the queue is full.
  void post_payload(std::shared_ptr<const Bytes> plaintext, bool gossip, uint64_t hash,
                    bool skip_known);
  void ask_peers();
  // Any thread: closes with `reason` (counted as a drop if `counted`).
  void close(std::string reason, bool counted);

  PeerId id() const { return id_; }
  bool inbound() const { return inbound_; }
  const std::string& dial_address() const { return dial_address_; }

 private:
  enum class Phase { kConnecting, kHandshake, kAuth, kHello, kActive, kClosed };

  void begin_handshake();
  void arm_tick();
  void on_tick();
  void do_read();
  void process();
  void on_handshake_message(ByteView msg);
  void on_frame(ByteView plaintext);
  void on_active_message(Message&& m);
  void on_payload(Bytes&& data);
  void on_done();
  bool paused() const;
  void send(const Message& m);
  void enqueue_frame(ByteView plaintext, bool gossip);
  void enqueue_raw(Bytes bytes);
  void do_write();
  // A fault of the peer: logged, counted, points added to an authenticated peer's score.
  void fail(const std::string& reason, const std::string& detail, int points);
  void close_now(const std::string& reason, bool counted);
  std::function<void()> make_done();
  std::string who() const;

  HostCore& core_;
  const HostConfig& cfg_;
  const PeerId id_;
  const bool inbound_;
  const std::string dial_address_;
  net::any_io_executor ex_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  net::steady_timer tick_;
  uint64_t tick_ms_;

  Phase phase_ = Phase::kConnecting;
  std::string remote_;  // "ip:port" of the socket
  std::unique_ptr<Handshake> hs_;
  std::unique_ptr<FrameSealer> sealer_;
  std::unique_ptr<FrameOpener> opener_;
  PeerInfo info_;

  Bytes rbuf_;
  std::size_t rbeg_ = 0, rend_ = 0;
  std::size_t need_ = 0;  // bytes of the frame being read (0: unknown yet)
  bool reading_ = false;

  std::deque<Bytes> wq_;
  std::size_t wq_bytes_ = 0;
  bool writing_ = false;
  uint64_t write_started_ms_ = 0;

  uint64_t started_ms_ = 0;
  uint64_t last_frame_ms_ = 0;
  uint64_t frame_started_ms_ = 0;  // 0: no partial frame buffered
  uint64_t last_ping_ms_ = 0;
  std::size_t inflight_ = 0;
  bool asked_peers_ = false;
  bool authenticated_ = false;  // the peer's Auth signature verified
  KnownSet known_;
  TokenBucket bucket_;
};

}  // namespace swarmchain::p2p

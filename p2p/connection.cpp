#include "p2p/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/hex.h"
#include "p2p/host_core.h"

namespace swarmchain::p2p {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;

// "ab12cd34.." when the first bytes already tell two hashes apart, else the whole hash.
std::string differing_hex(const Hash& h, const Hash& other) {
  if (std::equal(h.begin(), h.begin() + 4, other.begin())) return to_hex(h);
  return to_hex(ByteView(h.data.data(), 4)) + "..";
}

uint64_t tick_interval(const HostConfig& c) {
  const uint64_t shortest =
      std::min({c.handshake_timeout_ms, c.frame_timeout_ms, std::max<uint64_t>(c.idle_timeout_ms / 4, 1)});
  return std::clamp<uint64_t>(shortest / 4, 5, 250);
}
}  // namespace

uint64_t steady_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

std::string endpoint_string(const tcp::endpoint& ep) {
  const auto a = ep.address();
  if (a.is_v6() && !a.to_v6().is_v4_mapped())
    return "[" + a.to_string() + "]:" + std::to_string(ep.port());
  const std::string ip = a.is_v6() ? a.to_v6().to_v4().to_string() : a.to_string();
  return ip + ":" + std::to_string(ep.port());
}

Connection::Connection(HostCore& core, PeerId id, tcp::socket socket)
    : core_(core),
      cfg_(core.config()),
      id_(id),
      inbound_(true),
      ex_(socket.get_executor()),
      socket_(std::move(socket)),
      resolver_(ex_),
      tick_(ex_),
      tick_ms_(tick_interval(cfg_)),
      known_(kKnownPerPeer),
      bucket_(cfg_.gossip_rate_per_s, std::max<double>(cfg_.gossip_rate_per_s, 1)) {
  boost::system::error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  remote_ = ec ? "?" : endpoint_string(ep);
}

Connection::Connection(HostCore& core, PeerId id, net::any_io_executor strand,
                       std::string dial_address)
    : core_(core),
      cfg_(core.config()),
      id_(id),
      inbound_(false),
      dial_address_(std::move(dial_address)),
      ex_(std::move(strand)),
      socket_(ex_),
      resolver_(ex_),
      tick_(ex_),
      tick_ms_(tick_interval(cfg_)),
      known_(kKnownPerPeer),
      bucket_(cfg_.gossip_rate_per_s, std::max<double>(cfg_.gossip_rate_per_s, 1)) {
  remote_ = dial_address_;
}

Connection::~Connection() = default;

std::string Connection::who() const {
  return "peer " + remote_ + (inbound_ ? " (inbound)" : " (outbound)");
}

void Connection::start_inbound() {
  net::post(ex_, [self = shared_from_this()] {
    self->started_ms_ = steady_ms();
    self->arm_tick();
    self->begin_handshake();
  });
}

void Connection::start_outbound(const std::string& host, const std::string& port) {
  net::post(ex_, [self = shared_from_this(), host, port] {
    self->started_ms_ = steady_ms();
    self->arm_tick();
    self->resolver_.async_resolve(
        host, port, [self](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (self->phase_ == Phase::kClosed) return;
          if (ec) {
            spdlog::debug("p2p: cannot resolve {}: {}", self->dial_address_, ec.message());
            return self->close_now("connect_failed", false);
          }
          net::async_connect(self->socket_, results,
                             [self](boost::system::error_code ec2, const tcp::endpoint& ep) {
                               if (self->phase_ == Phase::kClosed) return;
                               if (ec2) {
                                 spdlog::debug("p2p: cannot connect to {}: {}",
                                               self->dial_address_, ec2.message());
                                 return self->close_now("connect_failed", false);
                               }
                               self->remote_ = endpoint_string(ep);
                               self->begin_handshake();
                             });
        });
  });
}

void Connection::begin_handshake() {
  if (phase_ == Phase::kClosed) return;
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  hs_ = std::make_unique<Handshake>(inbound_ ? Role::kResponder : Role::kInitiator,
                                    core_.node_key(), cfg_.protocol_version);
  phase_ = Phase::kHandshake;
  enqueue_raw(hs_->our_message());
  do_read();
}

void Connection::arm_tick() {
  tick_.expires_after(std::chrono::milliseconds(tick_ms_));
  tick_.async_wait([self = shared_from_this()](boost::system::error_code) { self->on_tick(); });
}

void Connection::on_tick() {
  if (phase_ == Phase::kClosed) return;
  const uint64_t now = steady_ms();
  if (phase_ != Phase::kActive) {
    if (now - started_ms_ >= cfg_.handshake_timeout_ms)
      return fail("handshake_timeout",
                  "no complete handshake within " + std::to_string(cfg_.handshake_timeout_ms) + " ms", 0);
  } else if (!paused()) {
    if (frame_started_ms_ != 0 && now - frame_started_ms_ >= cfg_.frame_timeout_ms)
      return fail("frame_timeout",
                  "a frame took more than " + std::to_string(cfg_.frame_timeout_ms) + " ms", 0);
    if (now - last_frame_ms_ >= cfg_.idle_timeout_ms)
      return fail("idle_timeout",
                  "nothing received for " + std::to_string(cfg_.idle_timeout_ms) + " ms", 0);
  }
  if (writing_ && now - write_started_ms_ >= std::max(cfg_.frame_timeout_ms, cfg_.handshake_timeout_ms))
    return fail("write_timeout", "a write did not complete in time (slow reader)", 0);
  if (phase_ == Phase::kActive && now - last_ping_ms_ >= std::max<uint64_t>(cfg_.idle_timeout_ms / 4, 1)) {
    last_ping_ms_ = now;
    send(Ping{core_.handler().local_height()});
  }
  arm_tick();
}

bool Connection::paused() const { return inflight_ >= cfg_.peer_inflight_messages; }

void Connection::do_read() {
  if (reading_ || phase_ == Phase::kClosed || phase_ == Phase::kConnecting) return;
  if (phase_ == Phase::kActive && paused()) return;
  if (rbeg_ == rend_) {
    rbeg_ = rend_ = 0;
  } else if (rbeg_ > 0) {
    std::memmove(rbuf_.data(), rbuf_.data() + rbeg_, rend_ - rbeg_);
    rend_ -= rbeg_;
    rbeg_ = 0;
  }
  // Room for the frame being read (its length was checked against max_frame_bytes), or a chunk.
  const std::size_t want = std::max(rend_ + kReadChunk, need_);
  if (rbuf_.size() < want || rbuf_.size() > want + 4 * kReadChunk) rbuf_.resize(want);
  reading_ = true;
  socket_.async_read_some(
      net::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->reading_ = false;
        if (self->phase_ == Phase::kClosed) return;
        if (ec) {
          if (self->rend_ > self->rbeg_)
            return self->fail(self->phase_ == Phase::kHandshake ? "bad_handshake" : "truncated_frame",
                              "connection closed inside a message (" + ec.message() + ")", 25);
          if (self->phase_ == Phase::kHello && self->authenticated_) {
            // Authenticated, then closed before its Hello: a reachability probe (probe.h).
            spdlog::debug("p2p: reachability probe by node {} from {}", to_hex(self->hs_->peer_node_key()),
                          self->remote_);
            return self->close_now("probe", true);
          }
          if (self->phase_ != Phase::kActive)
            return self->fail("handshake_closed", "closed during the handshake", 0);
          return self->close_now(ec == net::error::eof ? "connection_closed" : "read_error", false);
        }
        self->rend_ += n;
        self->process();
        self->do_read();
      });
}

void Connection::process() {
  const uint64_t now = steady_ms();
  while (phase_ != Phase::kClosed) {
    const std::size_t avail = rend_ - rbeg_;
    const ByteView buf(rbuf_.data() + rbeg_, avail);
    if (phase_ == Phase::kHandshake) {
      // Garbage is refused at its first byte, not after the handshake deadline.
      const std::size_t m = std::min(avail, kMagic.size());
      if (!std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(m), kMagic.begin()))
        return fail("bad_handshake", "the first bytes are not the SWCH magic", 0);
      if (avail < kHandshakeMessageBytes) break;
      rbeg_ += kHandshakeMessageBytes;
      on_handshake_message(buf.first(kHandshakeMessageBytes));
      continue;
    }
    if (phase_ == Phase::kActive && paused()) break;
    if (avail < kFrameHeaderBytes) break;
    auto len = opener_->frame_length(buf);
    if (!len)
      return fail(len.error().code_as<FrameError>() == FrameError::kTooLarge ? "oversize_frame" : "bad_frame",
                  len.error().message(), cfg_.ban_threshold / 2);
    const std::size_t total = kFrameHeaderBytes + *len;
    if (avail < total) {
      need_ = total;
      break;
    }
    need_ = 0;
    auto plain = opener_->open(buf.first(total));
    if (!plain) return fail("decrypt_failed", plain.error().message(), cfg_.ban_threshold / 2);
    rbeg_ += total;
    last_frame_ms_ = now;
    frame_started_ms_ = 0;
    on_frame(*plain);
  }
  if (rend_ == rbeg_) frame_started_ms_ = 0;
  else if (frame_started_ms_ == 0) frame_started_ms_ = now;
}

void Connection::on_handshake_message(ByteView msg) {
  Status s = hs_->receive(msg);
  if (!s) {
    if (s.code_as<HandshakeError>() == HandshakeError::kVersionMismatch)
      return fail("protocol_version", "speaks another " + s.message(), 0);
    return fail("bad_handshake", s.message(), 0);
  }
  sealer_ = std::make_unique<FrameSealer>(hs_->keys().tx);
  opener_ = std::make_unique<FrameOpener>(hs_->keys().rx, cfg_.max_frame_bytes);
  phase_ = Phase::kAuth;
  send(Auth{hs_->our_auth()});
  Hello hello;
  hello.protocol_version = cfg_.protocol_version;
  hello.chain_id = cfg_.chain_id;
  hello.genesis_hash = cfg_.genesis_hash;
  hello.height = core_.handler().local_height();
  hello.listen_port = core_.port();
  send(hello);
}

void Connection::on_frame(ByteView plaintext) {
  auto decoded = decode_message(plaintext);
  if (!decoded) return fail("bad_message", decoded.error().message(), cfg_.ban_threshold / 2);
  Message& m = *decoded;
  switch (phase_) {
    case Phase::kAuth: {
      const auto* auth = std::get_if<Auth>(&m);
      if (!auth) return fail("bad_handshake", std::string("expected auth, got ") + kind_name(m), 0);
      if (!hs_->verify_peer_auth(auth->signature))
        return fail("bad_auth",
                    "handshake not signed by the node key it claims (" + to_hex(hs_->peer_node_key()) + ")", 0);
      authenticated_ = true;
      info_.node_pubkey = hs_->peer_node_key();
      phase_ = Phase::kHello;
      return;
    }
    case Phase::kHello: {
      const auto* h = std::get_if<Hello>(&m);
      if (!h) return fail("bad_handshake", std::string("expected hello, got ") + kind_name(m), 0);
      if (h->protocol_version != cfg_.protocol_version)
        return fail("protocol_version", "hello says protocol version " + std::to_string(h->protocol_version) +
                                            " != ours " + std::to_string(cfg_.protocol_version), 0);
      if (h->chain_id != cfg_.chain_id)
        return fail("wrong_chain", "is on another chain (chain id " + differing_hex(h->chain_id, cfg_.chain_id) +
                                       " != ours " + differing_hex(cfg_.chain_id, h->chain_id) + ")", 0);
      if (h->genesis_hash != cfg_.genesis_hash)
        return fail("wrong_genesis", "is on another chain (genesis " + differing_hex(h->genesis_hash, cfg_.genesis_hash) +
                                         " != ours " + differing_hex(cfg_.genesis_hash, h->genesis_hash) + ")", 0);
      info_.id = id_;
      info_.node_pubkey = hs_->peer_node_key();
      info_.address = remote_;
      info_.inbound = inbound_;
      info_.height = h->height;
      if (h->listen_port != 0) {
        const auto colon = remote_.rfind(':');
        info_.listen_address = remote_.substr(0, colon) + ":" + std::to_string(h->listen_port);
      }
      const uint64_t now = steady_ms();
      last_frame_ms_ = last_ping_ms_ = now;
      std::string refused = core_.activate(shared_from_this(), info_);
      if (!refused.empty()) {
        const bool quiet = refused == "self_connection" || refused == "duplicate_connection";
        if (quiet) spdlog::debug("p2p: {} refused: {}", who(), refused);
        else spdlog::info("p2p: {} refused: {}", who(), refused);
        return close_now(refused, true);
      }
      phase_ = Phase::kActive;
      hs_.reset();
      spdlog::info("p2p: connected to {} node {} height {}", who(), to_hex(info_.node_pubkey), info_.height);
      asked_peers_ = true;
      send(GetPeers{});
      return;
    }
    case Phase::kActive:
      return on_active_message(std::move(m));
    default:
      return;
  }
}

void Connection::on_active_message(Message&& m) {
  if (auto* p = std::get_if<Payload>(&m)) return on_payload(std::move(p->data));
  if (auto* ping = std::get_if<Ping>(&m)) {
    core_.update_height(id_, ping->height);
    return send(Pong{core_.handler().local_height()});
  }
  if (auto* pong = std::get_if<Pong>(&m)) return core_.update_height(id_, pong->height);
  if (std::holds_alternative<GetPeers>(m)) return send(Peers{core_.addresses_for(id_)});
  if (auto* peers = std::get_if<Peers>(&m)) {
    if (!asked_peers_) return;  // unsolicited lists are ignored: they cannot fill our book
    asked_peers_ = false;
    return core_.learn(peers->addresses);
  }
  fail("bad_message", std::string("unexpected ") + kind_name(m) + " after the handshake", cfg_.ban_threshold / 2);
}

void Connection::on_payload(Bytes&& data) {
  if (core_.is_gossip(data)) {
    const uint64_t h = core_.gossip_hash(data);
    known_.insert(h);
    if (!bucket_.take(steady_ms())) return core_.count_drop("gossip_rate_limited");
    if (!core_.first_seen(h)) return core_.count_drop("duplicate");
  }
  ++inflight_;
  core_.handler().on_payload(id_, std::move(data), make_done());
}

std::function<void()> Connection::make_done() {
  auto once = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<HostCore> wcore = core_.weak_from_this();
  std::weak_ptr<Connection> wself = weak_from_this();
  return [once, wcore, wself] {
    if (once->exchange(true)) return;
    auto core = wcore.lock();
    if (!core || core->stopping()) return;
    if (auto self = wself.lock()) net::post(self->ex_, [self] { self->on_done(); });
  };
}

void Connection::on_done() {
  const bool was_paused = paused();
  if (inflight_ > 0) --inflight_;
  if (!was_paused || phase_ != Phase::kActive) return;
  const uint64_t now = steady_ms();
  last_frame_ms_ = now;  // the pause was ours: the peer's deadlines restart
  if (frame_started_ms_ != 0) frame_started_ms_ = now;
  process();
  do_read();
}

void Connection::post_payload(std::shared_ptr<const Bytes> plaintext, bool gossip, uint64_t hash,
                              bool skip_known) {
  net::post(ex_, [self = shared_from_this(), plaintext = std::move(plaintext), gossip, hash, skip_known] {
    if (self->phase_ != Phase::kActive) return;
    if (gossip) {
      if (skip_known && self->known_.contains(hash)) return;
      self->known_.insert(hash);
    }
    self->enqueue_frame(*plaintext, gossip);
  });
}

void Connection::ask_peers() {
  net::post(ex_, [self = shared_from_this()] {
    if (self->phase_ != Phase::kActive) return;
    self->asked_peers_ = true;
    self->send(GetPeers{});
  });
}

void Connection::close(std::string reason, bool counted) {
  net::post(ex_, [self = shared_from_this(), reason = std::move(reason), counted] {
    if (self->phase_ != Phase::kClosed) self->close_now(reason, counted);
  });
}

void Connection::send(const Message& m) { enqueue_frame(encode_message(m), false); }

void Connection::enqueue_frame(ByteView plaintext, bool gossip) {
  if (phase_ == Phase::kClosed || !sealer_) return;
  const std::size_t size = kFrameHeaderBytes + plaintext.size() + kFrameTagBytes;
  if (gossip && wq_bytes_ + size > cfg_.peer_queue_bytes) return core_.count_drop("queue_full");
  if (wq_bytes_ + size > 2 * cfg_.peer_queue_bytes)
    return fail("slow_peer", "its write queue passed " + std::to_string(2 * cfg_.peer_queue_bytes) + " bytes", 0);
  auto frame = sealer_->seal(plaintext);
  if (!frame) return fail("frame_counter", frame.error().message(), 0);
  enqueue_raw(std::move(*frame));
}

void Connection::enqueue_raw(Bytes bytes) {
  wq_bytes_ += bytes.size();
  wq_.push_back(std::move(bytes));
  if (!writing_) do_write();
}

void Connection::do_write() {
  writing_ = true;
  write_started_ms_ = steady_ms();
  net::async_write(socket_, net::buffer(wq_.front()),
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                     self->writing_ = false;
                     if (self->phase_ == Phase::kClosed) return;
                     if (ec) return self->close_now("write_error", false);
                     self->wq_bytes_ -= self->wq_.front().size();
                     self->wq_.pop_front();
                     if (!self->wq_.empty()) self->do_write();
                   });
}

void Connection::fail(const std::string& reason, const std::string& detail, int points) {
  if (phase_ == Phase::kClosed) return;
  spdlog::warn("p2p: dropping {}: {} ({})", who(), detail, reason);
  // Points only for a proven identity: before Auth the claimed key is anyone's to claim.
  if (points > 0 && authenticated_) core_.fault(info_.node_pubkey, info_.listen_address, points);
  close_now(reason, true);
}

void Connection::close_now(const std::string& reason, bool counted) {
  if (phase_ == Phase::kClosed) return;
  const bool was_active = phase_ == Phase::kActive;
  phase_ = Phase::kClosed;
  boost::system::error_code ec;
  tick_.cancel();
  resolver_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);  // the write queue stays: an aborted async_write may still name its front
  if (was_active) spdlog::info("p2p: disconnected {} ({})", who(), reason);
  core_.on_closed(*this, reason, was_active, counted);
}

}  // namespace swarmchain::p2p

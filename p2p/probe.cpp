#include "p2p/probe.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

#include "common/hex.h"
#include "common/host_port.h"
#include "p2p/message.h"

namespace swarmchain::p2p {

namespace net = boost::asio;

namespace {

// "ab12cd34.." when the first bytes already tell two values apart, else the whole value.
template <std::size_t N, typename Tag>
std::string differing_hex(const FixedBytes<N, Tag>& v, const FixedBytes<N, Tag>& other) {
  if (std::equal(v.begin(), v.begin() + 4, other.begin())) return to_hex(v);
  return to_hex(ByteView(v.data.data(), 4)) + "..";
}

// Asio's messages start with a capital ("Connection refused"); ours continue a sentence.
std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

Probe::Probe(net::any_io_executor strand, std::string host_port, PubKey expected, const KeyPair& node_key,
             ProbeConfig config, std::function<void(Status)> done)
    : ex_(std::move(strand)),
      resolver_(ex_),
      socket_(ex_),
      deadline_(ex_),
      host_port_(std::move(host_port)),
      expected_(expected),
      key_(node_key),
      cfg_(std::move(config)),
      done_(std::move(done)) {}

Probe::~Probe() = default;

const char* Probe::stage_name() const {
  switch (stage_) {
    case Stage::kResolving: return "resolving the address";
    case Stage::kConnecting: return "connecting";
    case Stage::kHandshake: return "waiting for its handshake";
    case Stage::kAuth: return "waiting for its auth";
    case Stage::kHello: return "waiting for its hello";
    case Stage::kDone: return "done";
  }
  return "?";
}

void Probe::start() {
  net::post(ex_, [self = shared_from_this()] {
    if (self->stage_ != Stage::kResolving) return;  // cancelled before it began
    self->deadline_.expires_after(std::chrono::milliseconds(self->cfg_.deadline_ms));
    self->deadline_.async_wait([self](boost::system::error_code ec) {
      if (ec || self->stage_ == Stage::kDone) return;
      self->finish(ProbeError::kTimeout,
                   "no answer within " + std::to_string(self->cfg_.deadline_ms) + " ms (" + self->stage_name() + ")");
    });
    auto hp = parse_host_port(self->host_port_, "probe");
    if (!hp) return self->finish(ProbeError::kUnreachable, "not a host:port address");
    self->resolver_.async_resolve(
        hp->host, std::to_string(hp->port), [self](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (self->stage_ == Stage::kDone) return;
          if (ec || results.empty())
            return self->finish(ProbeError::kUnreachable, "cannot resolve: " + lower_first(ec.message()));
          self->stage_ = Stage::kConnecting;
          net::async_connect(self->socket_, results, [self](boost::system::error_code ec2, const tcp::endpoint&) {
            if (self->stage_ == Stage::kDone) return;
            if (ec2) return self->finish(ProbeError::kUnreachable, lower_first(ec2.message()));
            self->on_connected();
          });
        });
  });
}

void Probe::cancel() {
  net::post(ex_, [self = shared_from_this()] {
    if (self->stage_ != Stage::kDone) self->finish(ProbeError::kCancelled, "cancelled: the host is stopping");
  });
}

void Probe::on_connected() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  hs_ = std::make_unique<Handshake>(Role::kInitiator, key_, cfg_.protocol_version);
  stage_ = Stage::kHandshake;
  // Both sides send their first message at once; ours goes out before theirs is read.
  out_ = hs_->our_message();
  net::async_write(socket_, net::buffer(out_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
    if (self->stage_ == Stage::kDone) return;
    if (ec) return self->on_io_error(ec);
    self->in_.assign(kHandshakeMessageBytes, 0);
    self->read_first_message(0);
  });
}

void Probe::read_first_message(std::size_t have) {
  // Read piecewise so that garbage fails at its first bytes, not at the deadline.
  socket_.async_read_some(
      net::buffer(in_.data() + have, in_.size() - have),
      [self = shared_from_this(), have](boost::system::error_code ec, std::size_t n) {
        if (self->stage_ == Stage::kDone) return;
        if (ec) return self->on_io_error(ec);
        const std::size_t got = have + n;
        const std::size_t m = std::min(got, kMagic.size());
        if (!std::equal(self->in_.begin(), self->in_.begin() + static_cast<std::ptrdiff_t>(m), kMagic.begin()))
          return self->finish(ProbeError::kHandshakeFailed,
                              "not a swarmchain node (the first bytes are not the SWCH magic)");
        if (got < kHandshakeMessageBytes) return self->read_first_message(got);
        self->on_first_message();
      });
}

void Probe::on_first_message() {
  Status s = hs_->receive(in_);
  if (!s) {
    if (s.code_as<HandshakeError>() == HandshakeError::kVersionMismatch)
      return finish(ProbeError::kWrongChain, "speaks another " + s.message());
    return finish(ProbeError::kHandshakeFailed, "bad handshake: " + s.message());
  }
  sealer_ = std::make_unique<FrameSealer>(hs_->keys().tx);
  opener_ = std::make_unique<FrameOpener>(hs_->keys().rx, kProbeMaxFrameBytes);
  auto frame = sealer_->seal(encode_message(Auth{hs_->our_auth()}));
  if (!frame) return finish(ProbeError::kHandshakeFailed, frame.error().message());
  out_ = std::move(*frame);
  stage_ = Stage::kAuth;
  net::async_write(socket_, net::buffer(out_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
    if (self->stage_ == Stage::kDone) return;
    if (ec) return self->on_io_error(ec);
    self->read_frame();
  });
}

void Probe::read_frame() {
  in_.assign(kFrameHeaderBytes, 0);
  net::async_read(socket_, net::buffer(in_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
    if (self->stage_ == Stage::kDone) return;
    if (ec) return self->on_io_error(ec);
    auto len = self->opener_->frame_length(self->in_);
    if (!len) return self->finish(ProbeError::kHandshakeFailed, "bad frame: " + len.error().message());
    self->in_.resize(kFrameHeaderBytes + *len);
    net::async_read(self->socket_, net::buffer(self->in_.data() + kFrameHeaderBytes, *len),
                    [self](boost::system::error_code ec2, std::size_t) {
                      if (self->stage_ == Stage::kDone) return;
                      if (ec2) return self->on_io_error(ec2);
                      auto plain = self->opener_->open(self->in_);
                      if (!plain)
                        return self->finish(ProbeError::kHandshakeFailed, "bad frame: " + plain.error().message());
                      self->on_frame(*plain);
                    });
  });
}

void Probe::on_frame(ByteView plaintext) {
  auto decoded = decode_message(plaintext);
  if (!decoded) return finish(ProbeError::kHandshakeFailed, "bad message: " + decoded.error().message());
  const Message& m = *decoded;
  if (stage_ == Stage::kAuth) {
    const auto* auth = std::get_if<Auth>(&m);
    if (!auth) return finish(ProbeError::kHandshakeFailed, std::string("expected auth, got ") + kind_name(m));
    if (!hs_->verify_peer_auth(auth->signature))
      return finish(ProbeError::kHandshakeFailed,
                    "handshake not signed by the node key it claims (" + to_hex(hs_->peer_node_key()) + ")");
    const PubKey& got = hs_->peer_node_key();
    if (got != expected_)
      return finish(ProbeError::kWrongKey, "answered with node key " + differing_hex(got, expected_) +
                                               " instead of " + differing_hex(expected_, got));
    stage_ = Stage::kHello;
    return read_frame();
  }
  const auto* h = std::get_if<Hello>(&m);
  if (!h) return finish(ProbeError::kHandshakeFailed, std::string("expected hello, got ") + kind_name(m));
  if (h->protocol_version != cfg_.protocol_version)
    return finish(ProbeError::kWrongChain, "hello says protocol version " + std::to_string(h->protocol_version) +
                                               " != ours " + std::to_string(cfg_.protocol_version));
  if (h->chain_id != cfg_.chain_id)
    return finish(ProbeError::kWrongChain, "is on another chain (chain id " + differing_hex(h->chain_id, cfg_.chain_id) +
                                               " != ours " + differing_hex(cfg_.chain_id, h->chain_id) + ")");
  if (h->genesis_hash != cfg_.genesis_hash)
    return finish(ProbeError::kWrongChain, "is on another chain (genesis " +
                                               differing_hex(h->genesis_hash, cfg_.genesis_hash) + " != ours " +
                                               differing_hex(cfg_.genesis_hash, h->genesis_hash) + ")");
  finish(ProbeError::kOk, "");
}

void Probe::on_io_error(const boost::system::error_code& ec) {
  if (ec == net::error::eof || ec == net::error::connection_reset)
    return finish(ProbeError::kHandshakeFailed,
                  std::string("closed the connection (") + stage_name() + ")");
  finish(ProbeError::kHandshakeFailed, lower_first(ec.message()) + " (" + stage_name() + ")");
}

void Probe::finish(ProbeError code, const std::string& what) {
  if (stage_ == Stage::kDone) return;
  stage_ = Stage::kDone;
  boost::system::error_code ignored;
  deadline_.cancel();
  resolver_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  hs_.reset();
  sealer_.reset();
  opener_.reset();
  auto done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  if (code == ProbeError::kOk) return done(Status::ok());
  done(Status::error(code, host_port_ + ": " + what));
}

}  // namespace swarmchain::p2p

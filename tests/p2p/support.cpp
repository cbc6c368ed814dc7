#include "tests/p2p/support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/common/golden.h"

namespace swarmchain::p2p::test {

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

bool is_gossip(ByteView p) { return !p.empty() && p[0] == 'g'; }
Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

void TestHandler::on_payload(PeerId from, Bytes payload, std::function<void()> done) {
  {
    std::lock_guard lk(mu_);
    received_.push_back(payload);
    if (hold_) {
      held_.push_back(std::move(done));
      done = nullptr;
    }
  }
  if (on_each) on_each(from, payload);
  if (done) done();
}

void TestHandler::on_connected(const PeerInfo&) { ++connects; }
void TestHandler::on_disconnected(PeerId) { ++disconnects; }

std::size_t TestHandler::count(const std::string& payload) const {
  std::lock_guard lk(mu_);
  const Bytes b = bytes_of(payload);
  std::size_t n = 0;
  for (const auto& r : received_) n += r == b;
  return n;
}

std::vector<Bytes> TestHandler::received() const {
  std::lock_guard lk(mu_);
  return received_;
}

std::size_t TestHandler::total() const {
  std::lock_guard lk(mu_);
  return received_.size();
}

void TestHandler::set_hold(bool hold) {
  std::lock_guard lk(mu_);
  hold_ = hold;
}

std::size_t TestHandler::release(std::size_t n) {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lk(mu_);
    const std::size_t k = std::min(n, held_.size());
    calls.assign(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(k));
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(k));
  }
  for (auto& c : calls) c();
  return calls.size();
}

HostConfig test_config() {
  HostConfig c;
  c.bind_host = "127.0.0.1";
  c.port = 0;
  c.chain_id = swarmchain::testing::pattern<Hash>(0x10);
  c.genesis_hash = swarmchain::testing::pattern<Hash>(0x20);
  // Short, but generous enough for a loaded 2-core machine.
  c.handshake_timeout_ms = 4'000;
  c.frame_timeout_ms = 4'000;
  c.idle_timeout_ms = 20'000;
  c.reconnect_min_ms = 50;
  c.reconnect_max_ms = 400;
  c.ban_ms = 60'000;
  c.threads = 2;
  return c;
}

TestNode::TestNode(HostConfig cfg, std::optional<KeyPair> k)
    : config(std::move(cfg)), key(k ? *k : KeyPair::generate()) {
  host = std::make_unique<Host>(config, key, handler, is_gossip);
  Status s = host->start();
  if (!s) throw std::runtime_error("host start failed: " + s.message());
}

TestNode::~TestNode() { host->stop(); }

std::optional<PeerId> TestNode::peer_id_of(const TestNode& other) const {
  for (const auto& p : host->peers())
    if (p.node_pubkey == other.key.pubkey()) return p.id;
  return std::nullopt;
}

bool TestNode::connected_to(const TestNode& other) const { return peer_id_of(other).has_value(); }

uint64_t drops(const Host& host, const std::string& reason) {
  for (const auto& [r, n] : host.drop_counts())
    if (r == reason) return n;
  return 0;
}

RawPeer::RawPeer(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) close();
  int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawPeer::~RawPeer() { close(); }

void RawPeer::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawPeer::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool RawPeer::write(ByteView data) {
  if (fd_ < 0) return false;
  written_.insert(written_.end(), data.begin(), data.end());
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<Bytes> RawPeer::read(std::size_t n, std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Bytes out(n);
  std::size_t got = 0;
  while (got < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
    if (r <= 0) return std::nullopt;
    got += static_cast<std::size_t>(r);
  }
  return out;
}

bool RawPeer::wait_closed(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  uint8_t buf[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    if (::recv(fd_, buf, sizeof(buf), 0) <= 0) return true;
  }
}

bool RawPeer::exchange_first_messages(const KeyPair& claimed_key, uint32_t version) {
  claimed_.emplace(claimed_key);
  hs_ = std::make_unique<Handshake>(Role::kInitiator, *claimed_, version);
  if (!write(hs_->our_message())) return false;
  auto theirs = read(kHandshakeMessageBytes);
  if (!theirs || !hs_->receive(*theirs)) return false;
  sealer_ = std::make_unique<FrameSealer>(hs_->keys().tx);
  opener_ = std::make_unique<FrameOpener>(hs_->keys().rx, 64u << 20);
  return true;
}

bool RawPeer::send_auth(const KeyPair& signing_key) {
  return send(Auth{signing_key.sign(auth_message(hs_->transcript(), Role::kInitiator))});
}

bool RawPeer::send(const Message& m) {
  auto frame = sealer_->seal(encode_message(m));
  return frame && write(*frame);
}

std::optional<Message> RawPeer::read_message(std::chrono::milliseconds timeout) {
  auto header = read(kFrameHeaderBytes, timeout);
  if (!header) return std::nullopt;
  auto len = opener_->frame_length(*header);
  if (!len) return std::nullopt;
  auto body = read(*len, timeout);
  if (!body) return std::nullopt;
  header->insert(header->end(), body->begin(), body->end());
  auto plain = opener_->open(*header);
  if (!plain) return std::nullopt;
  auto m = decode_message(*plain);
  if (!m) return std::nullopt;
  return *m;
}

bool RawPeer::handshake(const KeyPair& key, const HostConfig& cfg, uint16_t listen_port) {
  if (!exchange_first_messages(key, cfg.protocol_version) || !send_auth(key)) return false;
  Hello h;
  h.protocol_version = cfg.protocol_version;
  h.chain_id = cfg.chain_id;
  h.genesis_hash = cfg.genesis_hash;
  h.height = 1;
  h.listen_port = listen_port;
  if (!send(h)) return false;
  auto auth = read_message();
  if (!auth || !std::holds_alternative<Auth>(*auth) ||
      !hs_->verify_peer_auth(std::get<Auth>(*auth).signature))
    return false;
  auto hello = read_message();
  return hello && std::holds_alternative<Hello>(*hello);
}

}  // namespace swarmchain::p2p::test

// Test support for p2p: a recording HostHandler, Hosts on loopback, waiting on a condition
// with a deadline, and RawPeer, a hand-driven initiator over a plain POSIX socket that uses the
// pure handshake/frame code (so a test can be an honest peer, then misbehave at a chosen step).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "p2p/host.h"
#include "p2p/message.h"

namespace swarmchain::p2p::test {

using namespace std::chrono_literals;

// Polls `pred` every 5 ms until it holds or `timeout` passes; returns the last value.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s);

// Payloads starting with 'g' are gossip in these tests.
bool is_gossip(ByteView p);
Bytes bytes_of(const std::string& s);

class TestHandler : public HostHandler {
 public:
  uint64_t local_height() const override { return height.load(); }
  void on_payload(PeerId from, Bytes payload, std::function<void()> done) override;
  void on_connected(const PeerInfo& peer) override;
  void on_disconnected(PeerId peer) override;

  std::size_t count(const std::string& payload) const;
  std::vector<Bytes> received() const;
  std::size_t total() const;
  // Holding: done() is kept until release(); release() calls up to n of them.
  void set_hold(bool hold);
  std::size_t release(std::size_t n = SIZE_MAX);
  // Called for every payload (after recording), e.g. to relay it.
  std::function<void(PeerId, const Bytes&)> on_each;

  std::atomic<uint64_t> height{7};
  std::atomic<int> connects{0};
  std::atomic<int> disconnects{0};

 private:
  mutable std::mutex mu_;
  std::vector<Bytes> received_;
  bool hold_ = false;
  std::vector<std::function<void()>> held_;
};

HostConfig test_config();

struct TestNode {
  explicit TestNode(HostConfig cfg, std::optional<KeyPair> key = std::nullopt);
  ~TestNode();
  std::string address() const { return "127.0.0.1:" + std::to_string(host->port()); }
  bool connected_to(const TestNode& other) const;
  std::optional<PeerId> peer_id_of(const TestNode& other) const;

  HostConfig config;
  KeyPair key;
  TestHandler handler;
  std::unique_ptr<Host> host;
};

uint64_t drops(const Host& host, const std::string& reason);

// A plain blocking TCP client on 127.0.0.1 with poll() deadlines.
class RawPeer {
 public:
  explicit RawPeer(uint16_t port);
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool write(ByteView data);
  std::optional<Bytes> read(std::size_t n, std::chrono::milliseconds timeout = 10s);
  // True once the other side closed (EOF or reset) within `timeout`; what it sends is discarded.
  bool wait_closed(std::chrono::milliseconds timeout = 15s);
  void close();
  // Half-closes: the host reads EOF after everything written so far.
  void shutdown_write();
  // Every byte written so far (to replay a session).
  const Bytes& written() const { return written_; }

  // Initiator handshake with the pure code. claimed_key goes in the first message; the Auth is
  // signed by signing_key (the same key for an honest peer).
  bool exchange_first_messages(const KeyPair& claimed_key, uint32_t version = 1);
  bool send_auth(const KeyPair& signing_key);
  bool send(const Message& m);
  std::optional<Message> read_message(std::chrono::milliseconds timeout = 10s);
  // The whole honest handshake: first messages, Auth, Hello; then reads the host's Auth and
  // Hello. True if the host's Auth verified and its Hello arrived.
  bool handshake(const KeyPair& key, const HostConfig& cfg, uint16_t listen_port = 0);
  FrameSealer* sealer() { return sealer_.get(); }

 private:
  int fd_ = -1;
  Bytes written_;
  std::optional<KeyPair> claimed_;  // the Handshake keeps a reference to it
  std::unique_ptr<Handshake> hs_;
  std::unique_ptr<FrameSealer> sealer_;
  std::unique_ptr<FrameOpener> opener_;
};

}  // namespace swarmchain::p2p::test

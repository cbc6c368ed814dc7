// Fuzz target: the p2p frame reader and handshake state machine of a real p2p::Host
// (p2p/connection.cpp), listening on 127.0.0.1 in this process. Each input is one TCP session
// (format: tests/fuzz/p2p_session.h): the handshake done honestly or not, then frames sealed
// around fuzzed plaintexts and raw bytes. The same code a remote peer reaches, not a model.
// Property: after we half-close, the host closes the connection within 10 s, whatever we sent
// (no hang), and it never crashes (ASan/UBSan watch its threads too).
#include <spdlog/spdlog.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "p2p/host.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/p2p_session.h"
#include "tests/p2p/support.h"

using namespace swarmchain;
using namespace std::chrono_literals;

namespace {

class Handler : public p2p::HostHandler {
 public:
  uint64_t local_height() const override { return 7; }
  void on_payload(p2p::PeerId, Bytes, std::function<void()> done) override { done(); }
  void on_connected(const p2p::PeerInfo&) override {}
  void on_disconnected(p2p::PeerId) override {}
};

struct World {
  KeyPair host_key = fuzz::key(50);
  // Sessions rotate over these keys: a connection still closing on the host's side is not a
  // duplicate of the next one.
  std::vector<KeyPair> peer_keys;
  p2p::HostConfig cfg;
  Handler handler;
  std::unique_ptr<p2p::Host> host;
};

World* world = nullptr;

p2p::HostConfig fuzz_config() {
  p2p::HostConfig c;
  c.bind_host = "127.0.0.1";
  c.port = 0;
  c.threads = 1;
  c.max_inbound = 1000;
  c.max_handshaking = 1000;
  c.chain_id = fuzz::genesis().chain_id();
  c.genesis_hash = hash_tagged("fuzz/genesis", ByteView());
  c.handshake_timeout_ms = 5'000;
  c.ban_ms = 0;  // a ban would refuse the next sessions: each input must start alike
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // SWARMCHAIN_FUZZ_LOG=1 shows the node's log (to see what an input does when reproducing it).
  spdlog::set_level(std::getenv("SWARMCHAIN_FUZZ_LOG") ? spdlog::level::debug : spdlog::level::off);
  world = new World;  // never freed: the Host's threads may outlive main's statics
  for (uint8_t i = 0; i < 64; ++i) world->peer_keys.push_back(fuzz::key(static_cast<uint8_t>(150 + i)));
  world->cfg = fuzz_config();
  world->host = std::make_unique<p2p::Host>(world->cfg, world->host_key, world->handler,
                                            [](ByteView) { return false; });
  if (Status s = world->host->start(); !s) fuzz::setup_failed("p2p host: " + s.message());
  // Stop the Host's threads before exit destroys the statics they use (registered after those
  // statics were made, so it runs before their destructors).
  std::atexit([] { world->host->stop(); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static std::size_t session = 0;
  if (size == 0) return 0;
  const KeyPair& key = world->peer_keys[session++ % world->peer_keys.size()];
  const uint8_t flags = data[0];
  const ByteView rest = fuzz::input(data + 1, size - 1);

  p2p::test::RawPeer peer(world->host->port());
  if (!peer.ok()) fuzz::setup_failed("cannot connect to the host on 127.0.0.1");
  bool alive = true;
  if ((flags & fuzz::kHonestFirstMessage) == 0) {
    alive = peer.write(rest);
  } else if (peer.exchange_first_messages(key, world->cfg.protocol_version)) {
    if (flags & fuzz::kHonestAuth) alive = peer.send_auth(key);
    if (alive && (flags & fuzz::kHonestHello)) {
      p2p::Hello h;
      h.protocol_version = world->cfg.protocol_version;
      h.chain_id = world->cfg.chain_id;
      h.genesis_hash = world->cfg.genesis_hash;
      h.height = 3;
      alive = peer.send(h);
    }
    for (const auto& r : fuzz::parse_records(rest)) {
      if (!alive) break;
      if (r.raw) {
        alive = peer.write(r.bytes);
      } else {
        auto frame = peer.sealer()->seal(r.bytes);
        alive = frame && peer.write(*frame);
      }
    }
  }
  peer.shutdown_write();
  fuzz::check(peer.wait_closed(10s), "the host kept a half-closed connection open for 10 s");
  return 0;
}

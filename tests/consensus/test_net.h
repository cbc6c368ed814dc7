// A pure, deterministic in-test network of consensus::Engine nodes: a pool of messages in
// flight, per-node pending timers, real ed25519 keys from fixed seeds. Nothing runs unless the
// test asks (deliver, fire, rebroadcast), so every schedule is reproducible.
//
// Node i holds key(i + 1); the committee is every node in index order. Each node's Output is
// handled the way the driver does: sign requests are signed, stepped back into the node and
// sent to every other node; a ProposeRequest is answered with value_for(i, h, r); timers are
// kept until the test fires them; a decision is recorded (and, with `heights` > 1, the next
// height is started at once).
//
// Thread-safety: single-threaded test helper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "consensus/engine.h"

namespace swarmchain::consensus::test {

KeyPair key(uint8_t seed_byte);
const Hash& chain_id();

// The value node i proposes at (h, r), and its hash (the identity the engine votes on).
Bytes value_for(std::size_t node, Height h, uint32_t r);
Hash value_hash(const Bytes& value);

Vote signed_vote(const KeyPair& k, VoteType type, Height h, uint32_t r, const Hash& value);
Proposal signed_proposal(const KeyPair& k, Height h, uint32_t r, const Bytes& value,
                         uint32_t pol_round = kNoRound);

// The validity callback of the tests: the value hash must be the value's hash.
Status hash_matches(const Proposal& p);

struct Envelope {
  std::size_t to = 0;
  Message message;
};

class TestNet {
 public:
  TestNet(std::size_t n, TimeoutConfig timeouts = {});

  // Starts `h` on every node that is up.
  void start(Height h);
  // Delivers pool[i] to its recipient (and removes it from the pool unless keep).
  void deliver(std::size_t i, bool keep = false);
  // FIFO until nothing is in flight.
  void run();
  // Fires, on every node that is up, its pending timers of step `s` for its current
  // height and round; returns how many fired.
  std::size_t fire(Step s);
  // Fires node i's pending timer k (whatever it is; stale ones are the engine's to ignore).
  void fire_timer(std::size_t node, std::size_t k);
  // Node i sends its own_messages() to everyone again.
  void rebroadcast(std::size_t node);

  std::size_t size() const { return engines_.size(); }
  Engine& engine(std::size_t i) { return engines_[i]; }
  const std::vector<PubKey>& committee() const { return committee_; }
  std::vector<Envelope>& pool() { return pool_; }
  std::vector<Timeout>& timers(std::size_t i) { return timers_[i]; }
  // Decisions per node, by height.
  const std::map<uint64_t, Decision>& decisions(std::size_t i) const { return decisions_[i]; }
  const std::vector<Dropped>& dropped() const { return dropped_; }
  const std::vector<Evidence>& evidence() const { return evidence_; }
  std::size_t sign_requests(std::size_t i) const { return sign_requests_[i]; }

  // A node that is down sends and receives nothing (a crashed or silent validator).
  std::vector<bool> down;
  // A byzantine node signs, for each recipient, either its honest message or (with
  // probability 1/2) a conflicting one: another value or nil. Needs `rng`.
  std::vector<bool> byzantine;
  std::mt19937_64* rng = nullptr;
  // Heights to run: after deciding h < last_height, a node starts h + 1 at once.
  uint64_t last_height = 1;
  // Per-node validity override (node, proposal); default hash_matches.
  std::function<Status(std::size_t, const Proposal&)> validity;
  std::vector<std::size_t> validity_calls;

 private:
  void handle(std::size_t i, Output out);
  void send(std::size_t from, const Message& honest);

  std::vector<KeyPair> keys_;
  std::vector<PubKey> committee_;
  std::vector<Engine> engines_;
  std::vector<Envelope> pool_;
  std::vector<std::vector<Timeout>> timers_;
  std::vector<std::map<uint64_t, Decision>> decisions_;
  std::vector<Dropped> dropped_;
  std::vector<Evidence> evidence_;
  std::vector<std::size_t> sign_requests_;
};

}  // namespace swarmchain::consensus::test

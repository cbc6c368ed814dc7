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
  uint64_t at_ms = 0;  // virtual delivery time (run_virtual); now + latency() when sent
};

struct PendingTimer {
  Timeout timeout;
  uint64_t at_ms = 0;  // virtual expiry: now + the engine's delay
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
  // Virtual time: runs the earliest event (a message at its at_ms, or a timer at its expiry;
  // every rebroadcast_ms all nodes rebroadcast) and returns false when nothing is left or
  // `until_ms` is passed.
  bool next_event(uint64_t until_ms, uint64_t rebroadcast_ms);

  std::size_t size() const { return engines_.size(); }
  Engine& engine(std::size_t i) { return engines_[i]; }
  const std::vector<PubKey>& committee() const { return committee_; }
  std::vector<Envelope>& pool() { return pool_; }
  std::vector<PendingTimer>& timers(std::size_t i) { return timers_[i]; }
  uint64_t now_ms() const { return now_; }
  // Decisions per node, by height.
  const std::map<uint64_t, Decision>& decisions(std::size_t i) const { return decisions_[i]; }
  const std::vector<Dropped>& dropped() const { return dropped_; }
  const std::vector<Evidence>& evidence() const { return evidence_; }
  std::size_t sign_requests(std::size_t i) const { return sign_requests_[i]; }

  // A node that is down sends and receives nothing (a crashed or silent validator).
  std::vector<bool> down;
  // A byzantine node signs, for each recipient, either its honest message or (with
  // probability 1/2) a conflicting one: a proposal of another value; a vote for the value the
  // recipient was proposed in that round (so that each honest node sees support for what it
  // saw), or else for another value or nil. Needs `rng`.
  std::vector<bool> byzantine;
  std::mt19937_64* rng = nullptr;
  // Heights to run: after deciding h < last_height, a node starts h + 1 at once.
  uint64_t last_height = 1;
  // Per-node validity override (node, proposal); default hash_matches.
  std::function<Status(std::size_t, const Proposal&)> validity;
  std::vector<std::size_t> validity_calls;
  // Message latency for the virtual-time runs (default 0).
  std::function<uint64_t()> latency;

 private:
  void handle(std::size_t i, Output out);
  void send(std::size_t from, const Message& honest);

  std::vector<KeyPair> keys_;
  std::vector<PubKey> committee_;
  std::vector<Engine> engines_;
  std::vector<Envelope> pool_;
  std::vector<std::vector<PendingTimer>> timers_;
  uint64_t now_ = 0;
  uint64_t next_rebroadcast_ = 0;
  std::vector<std::map<uint64_t, Decision>> decisions_;
  // The value each node was proposed, per (height, round): what a byzantine node votes for.
  std::vector<std::map<std::pair<uint64_t, uint32_t>, Hash>> seen_;
  std::vector<Dropped> dropped_;
  std::vector<Evidence> evidence_;
  std::vector<std::size_t> sign_requests_;
};

}  // namespace swarmchain::consensus::test

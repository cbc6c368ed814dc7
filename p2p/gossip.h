// Gossip bookkeeping, the pure part: a keyed payload hash, the host's "seen recently" filter,
// each peer's bounded "known" set, and a token bucket. Time arrives as an argument (ms).
//
// The hash is SipHash-2-4 (crypto_shorthash) under a random key per Host: a peer cannot craft
// payloads that collide in our sets without knowing the key.
//
// Thread-safety: single-thread values; the Host guards SeenFilter with a mutex, a peer's
// KnownSet and TokenBucket live on its strand.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "common/bytes.h"

namespace swarmchain::p2p {

class GossipHasher {
 public:
  GossipHasher();  // a random key
  explicit GossipHasher(const std::array<uint8_t, 16>& key) : key_(key) {}
  uint64_t operator()(ByteView payload) const;

 private:
  std::array<uint8_t, 16> key_;
};

// Payload hashes seen within `window_ms`, at most `capacity` of them (the oldest go first).
class SeenFilter {
 public:
  SeenFilter(uint64_t window_ms, std::size_t capacity) : window_(window_ms), cap_(capacity) {}
  // True if `h` was not seen within the window (and records it now); false for a duplicate.
  bool insert(uint64_t h, uint64_t now_ms);
  std::size_t size() const { return last_seen_.size(); }

 private:
  void expire(uint64_t now_ms);
  uint64_t window_;
  std::size_t cap_;
  std::unordered_map<uint64_t, uint64_t> last_seen_;
  std::deque<std::pair<uint64_t, uint64_t>> order_;  // (time, hash), oldest first
};

// The last `capacity` hashes a peer sent us or we sent it (FIFO).
class KnownSet {
 public:
  explicit KnownSet(std::size_t capacity) : cap_(capacity) {}
  bool contains(uint64_t h) const { return set_.count(h) != 0; }
  void insert(uint64_t h);
  std::size_t size() const { return set_.size(); }

 private:
  std::size_t cap_;
  std::unordered_set<uint64_t> set_;
  std::deque<uint64_t> order_;
};

// `rate_per_s` tokens a second, at most `burst` saved.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst), tokens_(burst) {}
  bool take(uint64_t now_ms);

 private:
  double rate_;
  double burst_;
  double tokens_;
  uint64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace swarmchain::p2p

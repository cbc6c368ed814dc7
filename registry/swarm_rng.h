// The random source of the swarm assignment (design §5.6), byte-exact:
//
//   seed       = first 8 bytes of the block hash read as a little-endian u64
//   engine     = std::mt19937_64(seed)      (the C++ standard fixes its output sequence)
//   uniform(n) = limit = UINT64_MAX - UINT64_MAX % n;
//                draw x from the engine until x < limit; return x / (limit / n)
//
// uniform(1) still draws once: every call consumes at least one engine output, and so the
// number of draws is part of consensus. This is Oxen's `uniform_distribution_portable`.
//
// Thread-safety: a value type; one instance per assignment run, not shared.
#pragma once

#include <cstdint>
#include <random>

#include "common/bytes.h"

namespace swarmchain {

class SwarmRng {
 public:
  explicit SwarmRng(const Hash& block_hash) : engine_(seed_from(block_hash)) {}

  static uint64_t seed_from(const Hash& block_hash) {
    uint64_t seed = 0;
    for (int i = 7; i >= 0; --i) seed = (seed << 8) | block_hash.data[static_cast<std::size_t>(i)];
    return seed;
  }

  // A value in [0, n). REQUIRES: n >= 1 (n == 0 returns 0 without drawing; the assigner never
  // asks for it).
  uint64_t uniform(uint64_t n) {
    if (n == 0) return 0;
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x / (limit / n);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace swarmchain

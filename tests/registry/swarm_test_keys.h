// Deterministic test pubkeys and block hashes (not secure; only distinct and reproducible).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "common/bytes.h"

namespace swarmchain::test {

template <typename Fixed>
Fixed random_fixed(std::mt19937_64& rng) {
  Fixed out;
  for (std::size_t i = 0; i < Fixed::kSize; i += 8) {
    uint64_t v = rng();
    for (std::size_t b = 0; b < 8 && i + b < Fixed::kSize; ++b) {
      out.data[i + b] = static_cast<uint8_t>(v & 0xff);
      v >>= 8;
    }
  }
  return out;
}

inline std::vector<PubKey> random_pubkeys(std::mt19937_64& rng, std::size_t n) {
  std::vector<PubKey> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(random_fixed<PubKey>(rng));
  return out;
}

inline Hash hash_with_seed(uint64_t seed) {
  Hash h;
  for (std::size_t i = 0; i < 8; ++i) h.data[i] = static_cast<uint8_t>(seed >> (8 * i));
  return h;
}

}  // namespace swarmchain::test

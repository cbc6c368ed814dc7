// Byte containers shared by every module.
//
// Bytes     : an owned, growable byte string.
// ByteView  : a non-owning view (std::span) of const bytes.
// FixedBytes<N, Tag> : exactly N bytes; the Tag makes Hash, PubKey, Signature distinct types.
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace swarmchain {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <std::size_t N, typename Tag>
struct FixedBytes {
  static constexpr std::size_t kSize = N;
  std::array<uint8_t, N> data{};

  static FixedBytes from(ByteView v) {  // REQUIRES: v.size() == N
    FixedBytes out;
    std::copy_n(v.begin(), N, out.data.begin());
    return out;
  }
  uint8_t* begin() { return data.data(); }
  uint8_t* end() { return data.data() + N; }
  const uint8_t* begin() const { return data.data(); }
  const uint8_t* end() const { return data.data() + N; }
  constexpr std::size_t size() const { return N; }
  ByteView view() const { return {data.data(), N}; }
  bool is_zero() const {
    return std::all_of(data.begin(), data.end(), [](uint8_t b) { return b == 0; });
  }
  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
};

struct HashTag {};
struct PubKeyTag {};
struct SignatureTag {};
struct SecretKeyTag {};
struct SeedTag {};

using Hash = FixedBytes<32, HashTag>;            // BLAKE2b-256 output
using PubKey = FixedBytes<32, PubKeyTag>;        // ed25519 or x25519 public key
using Signature = FixedBytes<64, SignatureTag>;  // ed25519 detached signature
using Seed = FixedBytes<32, SeedTag>;            // ed25519 seed (secret)
using SecretKey = FixedBytes<64, SecretKeyTag>;  // libsodium ed25519 sk (seed || pk)

// Hashes of a specific role: same bytes, but not interchangeable by accident in signatures.
using BlockHash = Hash;
using TxId = Hash;

}  // namespace swarmchain

template <std::size_t N, typename Tag>
struct std::hash<swarmchain::FixedBytes<N, Tag>> {
  std::size_t operator()(const swarmchain::FixedBytes<N, Tag>& b) const noexcept {
    std::size_t h = 0;
    for (std::size_t i = 0; i < sizeof(h) && i < N; ++i) h = (h << 8) | b.data[i];
    return h;
  }
};

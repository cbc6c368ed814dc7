// libsodium wrappers: BLAKE2b-256 with domain tags, ed25519, X25519 conversion, randomness.
//
// Every hash is domain separated: H(tag || data), tag an ASCII string such as
// "swarmchain/tx/v1" (design §3). The tag is hashed as its raw bytes, no length prefix:
// tags are fixed constants ending in a version, so none is a prefix of another's data.
//
// Thread-safety: all functions are thread-safe after crypto_init() returned true.
#pragma once

#include <optional>
#include <string_view>

#include "common/bytes.h"

namespace swarmchain {

// Calls sodium_init(). Safe to call many times; returns false if libsodium can't start.
bool crypto_init();

// Streaming tagged hash.
class Hasher {
 public:
  explicit Hasher(std::string_view tag);
  Hasher& update(ByteView data);
  template <std::size_t N, typename Tag>
  Hasher& update(const FixedBytes<N, Tag>& f) {
    return update(f.view());
  }
  Hash final();

 private:
  alignas(64) unsigned char state_[384];
};

Hash hash_tagged(std::string_view tag, ByteView data);

// ed25519 key pair. The secret key never leaves this object except through seed().
class KeyPair {
 public:
  static KeyPair generate();
  static KeyPair from_seed(const Seed& seed);
  const PubKey& pubkey() const { return pk_; }
  const Seed& seed() const { return seed_; }
  Signature sign(ByteView message) const;
  Signature sign(const Hash& digest) const { return sign(digest.view()); }
  ~KeyPair();
  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;

 private:
  KeyPair() = default;
  Seed seed_;
  SecretKey sk_;
  PubKey pk_;
};

bool verify(const PubKey& pk, ByteView message, const Signature& sig);
inline bool verify(const PubKey& pk, const Hash& digest, const Signature& sig) {
  return verify(pk, digest.view(), sig);
}

// True if `pk` is a key some ed25519 secret key can own: the canonical encoding of a curve
// point of the prime-order subgroup, not of small order (libsodium's
// crypto_core_ed25519_is_valid_point). Every KeyPair's pubkey passes; random 32 bytes pass
// about 1 time in 16. Costs about one signature verify (~65 us): cache it where it repeats
// (SigCache::valid_key).
bool is_valid_public_key(const PubKey& pk);

// X25519 public key derived from an ed25519 public key; nullopt if the point is invalid.
std::optional<PubKey> ed25519_pk_to_x25519(const PubKey& ed_pk);

void random_bytes(uint8_t* out, std::size_t n);
template <typename Fixed>
Fixed random_fixed() {
  Fixed f;
  random_bytes(f.data.data(), Fixed::kSize);
  return f;
}

// Overwrites memory so that secrets do not linger.
void secure_wipe(void* p, std::size_t n);

}  // namespace swarmchain

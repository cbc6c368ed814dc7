#include "common/crypto.h"

#include <sodium.h>

#include <cstring>

namespace swarmchain {

static_assert(sizeof(crypto_generichash_state) <= 384);
static_assert(crypto_sign_SEEDBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64);

bool crypto_init() { return sodium_init() >= 0; }

Hasher::Hasher(std::string_view tag) {
  auto* st = reinterpret_cast<crypto_generichash_state*>(state_);
  crypto_generichash_init(st, nullptr, 0, 32);
  update(as_bytes(tag));
}

Hasher& Hasher::update(ByteView data) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_), data.data(),
                            data.size());
  return *this;
}

Hash Hasher::final() {
  Hash h;
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), h.data.data(),
                           32);
  return h;
}

Hash hash_tagged(std::string_view tag, ByteView data) {
  return Hasher(tag).update(data).final();
}

KeyPair KeyPair::generate() { return from_seed(random_fixed<Seed>()); }

KeyPair KeyPair::from_seed(const Seed& seed) {
  KeyPair kp;
  kp.seed_ = seed;
  crypto_sign_seed_keypair(kp.pk_.data.data(), kp.sk_.data.data(), seed.data.data());
  return kp;
}

KeyPair::~KeyPair() {
  secure_wipe(sk_.data.data(), sk_.size());
  secure_wipe(seed_.data.data(), seed_.size());
}

Signature KeyPair::sign(ByteView message) const {
  Signature s;
  crypto_sign_detached(s.data.data(), nullptr, message.data(), message.size(),
                       sk_.data.data());
  return s;
}

bool verify(const PubKey& pk, ByteView message, const Signature& sig) {
  return crypto_sign_verify_detached(sig.data.data(), message.data(), message.size(),
                                     pk.data.data()) == 0;
}

bool is_valid_public_key(const PubKey& pk) {
  return crypto_core_ed25519_is_valid_point(pk.data.data()) == 1;
}

std::optional<PubKey> ed25519_pk_to_x25519(const PubKey& ed_pk) {
  PubKey x;
  if (crypto_sign_ed25519_pk_to_curve25519(x.data.data(), ed_pk.data.data()) != 0)
    return std::nullopt;
  return x;
}

void random_bytes(uint8_t* out, std::size_t n) { randombytes_buf(out, n); }

void secure_wipe(void* p, std::size_t n) { sodium_memzero(p, n); }

}  // namespace swarmchain

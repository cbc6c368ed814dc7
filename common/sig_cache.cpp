#include "common/sig_cache.h"

#include "common/parallel.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/crypto.h"

namespace swarmchain {

namespace {
bool is_empty(const std::array<uint8_t, 32>& k) {
  return std::all_of(k.begin(), k.end(), [](uint8_t b) { return b == 0; });
}
uint64_t load_u64(const uint8_t* p) {
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace

SigCache::SigCache(std::size_t max_entries) : stripes_(new std::mutex[kStripes]) {
  const std::size_t entries = std::bit_ceil(std::max(max_entries, kWays));
  slots_.reset(static_cast<Key*>(std::calloc(entries, sizeof(Key))));
  if (!slots_) throw std::bad_alloc();
  capacity_ = entries;
  bucket_mask_ = entries / kWays - 1;
  random_bytes(salt_.data(), salt_.size());
}

void SigCache::FreeDeleter::operator()(Key* p) const { std::free(p); }

SigCache::Key SigCache::key_of(const PubKey& pk, const Hash& digest, const Signature& sig) const {
  // Fixed-size fields, so the concatenation is unambiguous.
  std::array<uint8_t, 32 + 32 + 64> in{};
  std::copy(pk.begin(), pk.end(), in.begin());
  std::copy(digest.begin(), digest.end(), in.begin() + 32);
  std::copy(sig.begin(), sig.end(), in.begin() + 64);
  return salted_hash(ByteView(in.data(), in.size()));
}

SigCache::Key SigCache::key_of(const PubKey& pk) const {
  // 33 bytes: a key entry's input never has a triple's length, so the two cannot collide.
  std::array<uint8_t, 1 + 32> in{};
  in[0] = 'K';
  std::copy(pk.begin(), pk.end(), in.begin() + 1);
  return salted_hash(ByteView(in.data(), in.size()));
}

SigCache::Key SigCache::salted_hash(ByteView in) const {
  Key k{};
  crypto_generichash(k.data(), k.size(), in.data(), in.size(), salt_.data(), salt_.size());
  if (is_empty(k)) k[0] = 1;  // all-zero marks an empty slot (probability 2^-256)
  return k;
}

std::size_t SigCache::bucket_of(const Key& k) const {
  return static_cast<std::size_t>(load_u64(k.data())) & bucket_mask_;
}

bool SigCache::contains_key(const Key& k) const {
  const std::size_t b = bucket_of(k);
  std::lock_guard lock(stripes_[b % kStripes]);
  for (std::size_t w = 0; w < kWays; ++w)
    if (slots_[b * kWays + w] == k) return true;
  return false;
}

void SigCache::insert_key(const Key& k) {
  const std::size_t b = bucket_of(k);
  std::lock_guard lock(stripes_[b % kStripes]);
  Key* bucket = &slots_[b * kWays];
  for (std::size_t w = 0; w < kWays; ++w) {
    if (bucket[w] == k) return;  // another thread verified the same triple meanwhile
    if (is_empty(bucket[w])) {
      bucket[w] = k;
      occupied_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  // Full: evict a way chosen by key bits not used for the bucket index (salted, so random).
  bucket[load_u64(k.data() + 8) % kWays] = k;
  evictions_.fetch_add(1, std::memory_order_relaxed);
}

bool SigCache::contains(const PubKey& pk, const Hash& digest, const Signature& sig) const {
  return contains_key(key_of(pk, digest, sig));
}

bool SigCache::lookup(const PubKey& pk, const Hash& digest, const Signature& sig) {
  if (!contains(pk, digest, sig)) return false;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool SigCache::verify(const PubKey& pk, const Hash& digest, const Signature& sig) {
  const Key k = key_of(pk, digest, sig);
  if (contains_key(k)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  verifies_.fetch_add(1, std::memory_order_relaxed);
  if (!swarmchain::verify(pk, digest, sig)) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  insert_key(k);
  return true;
}

bool SigCache::valid_key(const PubKey& pk) {
  const Key k = key_of(pk);
  if (contains_key(k)) {
    key_hits_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  key_checks_.fetch_add(1, std::memory_order_relaxed);
  if (!is_valid_public_key(pk)) return false;
  insert_key(k);
  return true;
}

SigCache::Stats SigCache::stats() const {
  Stats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.verifies = verifies_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.evictions = evictions_.load(std::memory_order_relaxed);
  s.key_hits = key_hits_.load(std::memory_order_relaxed);
  s.key_checks = key_checks_.load(std::memory_order_relaxed);
  return s;
}

bool verify_signature(SigCache* cache, const PubKey& pk, const Hash& digest,
                      const Signature& sig) {
  return cache ? cache->verify(pk, digest, sig) : verify(pk, digest, sig);
}

bool valid_key(SigCache* cache, const PubKey& pk) {
  return cache ? cache->valid_key(pk) : is_valid_public_key(pk);
}

std::vector<uint8_t> verify_signatures(SigCache* cache, std::span<const SigCheck> checks,
                                       std::size_t min_per_thread) {
  std::vector<uint8_t> valid(checks.size(), 0);
  std::vector<std::size_t> misses;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const SigCheck& c = checks[i];
    if (cache && cache->lookup(*c.pk, c.digest, *c.sig)) valid[i] = 1;
    else misses.push_back(i);
  }
  parallel_for(
      misses.size(),
      [&](std::size_t k) {
        const SigCheck& c = checks[misses[k]];
        valid[misses[k]] = verify_signature(cache, *c.pk, c.digest, *c.sig) ? 1 : 0;
      },
      min_per_thread);
  return valid;
}

}  // namespace swarmchain

// SigCache: a bounded set of ed25519 signatures already found valid, so that one signature is
// verified once per node, not once per path it travels (as Bitcoin Core's signature cache):
// a tx checked at mempool admission is not checked again in its block; certificate signatures
// checked ahead of time by sync's preverify (chain/preverify.h) are not checked again at
// commit.
//
// What is cached: the triple (pubkey, 32-byte message digest, signature), as a keyed BLAKE2b-256
// of the triple under a random per-cache salt. Only triples that verified are ever inserted
// (verify() inserts after a successful check; there is no other way in), so a hit proves the
// same bytes verified before: a wrong signature is verified, and refused, every time. The
// salt keeps the slot positions unpredictable, so nobody can aim entries at one bucket to evict
// chosen signatures.
//
// It also caches public keys found valid (is_valid_public_key, as costly as a verify): a tx's
// recipient is checked at admission and found here again in its block. Their entries are a
// keyed hash of a one-byte marker and the key (33 bytes, never the 128 of a triple), so one kind
// of entry can never answer for the other.
//
// Memory is fixed at construction: max_entries slots of 32 bytes (default 2^18 = 8 MiB), in
// buckets of 4; a full bucket evicts a slot picked by bits of the new key (salted, so as good as
// random). Eviction only costs a repeated verify later, never a wrong answer.
//
// The owner injects it (Blockchain owns the node's one cache; the mempool, the executor,
// verify_certificate and preverify take an optional pointer): no global.
//
// Thread-safety: every method is thread-safe (buckets are guarded by 64 striped mutexes; the
// ed25519 check itself runs outside any lock).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "common/bytes.h"

namespace swarmchain {

class SigCache {
 public:
  static constexpr std::size_t kDefaultEntries = std::size_t{1} << 18;

  // REQUIRES: crypto_init() returned true (the salt is random). max_entries is rounded up to a
  // power of two, at least 4.
  explicit SigCache(std::size_t max_entries = kDefaultEntries);
  SigCache(const SigCache&) = delete;
  SigCache& operator=(const SigCache&) = delete;

  // True if `sig` is pubkey `pk`'s valid ed25519 signature of `digest`: a cache hit, or an
  // ed25519 verify whose success is then recorded.
  bool verify(const PubKey& pk, const Hash& digest, const Signature& sig);
  // True if the triple is cached (verified before and not evicted). Does not verify.
  bool contains(const PubKey& pk, const Hash& digest, const Signature& sig) const;
  // contains(), and a true answer is counted in stats().hits as verify() would count it.
  bool lookup(const PubKey& pk, const Hash& digest, const Signature& sig);

  // True if `pk` is a valid public key (is_valid_public_key): a cache hit, or a check whose
  // success is then recorded.
  bool valid_key(const PubKey& pk);

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return occupied_.load(std::memory_order_relaxed); }

  struct Stats {
    uint64_t hits = 0;       // verify() answered from the cache
    uint64_t verifies = 0;   // ed25519 verifies verify() ran (misses)
    uint64_t rejected = 0;   // of those, signatures that did not verify (never cached)
    uint64_t evictions = 0;  // valid entries dropped to make room
    uint64_t key_hits = 0;   // valid_key() answered from the cache
    uint64_t key_checks = 0; // is_valid_public_key checks valid_key() ran (misses)
  };
  Stats stats() const;

 private:
  using Key = std::array<uint8_t, 32>;
  static constexpr std::size_t kWays = 4;
  static constexpr std::size_t kStripes = 64;

  Key key_of(const PubKey& pk, const Hash& digest, const Signature& sig) const;
  Key key_of(const PubKey& pk) const;
  Key salted_hash(ByteView in) const;
  std::size_t bucket_of(const Key& k) const;
  bool contains_key(const Key& k) const;
  void insert_key(const Key& k);

  std::array<uint8_t, 32> salt_{};
  struct FreeDeleter {
    void operator()(Key* p) const;
  };
  // bucket b = slots [b * kWays, (b + 1) * kWays); all-zero = empty. calloc'd: the pages are
  // only backed by memory once used, so an idle cache (a test's Blockchain) costs little.
  std::unique_ptr<Key[], FreeDeleter> slots_;
  std::size_t capacity_ = 0;
  std::size_t bucket_mask_ = 0;
  std::unique_ptr<std::mutex[]> stripes_;  // bucket b is guarded by stripes_[b % kStripes]
  std::atomic<std::size_t> occupied_{0};
  std::atomic<uint64_t> hits_{0}, verifies_{0}, rejected_{0}, evictions_{0}, key_hits_{0},
      key_checks_{0};
};

// Verifies through `cache` when there is one, else a plain ed25519 verify.
bool verify_signature(SigCache* cache, const PubKey& pk, const Hash& digest,
                      const Signature& sig);

// Checks through `cache` when there is one, else a plain is_valid_public_key.
bool valid_key(SigCache* cache, const PubKey& pk);

// One signature of a batch: pubkey, 32-byte digest, signature.
struct SigCheck {
  const PubKey* pk = nullptr;
  Hash digest;
  const Signature* sig = nullptr;
};

// Verifies a batch of signatures; valid[i] says whether checks[i] verified. Those `cache`
// holds are answered on the calling thread (counted as hits, as verify() counts them); only
// the others are verified, on the shared pool when there are at least 2 * min_per_thread of
// them. A batch checked before (txs prechecked on arrival, then seen again in a block) is so a
// run of cache lookups, with no hand-off to the pool and no wait for it.
std::vector<uint8_t> verify_signatures(SigCache* cache, std::span<const SigCheck> checks,
                                       std::size_t min_per_thread);

}  // namespace swarmchain

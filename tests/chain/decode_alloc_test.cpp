// Decoders allocate for what the input holds, not for what a count in it claims. This binary
// replaces the global operator new to record the largest single allocation (nothing else).
// Found by fuzz_block under -malloc_limit_mb (tests/fuzz): a 330-byte block announcing 20,000
// txs reserved ~2.7 MB before reading the first.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "chain/block.h"

namespace {
std::atomic<std::size_t> largest{0};
}  // namespace

void* operator new(std::size_t n) {
  std::size_t seen = largest.load();
  while (n > seen && !largest.compare_exchange_weak(seen, n)) {
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// g++ 12 takes the replacement's free() for a mismatch with operator new (it is the pair).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace swarmchain {
namespace {

constexpr std::size_t kSmall = 64 * 1024;

TEST(DecodeAllocation, ABlockClaimingTheMaximumTxCountReservesOnlyForItsBytes) {
  Writer w;
  BlockHeader{}.encode(w);
  w.varint(Block::kMaxTxs);  // then nothing: the first tx is missing
  const Bytes in = w.take();
  largest = 0;
  EXPECT_FALSE(Block::from_bytes(in));
  EXPECT_LT(largest.load(), kSmall);
}

}  // namespace
}  // namespace swarmchain

// Fuzz target: a block (chain/block.h) as sync and proposals carry it. Property: what decodes
// re-encodes to the same bytes, and its tx root and hash can be computed.
#include <cstddef>
#include <cstdint>

#include "chain/block.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::input(data, size);
  auto block = Block::from_bytes(in);
  if (!block) return 0;
  fuzz::check(fuzz::same(block->to_bytes(), in), "a decoded block re-encodes to other bytes");
  fuzz::check(block->txs.size() <= Block::kMaxTxs, "a block over the tx cap decoded");
  (void)block->compute_tx_root();
  (void)block->hash();
  return 0;
}

// Fuzz target: the node's wire messages (node/wire.h), every tag: consensus messages, txs and
// tx batches, block requests, certified blocks, reachability votes. Property: what decodes
// re-encodes to the same bytes, and the count limits the header promises hold (empty blocks
// and txs lists are valid: they are in the golden vectors).
#include <cstddef>
#include <cstdint>

#include "node/wire.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::input(data, size);
  auto m = wire::decode(in);
  if (!m) return 0;
  fuzz::check(fuzz::same(wire::encode(*m), in), "a decoded wire message re-encodes to other bytes");
  if (const auto* req = std::get_if<wire::BlockRequest>(&*m))
    fuzz::check(req->count >= 1 && req->count <= wire::kMaxBlocksPerRequest,
                "a block request with a count out of range decoded");
  if (const auto* blocks = std::get_if<wire::Blocks>(&*m))
    fuzz::check(blocks->blocks.size() <= wire::kMaxBlocksPerRequest,
                "a blocks message with a count out of range decoded");
  if (const auto* batch = std::get_if<wire::TxBatch>(&*m))
    fuzz::check(batch->txs.size() <= wire::kMaxTxsPerBatch,
                "a tx batch with a count out of range decoded");
  (void)wire::kind_name(*m);
  return 0;
}

// The messages nodes exchange (design §7.2), as bytes: what Driver sends through Network and
// reads in Driver::on_message. The transport (p2p; the simulator) frames and
// authenticates them; this is only the payload.
//
// Grammar:
//   wire          = tag u8 || body
//   tag 0 consensus      body = message (consensus/message.h: proposal or vote)
//   tag 1 tx             body = tx (chain/tx.h)
//   tag 2 block_request  body = from u64 || count u32        (1 <= count <= kMaxBlocksPerRequest)
//   tag 3 blocks         body = vector<certified_block, kMaxBlocksPerRequest>
//   certified_block      = block (chain/block.h) || certificate (common/commit.h)
// Decoding rejects an unknown tag, trailing bytes, a count of 0 or above the limit, and any
// error of the nested decoders. Golden vectors: tests/data/node_wire.json.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "chain/block.h"
#include "chain/tx.h"
#include "common/commit.h"
#include "common/expected.h"
#include "consensus/message.h"

namespace swarmchain::wire {

inline constexpr uint32_t kMaxBlocksPerRequest = 64;

enum class Tag : uint8_t { kConsensus = 0, kTx = 1, kBlockRequest = 2, kBlocks = 3 };

// "Send me the committed blocks from..from+count-1 with their certificates."
struct BlockRequest {
  Height from;
  uint32_t count = 0;
  friend bool operator==(const BlockRequest&, const BlockRequest&) = default;
};

struct CertifiedBlock {
  Block block;
  CommitCertificate cert;  // the block's own certificate
  friend bool operator==(const CertifiedBlock&, const CertifiedBlock&) = default;
};

// Committed blocks in ascending, consecutive heights (an answer to a BlockRequest, or sent
// unasked to a peer that is behind).
struct Blocks {
  std::vector<CertifiedBlock> blocks;
  friend bool operator==(const Blocks&, const Blocks&) = default;
};

using WireMessage = std::variant<consensus::Message, Tx, BlockRequest, Blocks>;

Bytes encode(const WireMessage& m);
Expected<WireMessage> decode(ByteView bytes);

// The name of the message kind, for logs and counters.
const char* kind_name(const WireMessage& m);

}  // namespace swarmchain::wire

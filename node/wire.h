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
//   tag 4 txs            body = vector<bytes<kMaxTxBytes>, kMaxTxsPerBatch> (chain/tx.h's tx list)
//   tag 5 reach_vote     body = height u64 || target fixed<32> || new_state u8 ||
//                               failed_checks u32 || index u16 || signature fixed<64>
//                        (a reachability quorum member's vote, registry/reach_quorum.h)
//   certified_block      = block (chain/block.h) || certificate (common/commit.h)
// Nodes send txs as tag 4 batches (a node relays what it admitted from one batch as one batch);
// tag 1 is still read, as a batch of one.
// Decoding rejects an unknown tag, trailing bytes, a block request count of 0, any count above
// its limit, and any error of the nested decoders. An empty blocks or txs list decodes (it is
// in the golden vectors; it does nothing). Golden vectors: tests/data/node_wire.json.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "chain/block.h"
#include "chain/tx.h"
#include "common/commit.h"
#include "common/expected.h"
#include "consensus/message.h"

namespace swarmchain::wire {

inline constexpr uint32_t kMaxBlocksPerRequest = 64;
inline constexpr std::size_t kMaxTxsPerBatch = 1024;
// A sender starts a new batch past this many encoded bytes (a receiver takes any batch its
// frame limit allows).
inline constexpr std::size_t kTxBatchBytes = 1u << 20;

enum class Tag : uint8_t {
  kConsensus = 0,
  kTx = 1,
  kBlockRequest = 2,
  kBlocks = 3,
  kTxs = 4,
  kReachVote = 5,
};

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

// Txs to gossip, in the order they were admitted (a sender's nonces ascending).
struct TxBatch {
  std::vector<Tx> txs;
  friend bool operator==(const TxBatch&, const TxBatch&) = default;
};

// "At `height`, `target` fails `failed_checks`", signed by member `index` of quorum(height).
struct ReachVote {
  Height height;
  PubKey target;
  uint8_t new_state = 0;
  uint32_t failed_checks = 0;
  uint16_t index = 0;
  Signature signature;
  friend bool operator==(const ReachVote&, const ReachVote&) = default;
};

using WireMessage = std::variant<consensus::Message, Tx, BlockRequest, Blocks, TxBatch, ReachVote>;

Bytes encode(const WireMessage& m);
// `txs` as tag 4 messages of at most kMaxTxsPerBatch txs and about kTxBatchBytes each, in order.
std::vector<Bytes> encode_tx_batches(std::span<const Tx> txs);
Expected<WireMessage> decode(ByteView bytes);

// The name of the message kind, for logs and counters.
const char* kind_name(const WireMessage& m);

}  // namespace swarmchain::wire

// Blocks (design §4.3).
//
// Grammar:
//   header = height u64 || prev_hash[32] || time_ms u64 || proposer[32] || tx_root[32] ||
//            state_root[32] || registry_root[32] || committee_hash[32] ||
//            next_committee_hash[32] || last_commit_hash[32]
//   block  = header || vector<bytes<kMaxTxBytes>, max_block_txs> txs || u8 has_last_commit ||
//            [certificate]
// block hash = H("swarmchain/header/v1" || header). tx_root = merkle_root(txids).
// last_commit is the certificate of block height-1; absent (0) only at height 1, whose parent is
// the genesis block (certified by the genesis file itself). last_commit_hash = its hash, or
// zero when absent.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/tx.h"
#include "common/commit.h"
#include "common/height.h"

namespace swarmchain {

struct BlockHeader {
  Height height;
  BlockHash prev_hash;
  uint64_t time_ms = 0;
  PubKey proposer;
  Hash tx_root;
  Hash state_root;
  Hash registry_root;
  Hash committee_hash;
  Hash next_committee_hash;
  Hash last_commit_hash;

  void encode(Writer& w) const;
  static BlockHeader decode(Reader& r);
  BlockHash hash() const;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  static constexpr std::size_t kMaxTxs = 20'000;  // hard decoder cap; params may be lower
  BlockHeader header;
  std::vector<Tx> txs;
  std::optional<CommitCertificate> last_commit;

  void encode(Writer& w) const;
  static Block decode(Reader& r);
  static Expected<Block> from_bytes(ByteView b);
  Bytes to_bytes() const { return swarmchain::encode(*this); }
  BlockHash hash() const { return header.hash(); }
  Hash compute_tx_root() const;
  friend bool operator==(const Block&, const Block&) = default;
};

}  // namespace swarmchain

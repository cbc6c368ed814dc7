#include "chain/block.h"

#include "common/merkle.h"

namespace swarmchain {

void BlockHeader::encode(Writer& w) const {
  w.height(height);
  w.fixed(prev_hash);
  w.u64(time_ms);
  w.fixed(proposer);
  w.fixed(tx_root);
  w.fixed(state_root);
  w.fixed(registry_root);
  w.fixed(committee_hash);
  w.fixed(next_committee_hash);
  w.fixed(last_commit_hash);
}

BlockHeader BlockHeader::decode(Reader& r) {
  BlockHeader h;
  h.height = r.height();
  h.prev_hash = r.fixed<Hash>();
  h.time_ms = r.u64();
  h.proposer = r.fixed<PubKey>();
  h.tx_root = r.fixed<Hash>();
  h.state_root = r.fixed<Hash>();
  h.registry_root = r.fixed<Hash>();
  h.committee_hash = r.fixed<Hash>();
  h.next_committee_hash = r.fixed<Hash>();
  h.last_commit_hash = r.fixed<Hash>();
  return h;
}

BlockHash BlockHeader::hash() const { return hash_tagged("swarmchain/header/v1", swarmchain::encode(*this)); }

void Block::encode(Writer& w) const {
  header.encode(w);
  encode_tx_list(w, txs);
  w.u8(last_commit ? 1 : 0);
  if (last_commit) last_commit->encode(w);
}

Block Block::decode(Reader& r) {
  Block b;
  b.header = BlockHeader::decode(r);
  b.txs = decode_tx_list(r, kMaxTxs);
  uint8_t has = r.enumeration<uint8_t>(1);
  if (has) b.last_commit = CommitCertificate::decode(r);
  return b;
}

Expected<Block> Block::from_bytes(ByteView b) { return decode_exact<Block>(b); }

Hash Block::compute_tx_root() const {
  std::vector<Hash> ids;
  ids.reserve(txs.size());
  for (const auto& tx : txs) ids.push_back(tx.id());
  return merkle_root(ids);
}

}  // namespace swarmchain

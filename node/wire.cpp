#include "node/wire.h"

#include <iterator>
#include <type_traits>

namespace swarmchain::wire {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

Bytes encode(const WireMessage& m) {
  Writer w;
  std::visit(Overloaded{
                 [&](const consensus::Message& c) {
                   w.u8(static_cast<uint8_t>(Tag::kConsensus));
                   w.raw(consensus::encode_message(c));
                 },
                 [&](const Tx& tx) {
                   w.u8(static_cast<uint8_t>(Tag::kTx));
                   tx.encode(w);
                 },
                 [&](const BlockRequest& r) {
                   w.u8(static_cast<uint8_t>(Tag::kBlockRequest));
                   w.height(r.from);
                   w.u32(r.count);
                 },
                 [&](const Blocks& b) {
                   w.u8(static_cast<uint8_t>(Tag::kBlocks));
                   w.varint(b.blocks.size());
                   for (const auto& cb : b.blocks) {
                     cb.block.encode(w);
                     cb.cert.encode(w);
                   }
                 },
                 [&](const TxBatch& b) {
                   w.u8(static_cast<uint8_t>(Tag::kTxs));
                   encode_tx_list(w, b.txs);
                 },
                 [&](const ReachVote& v) {
                   w.u8(static_cast<uint8_t>(Tag::kReachVote));
                   w.height(v.height);
                   w.fixed(v.target);
                   w.u8(v.new_state);
                   w.u32(v.failed_checks);
                   w.u16(v.index);
                   w.fixed(v.signature);
                 },
             },
             m);
  return w.take();
}

Expected<WireMessage> decode(ByteView bytes) {
  if (bytes.empty()) return fail(DecodeError::kTruncated, "empty message");
  const ByteView body = bytes.subspan(1);
  switch (bytes[0]) {
    case static_cast<uint8_t>(Tag::kConsensus): {
      auto m = consensus::decode_message(body);
      if (!m) return unexpected(m.error());
      return WireMessage(std::move(*m));
    }
    case static_cast<uint8_t>(Tag::kTx): {
      auto tx = Tx::from_bytes(body);
      if (!tx) return unexpected(tx.error());
      return WireMessage(std::move(*tx));
    }
    case static_cast<uint8_t>(Tag::kBlockRequest): {
      Reader r(body);
      BlockRequest req;
      req.from = r.height();
      req.count = r.u32();
      if (Status s = r.finish(); !s) return unexpected(std::move(s));
      if (req.count == 0 || req.count > kMaxBlocksPerRequest)
        return fail(DecodeError::kBadValue, "block request count out of range");
      return WireMessage(req);
    }
    case static_cast<uint8_t>(Tag::kBlocks): {
      Reader r(body);
      Blocks out;
      const uint64_t n = r.count(kMaxBlocksPerRequest);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        CertifiedBlock cb;
        cb.block = Block::decode(r);
        cb.cert = CommitCertificate::decode(r);
        out.blocks.push_back(std::move(cb));
      }
      if (Status s = r.finish(); !s) return unexpected(std::move(s));
      return WireMessage(std::move(out));
    }
    case static_cast<uint8_t>(Tag::kTxs): {
      Reader r(body);
      TxBatch out{decode_tx_list(r, kMaxTxsPerBatch)};
      if (Status s = r.finish(); !s) return unexpected(std::move(s));
      return WireMessage(std::move(out));
    }
    case static_cast<uint8_t>(Tag::kReachVote): {
      Reader r(body);
      ReachVote v;
      v.height = r.height();
      v.target = r.fixed<PubKey>();
      v.new_state = r.u8();
      v.failed_checks = r.u32();
      v.index = r.u16();
      v.signature = r.fixed<Signature>();
      if (Status s = r.finish(); !s) return unexpected(std::move(s));
      return WireMessage(v);
    }
    default:
      return fail(DecodeError::kBadEnum, "unknown wire tag " + std::to_string(bytes[0]));
  }
}

std::vector<Bytes> encode_tx_batches(std::span<const Tx> txs) {
  std::vector<Bytes> out;
  std::size_t i = 0;
  while (i < txs.size()) {
    std::vector<Bytes> encoded;  // each tx encoded once, then written length-prefixed
    std::size_t bytes = 0;
    while (i < txs.size() && encoded.size() < kMaxTxsPerBatch && bytes < kTxBatchBytes) {
      encoded.push_back(txs[i++].to_bytes());
      bytes += encoded.back().size();
    }
    Writer w;
    w.u8(static_cast<uint8_t>(Tag::kTxs));
    w.varint(encoded.size());
    for (const Bytes& b : encoded) w.bytes(b);
    out.push_back(w.take());
  }
  return out;
}

const char* kind_name(const WireMessage& m) {
  static constexpr const char* kNames[] = {"consensus", "tx",  "block_request",
                                             "blocks",    "txs", "reach_vote"};
  static_assert(std::size(kNames) == std::variant_size_v<WireMessage>);
  return kNames[m.index()];
}

}  // namespace swarmchain::wire

#include "chain/tx.h"

namespace swarmchain {

namespace {
struct PayloadEncoder {
  Writer& w;
  void operator()(const TransferPayload& p) const {
    w.fixed(p.to);
    w.amount(p.amount);
  }
};
}  // namespace

void Tx::encode_unsigned(Writer& w) const {
  w.u8(version);
  w.fixed(chain_id);
  w.u8(static_cast<uint8_t>(type()));
  w.fixed(sender);
  w.u64(nonce);
  w.amount(fee);
  std::visit(PayloadEncoder{w}, payload);
}

void Tx::encode(Writer& w) const {
  encode_unsigned(w);
  w.fixed(signature);
}

Tx Tx::decode(Reader& r) {
  Tx tx;
  tx.version = r.u8();
  if (r.ok() && tx.version != kTxVersion)
    r.fail(DecodeError::kBadValue, "unsupported tx version " + std::to_string(tx.version));
  tx.chain_id = r.fixed<Hash>();
  auto type = r.enumeration<TxType>(kMaxTxType);
  tx.sender = r.fixed<PubKey>();
  tx.nonce = r.u64();
  tx.fee = r.amount();
  switch (type) {
    case TxType::kTransfer: {
      TransferPayload p;
      p.to = r.fixed<PubKey>();
      p.amount = r.amount();
      tx.payload = p;
      break;
    }
  }
  tx.signature = r.fixed<Signature>();
  return tx;
}

Expected<Tx> Tx::from_bytes(ByteView b) {
  if (b.size() > kMaxTxBytes)
    return fail(DecodeError::kLengthTooLarge,
                "transaction is " + std::to_string(b.size()) + " bytes, limit " +
                    std::to_string(kMaxTxBytes));
  return decode_exact<Tx>(b);
}

Hash Tx::signing_hash() const {
  Writer w;
  encode_unsigned(w);
  return hash_tagged("swarmchain/tx/v1", w.data());
}

TxId Tx::id() const { return hash_tagged("swarmchain/txid/v1", to_bytes()); }

std::optional<Amount> Tx::total_cost() const {
  Amount moved;
  if (const auto* t = std::get_if<TransferPayload>(&payload)) moved = t->amount;
  return moved.checked_add(fee);
}

const char* tx_type_name(TxType t) {
  switch (t) {
    case TxType::kTransfer:
      return "transfer";
  }
  return "unknown";
}

}  // namespace swarmchain

#include "chain/tx.h"

#include <algorithm>

namespace swarmchain {

namespace {
// version, chain_id, type, sender, nonce, fee and signature: every tx's bytes besides its payload.
constexpr std::size_t kTxFixedBytes = 1 + 32 + 1 + 32 + 8 + 8 + 64;

struct PayloadEncoder {
  Writer& w;
  void operator()(const TransferPayload& p) const {
    w.fixed(p.to);
    w.amount(p.amount);
  }
  void operator()(const RegisterNodePayload& p) const {
    p.registration.encode(w);
    w.amount(p.operator_amount);
  }
  void operator()(const StakePayload& p) const {
    w.fixed(p.sn_pubkey);
    w.amount(p.amount);
  }
  void operator()(const RequestUnlockPayload& p) const { w.fixed(p.sn_pubkey); }
  void operator()(const UptimeProofPayload& p) const {
    w.u64(p.time_ms);
    p.contact.encode(w);
  }
  void operator()(const EvidencePayload& p) const {
    p.first.encode(w);
    p.second.encode(w);
  }
  void operator()(const StateChangePayload& p) const {
    w.fixed(p.sn_pubkey);
    w.u8(p.new_state);
    w.height(p.height);
    w.u32(p.reason_bits);
    w.varint(p.votes.size());
    for (const QuorumVote& v : p.votes) {
      w.u16(v.index);
      w.fixed(v.signature);
    }
  }
};

struct MovedAmount {
  Amount operator()(const TransferPayload& p) const { return p.amount; }
  Amount operator()(const RegisterNodePayload& p) const { return p.operator_amount; }
  Amount operator()(const StakePayload& p) const { return p.amount; }
  Amount operator()(const RequestUnlockPayload&) const { return Amount(); }
  Amount operator()(const UptimeProofPayload&) const { return Amount(); }
  Amount operator()(const EvidencePayload&) const { return Amount(); }
  Amount operator()(const StateChangePayload&) const { return Amount(); }
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
    case TxType::kRegisterNode: {
      RegisterNodePayload p;
      p.registration = Registration::decode(r);
      p.operator_amount = r.amount();
      tx.payload = std::move(p);
      break;
    }
    case TxType::kStake: {
      StakePayload p;
      p.sn_pubkey = r.fixed<PubKey>();
      p.amount = r.amount();
      tx.payload = p;
      break;
    }
    case TxType::kRequestUnlock: {
      RequestUnlockPayload p;
      p.sn_pubkey = r.fixed<PubKey>();
      tx.payload = p;
      break;
    }
    case TxType::kUptimeProof: {
      UptimeProofPayload p;
      p.time_ms = r.u64();
      p.contact = UptimeContact::decode(r);
      tx.payload = p;
      break;
    }
    case TxType::kEvidence: {
      EvidencePayload p;
      p.first = Vote::decode(r);
      p.second = Vote::decode(r);
      tx.payload = p;
      break;
    }
    case TxType::kStateChange: {
      StateChangePayload p;
      p.sn_pubkey = r.fixed<PubKey>();
      p.new_state = r.u8();
      p.height = r.height();
      p.reason_bits = r.u32();
      const uint64_t n = r.count(kMaxStateChangeVotes);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        QuorumVote v;
        v.index = r.u16();
        v.signature = r.fixed<Signature>();
        p.votes.push_back(v);
      }
      tx.payload = std::move(p);
      break;
    }
  }
  tx.signature = r.fixed<Signature>();
  return tx;
}

void encode_tx_list(Writer& w, std::span<const Tx> txs) {
  w.varint(txs.size());
  for (const auto& tx : txs) w.bytes(tx.to_bytes());
}

std::vector<Tx> decode_tx_list(Reader& r, std::size_t max_count) {
  std::vector<Tx> txs;
  const uint64_t n = r.count(max_count);
  // A count is only a claim: reserve for what the remaining bytes can hold (each tx is a length
  // and at least kTxFixedBytes), not for the 20,000 a few bytes can announce (~2.7 MB each).
  txs.reserve(std::min<uint64_t>(n, r.remaining() / (1 + kTxFixedBytes)));
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Bytes raw = r.bytes(kMaxTxBytes);
    if (!r.ok()) break;
    Reader tr(raw);
    Tx tx = Tx::decode(tr);
    if (Status s = tr.finish(); !s) {
      r.fail(DecodeError::kBadValue, "tx " + std::to_string(i) + ": " + s.message());
      break;
    }
    txs.push_back(std::move(tx));
  }
  return txs;
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

Amount Tx::moved() const { return std::visit(MovedAmount{}, payload); }

std::optional<Amount> Tx::total_cost() const { return moved().checked_add(fee); }

const char* tx_type_name(TxType t) {
  switch (t) {
    case TxType::kTransfer:
      return "transfer";
    case TxType::kRegisterNode:
      return "register_node";
    case TxType::kStake:
      return "stake";
    case TxType::kRequestUnlock:
      return "request_unlock";
    case TxType::kUptimeProof:
      return "uptime_proof";
    case TxType::kEvidence:
      return "evidence";
    case TxType::kStateChange:
      return "state_change";
  }
  return "unknown";
}

Tx make_uptime_proof(const KeyPair& node_key, const Hash& chain_id, uint64_t time_ms,
                     const UptimeContact& contact) {
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = node_key.pubkey();
  tx.nonce = 0;
  tx.fee = Amount();
  tx.payload = UptimeProofPayload{time_ms, contact};
  tx.sign(node_key);
  return tx;
}

}  // namespace swarmchain

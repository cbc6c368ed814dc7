// Transactions (design §4.2).
//
// Grammar (the signature covers H("swarmchain/tx/v1" || everything before it)):
//   tx       = version u8 (=1) || chain_id[32] || type u8 || sender[32] || nonce u64 || fee u64 ||
//              payload || signature[64]
//   payload  = transfer: to[32] || amount u64
// txid = H("swarmchain/txid/v1" || full encoding).
// The decoder rejects unknown versions and types, trailing bytes, and a tx over kMaxTxBytes.
//
// Fees are burned (docs/protocol.md): nobody can profit from stuffing their own blocks with
// fee-paying txs, and the block reward is the only issuance.
#pragma once

#include <cstdint>
#include <variant>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain {

enum class TxType : uint8_t { kTransfer = 0 };
constexpr uint8_t kMaxTxType = 0;
constexpr uint8_t kTxVersion = 1;
constexpr std::size_t kMaxTxBytes = 64 * 1024;

struct TransferPayload {
  PubKey to;
  Amount amount;
  friend bool operator==(const TransferPayload&, const TransferPayload&) = default;
};

using TxPayload = std::variant<TransferPayload>;

struct Tx {
  uint8_t version = kTxVersion;
  Hash chain_id;
  PubKey sender;
  uint64_t nonce = 0;
  Amount fee;
  TxPayload payload;
  Signature signature;

  TxType type() const { return static_cast<TxType>(payload.index()); }
  void encode(Writer& w) const;
  static Tx decode(Reader& r);
  static Expected<Tx> from_bytes(ByteView b);
  Bytes to_bytes() const { return swarmchain::encode(*this); }

  Hash signing_hash() const;  // H("swarmchain/tx/v1" || unsigned part)
  TxId id() const;            // H("swarmchain/txid/v1" || full encoding)
  void sign(const KeyPair& key) { signature = key.sign(signing_hash()); }
  bool signature_valid() const { return verify(sender, signing_hash(), signature); }
  // Total the sender must hold: amount moved out + fee (nullopt on overflow).
  std::optional<Amount> total_cost() const;
  friend bool operator==(const Tx&, const Tx&) = default;

 private:
  void encode_unsigned(Writer& w) const;
};

const char* tx_type_name(TxType t);

}  // namespace swarmchain

// Transactions (design §4.2).
//
// Grammar (the signature covers H("swarmchain/tx/v1" || everything before it)):
//   tx       = version u8 (=1) || chain_id[32] || type u8 || sender[32] || nonce u64 || fee u64 ||
//              payload || signature[64]
//   payload  = transfer       (0): to[32] || amount u64
//              register_node  (1): registration (registry/service_node.h) || operator_amount u64
//              stake          (2): sn_pubkey[32] || amount u64
//              request_unlock (3): sn_pubkey[32]
//              uptime_proof   (4): time_ms u64 || contact (registry/service_node.h: public_ip u32 ||
//                                  storage_port u16 || storage_lmq_port u16 ||
//                                  quorumnet_port u16 || version u16 u16 u16)
//              evidence       (5): vote || vote (common/commit.h)
// txid = H("swarmchain/txid/v1" || full encoding).
// The decoder rejects unknown versions and types, trailing bytes, and a tx over kMaxTxBytes.
//
// Fees are burned (docs/protocol.md): nobody can profit from stuffing their own blocks with
// fee-paying txs, and the block reward is the only issuance.
//
// Free txs: uptime_proof (the sender is the service node's key, which holds no account) and
// evidence (any sender) carry fee 0 and nonce 0 and touch no account. They cannot be spammed:
// a proof is valid at most once per node per proof_interval_s/2, evidence at most once per
// offender (it deregisters it) and only with two validly signed conflicting votes of a
// committee member — what only the offender's own key can make. (tx_check.h, §free txs.)
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/commit.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "registry/service_node.h"

namespace swarmchain {

enum class TxType : uint8_t {
  kTransfer = 0,
  kRegisterNode = 1,
  kStake = 2,
  kRequestUnlock = 3,
  kUptimeProof = 4,
  kEvidence = 5,
  kStateChange = 6,
};
constexpr uint8_t kMaxTxType = 6;
constexpr uint8_t kTxVersion = 1;
constexpr std::size_t kMaxTxBytes = 64 * 1024;

struct TransferPayload {
  PubKey to;
  Amount amount;
  friend bool operator==(const TransferPayload&, const TransferPayload&) = default;
};

// Sent by the operator with its first stake (design §5.2).
struct RegisterNodePayload {
  Registration registration;
  Amount operator_amount;
  friend bool operator==(const RegisterNodePayload&, const RegisterNodePayload&) = default;
};

struct StakePayload {
  PubKey sn_pubkey;
  Amount amount;
  friend bool operator==(const StakePayload&, const StakePayload&) = default;
};

struct RequestUnlockPayload {
  PubKey sn_pubkey;
  friend bool operator==(const RequestUnlockPayload&, const RequestUnlockPayload&) = default;
};

// Signed by the node key: the tx sender is the service node's pubkey (design §7.4).
struct UptimeProofPayload {
  uint64_t time_ms = 0;  // the node's clock when it made the proof
  UptimeContact contact;
  friend bool operator==(const UptimeProofPayload&, const UptimeProofPayload&) = default;
};

// Two conflicting votes of one validator (design §6.5).
struct EvidencePayload {
  Vote first;
  Vote second;
  friend bool operator==(const EvidencePayload&, const EvidencePayload&) = default;
};

// One quorum member's vote in a state_change: its index in the quorum and its signature over
// reach_vote_hash (registry/reach_quorum.h).
struct QuorumVote {
  uint16_t index = 0;
  Signature signature;
  friend bool operator==(const QuorumVote&, const QuorumVote&) = default;
};
inline constexpr std::size_t kMaxStateChangeVotes = 64;

// A reachability quorum's verdict on a node (design §5.4; registry/reach_quorum.h). Free, like
// evidence: any node holding enough matching votes may send it with its own key as sender.
// Encoding: sn_pubkey fixed<32> || new_state u8 || height u64 || reason_bits u32 ||
//           votes vector<(index u16 || signature fixed<64>), kMaxStateChangeVotes>
struct StateChangePayload {
  PubKey sn_pubkey;
  uint8_t new_state = 0;
  Height height;  // the test height: the quorum and the votes are of this height
  uint32_t reason_bits = 0;  // the failed checks
  std::vector<QuorumVote> votes;
  friend bool operator==(const StateChangePayload&, const StateChangePayload&) = default;
};

// The variant index is the TxType.
using TxPayload = std::variant<TransferPayload, RegisterNodePayload, StakePayload,
                               RequestUnlockPayload, UptimeProofPayload, EvidencePayload,
                               StateChangePayload>;
static_assert(std::variant_size_v<TxPayload> == kMaxTxType + 1);

struct Tx {
  uint8_t version = kTxVersion;
  Hash chain_id;
  PubKey sender;
  uint64_t nonce = 0;
  Amount fee;
  TxPayload payload;
  Signature signature;

  TxType type() const { return static_cast<TxType>(payload.index()); }
  // uptime_proof, evidence and state_change: fee 0, nonce 0, no account touched.
  bool is_free() const {
    return type() == TxType::kUptimeProof || type() == TxType::kEvidence ||
           type() == TxType::kStateChange;
  }
  void encode(Writer& w) const;
  static Tx decode(Reader& r);
  static Expected<Tx> from_bytes(ByteView b);
  Bytes to_bytes() const { return swarmchain::encode(*this); }

  Hash signing_hash() const;  // H("swarmchain/tx/v1" || unsigned part)
  TxId id() const;            // H("swarmchain/txid/v1" || full encoding)
  void sign(const KeyPair& key) { signature = key.sign(signing_hash()); }
  bool signature_valid() const { return verify(sender, signing_hash(), signature); }
  // Coins leaving the sender's balance besides the fee: transfer amount or stake.
  Amount moved() const;
  // Total the sender must hold: amount moved out + fee (nullopt on overflow).
  std::optional<Amount> total_cost() const;
  friend bool operator==(const Tx&, const Tx&) = default;

 private:
  void encode_unsigned(Writer& w) const;
};

const char* tx_type_name(TxType t);

// A list of txs as a block and the p2p tx batch carry it: vector<bytes<kMaxTxBytes>, max>, each
// tx length-prefixed, so a bad one is named by its index ("tx 3: ...") and stops the decode.
void encode_tx_list(Writer& w, std::span<const Tx> txs);
std::vector<Tx> decode_tx_list(Reader& r, std::size_t max_count);

// The uptime proof a service node sends every proof_interval_s: sender = node key, fee 0,
// nonce 0, signed by the node key.
Tx make_uptime_proof(const KeyPair& node_key, const Hash& chain_id, uint64_t time_ms,
                     const UptimeContact& contact);

}  // namespace swarmchain

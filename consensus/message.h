// Consensus messages (design §6.2, §7.2): a signed proposal and a signed vote (common/commit.h).
//
// Grammar:
//   proposal = height u64 || round u32 || pol_round u32 (0xFFFFFFFF = none) ||
//              value_hash[32] || bytes<kMaxValueBytes> value || proposer[32] || signature[64]
//   message  = tag u8 (0 proposal, 1 vote) || proposal | vote
// The proposer signs proposal_digest():
//   H("swarmchain/proposal/v1" || chain_id[32] || height u64 || round u32 || pol_round u32 ||
//     value_hash[32])
// The value is opaque to the engine (an encoded block); value_hash is its identity (the block
// hash). Whether value_hash really is the hash of value is for the validity callback to check.
// Decoding rejects unknown tags, trailing bytes, a value above kMaxValueBytes and a pol_round
// that is not below round (Algorithm 1, line 28: vr < round).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <variant>

#include "common/bytes.h"
#include "common/codec.h"
#include "common/commit.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "common/height.h"

namespace swarmchain::consensus {

inline constexpr uint32_t kNoRound = 0xFFFFFFFF;  // pol_round "none" (-1 in the paper)
inline constexpr std::size_t kMaxValueBytes = 8u << 20;

struct Proposal {
  Height height;
  uint32_t round = 0;
  uint32_t pol_round = kNoRound;
  Hash value_hash;
  Bytes value;
  PubKey proposer;
  Signature signature;

  Hash digest(const Hash& chain_id) const;
  void sign(const KeyPair& key, const Hash& chain_id) { signature = key.sign(digest(chain_id)); }
  bool signature_valid(const Hash& chain_id) const {
    return verify(proposer, digest(chain_id), signature);
  }
  void encode(Writer& w) const;
  static Proposal decode(Reader& r);
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

using Message = std::variant<Proposal, Vote>;

Bytes encode_message(const Message& m);
Expected<Message> decode_message(ByteView bytes);

// Who sent it (the signer) and at which height/round, whatever the kind.
const PubKey& signer_of(const Message& m);
Height height_of(const Message& m);
uint32_t round_of(const Message& m);

}  // namespace swarmchain::consensus

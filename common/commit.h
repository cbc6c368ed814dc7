// Votes and commit certificates: the finality proof of a block (design §4.3, §6).
//
// Lives in common/ because both chain/ (stores and checks certificates) and consensus/
// (produces them) use it, and consensus may not depend on chain (docs/architecture.md).
//
// Vote digest (what a validator signs):
//   H("swarmchain/vote/v1" || chain_id[32] || type u8 || height u64 || round u32 || block_hash[32])
// Certificate grammar:
//   height u64 || round u32 || block_hash[32] || vector<sig, 1024>, sig = index u16 || signature[64]
// `index` is the validator's position in the committee of that height; indexes strictly ascend,
// so one certificate has exactly one encoding.
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/codec.h"
#include "common/crypto.h"
#include "common/height.h"
#include "common/sig_cache.h"

namespace swarmchain {

enum class VoteType : uint8_t { kPrevote = 0, kPrecommit = 1 };

Hash vote_digest(const Hash& chain_id, VoteType type, Height height, uint32_t round,
                 const Hash& block_hash);

// One signed vote (design §6.2): what a validator broadcasts and what evidence (§6.5) carries.
// Grammar: type u8 || height u64 || round u32 || block_hash[32] || validator[32] || signature[64]
// block_hash is all zero for a nil vote. The signature is the validator's over vote_digest().
struct Vote {
  VoteType type = VoteType::kPrevote;
  Height height;
  uint32_t round = 0;
  Hash block_hash;  // zero = nil
  PubKey validator;
  Signature signature;

  bool is_nil() const { return block_hash.is_zero(); }
  Hash digest(const Hash& chain_id) const {
    return vote_digest(chain_id, type, height, round, block_hash);
  }
  void sign(const KeyPair& key, const Hash& chain_id) { signature = key.sign(digest(chain_id)); }
  bool signature_valid(const Hash& chain_id) const {
    return verify(validator, digest(chain_id), signature);
  }
  void encode(Writer& w) const;
  static Vote decode(Reader& r);  // rejects an unknown type
  friend bool operator==(const Vote&, const Vote&) = default;
};

// Two votes are conflicting (evidence of equivocation, §6.5) when one validator signed two
// different block hashes (nil counts as a hash) for the same (type, height, round).
bool votes_conflict(const Vote& a, const Vote& b);

struct CommitSig {
  uint16_t index = 0;
  Signature signature;
  friend bool operator==(const CommitSig&, const CommitSig&) = default;
};

struct CommitCertificate {
  static constexpr std::size_t kMaxSigs = 1024;
  Height height;
  uint32_t round = 0;
  Hash block_hash;
  std::vector<CommitSig> sigs;

  void encode(Writer& w) const;
  static CommitCertificate decode(Reader& r);
  Hash hash() const;  // H("swarmchain/commit/v1" || encoding): header.last_commit_hash
  friend bool operator==(const CommitCertificate&, const CommitCertificate&) = default;
};

// A round-0 certificate of (height, block_hash) with one precommit, by `signer` as committee
// member 0: what a committee of one (the dev node's SoloFinalizer) produces.
CommitCertificate solo_certificate(const Hash& chain_id, Height height, const Hash& block_hash,
                                   const KeyPair& signer);

// Quorum for n equal-weight validators: floor(2n/3) + 1.
inline std::size_t commit_quorum(std::size_t n) { return 2 * n / 3 + 1; }

// Checks that `cert` certifies (height, block_hash) with a quorum of distinct valid precommit
// signatures of `committee`. Returns a message naming the first problem. With a `cache`, a
// signature verified before (e.g. by sync's preverify) is not verified again, and each one
// that verifies now is recorded (common/sig_cache.h); the answer is the same either way.
Status verify_certificate(const CommitCertificate& cert, const Hash& chain_id, Height height,
                          const Hash& block_hash, const std::vector<PubKey>& committee,
                          SigCache* cache = nullptr);

// Hash of an ordered committee: H("swarmchain/committee/v1" || vector<pubkey>).
Hash committee_hash(const std::vector<PubKey>& committee);

}  // namespace swarmchain

#include "common/commit.h"

#include "common/crypto.h"
#include "common/hex.h"

namespace swarmchain {

Hash vote_digest(const Hash& chain_id, VoteType type, Height height, uint32_t round,
                 const Hash& block_hash) {
  Writer w;
  w.fixed(chain_id);
  w.u8(static_cast<uint8_t>(type));
  w.height(height);
  w.u32(round);
  w.fixed(block_hash);
  return hash_tagged("swarmchain/vote/v1", w.data());
}

void Vote::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(type));
  w.height(height);
  w.u32(round);
  w.fixed(block_hash);
  w.fixed(validator);
  w.fixed(signature);
}

Vote Vote::decode(Reader& r) {
  Vote v;
  v.type = r.enumeration<VoteType>(static_cast<uint8_t>(VoteType::kPrecommit));
  v.height = r.height();
  v.round = r.u32();
  v.block_hash = r.fixed<Hash>();
  v.validator = r.fixed<PubKey>();
  v.signature = r.fixed<Signature>();
  return v;
}

bool votes_conflict(const Vote& a, const Vote& b) {
  return a.validator == b.validator && a.type == b.type && a.height == b.height &&
         a.round == b.round && a.block_hash != b.block_hash;
}

void CommitCertificate::encode(Writer& w) const {
  w.height(height);
  w.u32(round);
  w.fixed(block_hash);
  w.varint(sigs.size());
  for (const auto& s : sigs) {
    w.u16(s.index);
    w.fixed(s.signature);
  }
}

CommitCertificate CommitCertificate::decode(Reader& r) {
  CommitCertificate c;
  c.height = r.height();
  c.round = r.u32();
  c.block_hash = r.fixed<Hash>();
  uint64_t n = r.count(kMaxSigs);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    CommitSig s;
    s.index = r.u16();
    s.signature = r.fixed<Signature>();
    if (!c.sigs.empty() && s.index <= c.sigs.back().index)
      r.fail(DecodeError::kBadValue, "certificate signer indexes must strictly ascend");
    c.sigs.push_back(s);
  }
  return c;
}

Hash CommitCertificate::hash() const { return hash_tagged("swarmchain/commit/v1", swarmchain::encode(*this)); }

Status verify_certificate(const CommitCertificate& cert, const Hash& chain_id, Height height,
                          const Hash& block_hash, const std::vector<PubKey>& committee,
                          SigCache* cache) {
  if (cert.height != height)
    return Status::error("certificate is for height " + cert.height.to_string() + ", not " +
                         height.to_string());
  if (cert.block_hash != block_hash)
    return Status::error("certificate is for block " + to_hex(cert.block_hash) + ", not " +
                         to_hex(block_hash));
  Hash digest = vote_digest(chain_id, VoteType::kPrecommit, height, cert.round, block_hash);
  std::size_t valid = 0;
  int last = -1;
  for (const auto& s : cert.sigs) {
    if (static_cast<int>(s.index) <= last)
      return Status::error("certificate signer indexes must strictly ascend");
    last = s.index;
    if (s.index >= committee.size())
      return Status::error("certificate signer index " + std::to_string(s.index) +
                           " outside committee of " + std::to_string(committee.size()));
    if (!verify_signature(cache, committee[s.index], digest, s.signature))
      return Status::error("certificate signature of validator " + std::to_string(s.index) +
                           " is invalid");
    ++valid;
  }
  if (valid < commit_quorum(committee.size()))
    return Status::error("certificate has " + std::to_string(valid) + " signatures, quorum is " +
                         std::to_string(commit_quorum(committee.size())));
  return Status::ok();
}

CommitCertificate solo_certificate(const Hash& chain_id, Height height, const Hash& block_hash,
                                   const KeyPair& signer) {
  const Hash digest = vote_digest(chain_id, VoteType::kPrecommit, height, 0, block_hash);
  return CommitCertificate{height, 0, block_hash, {{0, signer.sign(digest)}}};
}

Hash committee_hash(const std::vector<PubKey>& committee) {
  Writer w;
  w.varint(committee.size());
  for (const auto& pk : committee) w.fixed(pk);
  return hash_tagged("swarmchain/committee/v1", w.data());
}

}  // namespace swarmchain

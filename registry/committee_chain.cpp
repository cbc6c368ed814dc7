#include "registry/committee_chain.h"

#include <string>
#include <utility>

#include "common/hex.h"
#include "registry/light_client.h"

namespace swarmchain {

namespace {

struct HeaderBytesTag {};
using HeaderBytes = FixedBytes<kHeaderBytes, HeaderBytesTag>;

constexpr std::size_t kTimeOffset = 40;
constexpr std::size_t kRegistryRootOffset = 144;
constexpr std::size_t kCommitteeHashOffset = 176;
constexpr std::size_t kNextCommitteeHashOffset = 208;
constexpr std::size_t kMaxCommittee = CommitCertificate::kMaxSigs;

uint64_t u64_at(ByteView b, std::size_t offset) {
  uint64_t v = 0;
  for (std::size_t i = 8; i-- > 0;) v = (v << 8) | b[offset + i];
  return v;
}
Hash hash_at(ByteView b, std::size_t offset) { return Hash::from(b.subspan(offset, 32)); }

Status step_error(ProofStep step, Height h, const std::string& what) {
  return Status::error(step, std::string(proof_step_name(step)) + " at height " + h.to_string() +
                                 ": " + what);
}

}  // namespace

const char* proof_step_name(ProofStep step) {
  switch (step) {
    case ProofStep::kEncoding: return "proof encoding";
    case ProofStep::kHandoffHeader: return "committee hand-off header";
    case ProofStep::kHandoffCertificate: return "committee hand-off certificate";
    case ProofStep::kHandoffNextCommittee: return "committee hand-off next committee";
    case ProofStep::kTipHeader: return "tip header";
    case ProofStep::kTipCertificate: return "tip certificate";
    case ProofStep::kTipStale: return "tip freshness";
    case ProofStep::kTipBelowSeen: return "tip height";
    case ProofStep::kRecords: return "registry records";
    case ProofStep::kRegistryRoot: return "registry root";
    case ProofStep::kSwarmList: return "swarm-id list";
    case ProofStep::kSwarmAnswer: return "swarm answer";
    case ProofStep::kTable: return "swarm table";
  }
  return "unknown step";
}

Expected<HeaderView> HeaderView::parse(ByteView header) {
  if (header.size() != kHeaderBytes)
    return fail("header is " + std::to_string(header.size()) + " bytes, expected " +
                std::to_string(kHeaderBytes));
  HeaderView v;
  v.height = Height(u64_at(header, 0));
  v.time_ms = u64_at(header, kTimeOffset);
  v.block_hash = hash_tagged("swarmchain/header/v1", header);
  v.registry_root = hash_at(header, kRegistryRootOffset);
  v.committee_hash = hash_at(header, kCommitteeHashOffset);
  v.next_committee_hash = hash_at(header, kNextCommitteeHashOffset);
  return v;
}

void CertifiedHeader::encode(Writer& w) const {
  w.raw(header);  // REQUIRES: header.size() == kHeaderBytes (as made by the node)
  cert.encode(w);
}

CertifiedHeader CertifiedHeader::decode(Reader& r) {
  CertifiedHeader out;
  const HeaderBytes h = r.fixed<HeaderBytes>();
  out.header.assign(h.data.begin(), h.data.end());
  out.cert = CommitCertificate::decode(r);
  return out;
}

void CommitteeHandoff::encode(Writer& w) const {
  block.encode(w);
  w.u8(next_committee ? 1 : 0);
  if (!next_committee) return;
  w.varint(next_committee->size());
  for (const PubKey& pk : *next_committee) w.fixed(pk);
}

CommitteeHandoff CommitteeHandoff::decode(Reader& r) {
  CommitteeHandoff out;
  out.block = CertifiedHeader::decode(r);
  const uint8_t has = r.u8();
  if (has > 1) r.fail(DecodeError::kBadValue, "has_members must be 0 or 1");
  if (has == 1 && r.ok()) {
    const uint64_t n = r.count(kMaxCommittee);
    std::vector<PubKey> members;
    for (uint64_t i = 0; i < n && r.ok(); ++i) members.push_back(r.fixed<PubKey>());
    out.next_committee = std::move(members);
  }
  return out;
}

CommitteeChain::CommitteeChain(const Hash& chain_id, uint64_t epoch_blocks,
                               std::vector<PubKey> genesis_committee)
    : chain_id_(chain_id), epoch_blocks_(epoch_blocks), committee_(std::move(genesis_committee)) {}

Status CommitteeChain::apply(const CommitteeHandoff& handoff) {
  const Height expected((epoch_ + 1) * epoch_blocks_);
  auto h = HeaderView::parse(handoff.block.header);
  if (!h) return step_error(ProofStep::kHandoffHeader, expected, h.error().message());
  // Exactly the next epoch's last block: an answer that skips an epoch would let a committee
  // vouch for heights that were another committee's to certify.
  if (h->height != expected)
    return step_error(ProofStep::kHandoffHeader, h->height,
                      "expected the hand-off of epoch " + std::to_string(epoch_) + " at height " +
                          expected.to_string());
  if (h->committee_hash != committee_hash(committee_))
    return step_error(ProofStep::kHandoffHeader, h->height,
                      "the header names a committee other than the one trusted for epoch " +
                          std::to_string(epoch_));
  if (Status s = verify_certificate(handoff.block.cert, chain_id_, h->height, h->block_hash,
                                    committee_);
      !s)
    return step_error(ProofStep::kHandoffCertificate, h->height, s.message());
  const std::vector<PubKey>& next = handoff.next_committee ? *handoff.next_committee : committee_;
  if (next.empty())
    return step_error(ProofStep::kHandoffNextCommittee, h->height, "the next committee is empty");
  if (h->next_committee_hash != committee_hash(next))
    return step_error(ProofStep::kHandoffNextCommittee, h->height,
                      handoff.next_committee
                          ? "the members given do not hash to the header's next_committee_hash"
                          : "the committee changes here but the proof gives no members");
  if (handoff.next_committee) committee_ = next;
  ++epoch_;
  note_seen(h->height);
  return Status::ok();
}

Expected<VerifiedTip> CommitteeChain::accept_tip(const CertifiedHeader& tip, uint64_t now_ms,
                                                 uint64_t max_age_ms) {
  auto h = HeaderView::parse(tip.header);
  if (!h) return unexpected(step_error(ProofStep::kTipHeader, Height(), h.error().message()));
  if (h->height < seen_)
    return unexpected(step_error(ProofStep::kTipBelowSeen, h->height,
                                 "below height " + seen_.to_string() + ", already seen"));
  const Height first = handoff_height().next();
  const Height last(handoff_height().value + epoch_blocks_);
  if (h->height < first || h->height > last)
    return unexpected(step_error(
        ProofStep::kTipHeader, h->height,
        "outside epoch " + std::to_string(epoch_) + " (heights " + first.to_string() + ".." +
            last.to_string() + "), the last one the committee hand-offs reach"));
  if (h->committee_hash != committee_hash(committee_))
    return unexpected(step_error(ProofStep::kTipHeader, h->height,
                                 "the header names a committee other than the trusted one"));
  if (Status s = verify_certificate(tip.cert, chain_id_, h->height, h->block_hash, committee_); !s)
    return unexpected(step_error(ProofStep::kTipCertificate, h->height, s.message()));
  if (now_ms > h->time_ms && now_ms - h->time_ms > max_age_ms)  // no overflow on a huge time_ms
    return unexpected(step_error(
        ProofStep::kTipStale, h->height,
        "the block is " + std::to_string((now_ms - h->time_ms) / 1000) + " s old, more than the " +
            std::to_string(max_age_ms / 1000) + " s allowed (a node serving an old state?)"));
  note_seen(h->height);
  return VerifiedTip{*h, tip.cert.sigs.size(), committee_.size()};
}

}  // namespace swarmchain

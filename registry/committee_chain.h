// CommitteeChain: what a light client trusts about "who certifies blocks now", starting from
// nothing but the genesis (chain id, epoch length, genesis committee) and advanced one epoch at a
// time by the headers where committees hand off (docs/protocol.md "Committee chain").
//
// Epoch e's committee certifies heights (e·E, (e+1)·E]; block (e+1)·E, the last of epoch e,
// names the committee of epoch e+1 in next_committee_hash (chain/executor.h). A hand-off is that
// header, its certificate, and the new committee's members when they differ from the old. It is
// accepted only if it is exactly the next epoch's last block, names the trusted committee in
// committee_hash and is certified by a quorum of it: every committee is vouched for by the one
// before, back to the genesis. Skipping an epoch is refused, because the committee of a skipped
// epoch is the only one entitled to name its successor.
//
// A tip is then accepted when it lies in the trusted epoch, is certified by its committee, is no
// older than the bound the caller gives (its clock, its tolerance) and not below a height this
// chain already saw (a node replaying an old, honestly certified state is refused).
//
// Every refusal is a Status whose code is the ProofStep that failed and whose message starts
// with that step's name and the height. Pure: no I/O, no clock (the caller passes now_ms).
//
// Thread-safety: a single-thread value.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/codec.h"
#include "common/commit.h"
#include "common/expected.h"
#include "common/height.h"

namespace swarmchain {

// The checks of a swarm lookup, in the order a client runs them (docs/protocol.md).
enum class ProofStep : int {
  kEncoding = 1,           // the proof does not decode
  kHandoffHeader,          // a hand-off header is malformed, misplaced or names another committee
  kHandoffCertificate,     // a hand-off header lacks a quorum of the trusted committee
  kHandoffNextCommittee,   // the members given are not the committee the header names
  kTipHeader,              // the tip is malformed, outside the trusted epoch, or names another committee
  kTipCertificate,         // the tip lacks a quorum of the trusted committee
  kTipStale,               // the tip is older than the client's bound
  kTipBelowSeen,           // the tip is below a height the client already saw
  kRecords,                // the records are not ascending, unique and decodable
  kRegistryRoot,           // the records do not rebuild the tip's registry_root
  kSwarmList,              // the node's swarm-id list is not the one the records carry
  kSwarmAnswer,            // the node's answer is not the swarm nearest to the key
  kTable,                  // the binary table is not the one the records carry
};
const char* proof_step_name(ProofStep step);

// Fixed-offset view of a 272-byte header (chain/block.h grammar; registry/light_client.h).
struct HeaderView {
  Height height;
  uint64_t time_ms = 0;
  Hash block_hash;
  Hash registry_root;
  Hash committee_hash;
  Hash next_committee_hash;
  static Expected<HeaderView> parse(ByteView header);
};

// A header and its own commit certificate.
// Grammar: header fixed<272> || certificate (common/commit.h)
struct CertifiedHeader {
  Bytes header;
  CommitCertificate cert;
  void encode(Writer& w) const;
  static CertifiedHeader decode(Reader& r);
  friend bool operator==(const CertifiedHeader&, const CertifiedHeader&) = default;
};

// Grammar: certified_header || u8 has_members || [vector<pubkey[32], 1024> next_committee]
// has_members is 1 exactly when the next committee differs from the current one.
struct CommitteeHandoff {
  CertifiedHeader block;
  std::optional<std::vector<PubKey>> next_committee;
  void encode(Writer& w) const;
  static CommitteeHandoff decode(Reader& r);
  friend bool operator==(const CommitteeHandoff&, const CommitteeHandoff&) = default;
};

// What an accepted tip is: its fields, and how many of how many members signed it.
struct VerifiedTip {
  HeaderView header;
  std::size_t signers = 0;
  std::size_t committee_size = 0;
};

class CommitteeChain {
 public:
  // REQUIRES: epoch_blocks > 0 (a genesis that passed Genesis::validate).
  CommitteeChain(const Hash& chain_id, uint64_t epoch_blocks, std::vector<PubKey> genesis_committee);

  uint64_t epoch() const { return epoch_; }
  // The last block of the epoch before the trusted one (0 at the genesis): hand-offs and tips
  // are asked for above it.
  Height handoff_height() const { return Height(epoch_ * epoch_blocks_); }
  const std::vector<PubKey>& committee() const { return committee_; }
  Height highest_seen() const { return seen_; }
  // A height the client saw before (e.g. kept from its last lookup): tips below it are refused.
  void note_seen(Height h) {
    if (h > seen_) seen_ = h;
  }

  // Moves to the next epoch's committee. On failure nothing changes.
  Status apply(const CommitteeHandoff& handoff);
  // A tip in the trusted epoch, certified by its committee, with time_ms >= now_ms - max_age_ms.
  Expected<VerifiedTip> accept_tip(const CertifiedHeader& tip, uint64_t now_ms, uint64_t max_age_ms);

 private:
  Hash chain_id_;
  uint64_t epoch_blocks_;
  uint64_t epoch_ = 0;
  std::vector<PubKey> committee_;
  Height seen_;
};

}  // namespace swarmchain

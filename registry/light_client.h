// Light-client check of a registry answer (design §4.4): "this is the record of service node X
// at height H", proven without trusting the node that answered. Links against registry and
// common only (no RocksDB, no sockets), so a client can embed it.
//
// Inputs, all from get_registry_proof: the record, its Merkle proof, the encoded block header
// (chain/block.h grammar), the header's commit certificate, the chain id and the committee of
// that height (which the light client follows through committee_hash in the headers it has
// checked). The check:
//   1. block_hash = H("swarmchain/header/v1" || header_bytes);
//   2. the certificate carries a quorum (⌊2n/3⌋+1) of valid precommits of `committee` for
//      (height, block_hash), height being the header's first field;
//   3. the header's committee_hash equals committee_hash(committee);
//   4. the record's Merkle proof leads to the header's registry_root.
// Header layout used (fixed offsets, all fields fixed-size): height u64 @0, prev_hash @8,
// time_ms @40, proposer @48, tx_root @80, state_root @112, registry_root @144,
// committee_hash @176, next_committee_hash @208, last_commit_hash @240; 272 bytes in all.
//
// Thread-safety: a pure function.
#pragma once

#include <vector>

#include "common/commit.h"
#include "common/merkle.h"
#include "registry/service_node.h"

namespace swarmchain {

inline constexpr std::size_t kHeaderBytes = 272;

struct CheckedHeader {
  Height height;
  Hash block_hash;
  Hash registry_root;
};

// Steps 1–3: the header is certified by `committee`. Returns its height, hash and
// registry_root, or a message naming the first failed check.
Expected<CheckedHeader> verify_certified_header(ByteView header_bytes,
                                                const CommitCertificate& cert,
                                                const Hash& chain_id,
                                                const std::vector<PubKey>& committee);

// Steps 1–4.
Status verify_registry_answer(const ServiceNode& record, const MerkleProof& proof,
                              ByteView header_bytes, const CommitCertificate& cert,
                              const Hash& chain_id, const std::vector<PubKey>& committee);

}  // namespace swarmchain

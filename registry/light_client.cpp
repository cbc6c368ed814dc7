#include "registry/light_client.h"

#include "registry/registry_state.h"

namespace swarmchain {

namespace {
constexpr std::size_t kRegistryRootOffset = 144;
constexpr std::size_t kCommitteeHashOffset = 176;

Hash hash_at(ByteView b, std::size_t offset) { return Hash::from(b.subspan(offset, 32)); }
}  // namespace

Expected<CheckedHeader> verify_certified_header(ByteView header_bytes,
                                                const CommitCertificate& cert,
                                                const Hash& chain_id,
                                                const std::vector<PubKey>& committee) {
  if (header_bytes.size() != kHeaderBytes)
    return fail("header is " + std::to_string(header_bytes.size()) + " bytes, expected " +
                std::to_string(kHeaderBytes));
  CheckedHeader out;
  uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | header_bytes[static_cast<std::size_t>(i)];
  out.height = Height(h);
  out.block_hash = hash_tagged("swarmchain/header/v1", header_bytes);
  out.registry_root = hash_at(header_bytes, kRegistryRootOffset);
  if (hash_at(header_bytes, kCommitteeHashOffset) != committee_hash(committee))
    return fail("the committee given is not the one the header names");
  if (Status s = verify_certificate(cert, chain_id, out.height, out.block_hash, committee); !s)
    return fail("certificate: " + s.message());
  return out;
}

Status verify_registry_answer(const ServiceNode& record, const MerkleProof& proof,
                              ByteView header_bytes, const CommitCertificate& cert,
                              const Hash& chain_id, const std::vector<PubKey>& committee) {
  auto header = verify_certified_header(header_bytes, cert, chain_id, committee);
  if (!header) return header.error();
  if (!verify_registry_proof(record, proof, header->registry_root))
    return Status::error("the record and its Merkle path do not lead to the header's registry_root");
  return Status::ok();
}

}  // namespace swarmchain

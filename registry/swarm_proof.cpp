#include "registry/swarm_proof.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "common/hex.h"
#include "common/merkle.h"
#include "registry/registry_state.h"
#include "registry/swarm_lookup.h"

namespace swarmchain {

namespace {

constexpr std::size_t kMaxTableBytes = std::size_t{1} << 26;

Status step_error(ProofStep step, Height h, const std::string& what) {
  return Status::error(step, std::string(proof_step_name(step)) + " at height " + h.to_string() +
                                 ": " + what);
}

void encode_records(Writer& w, const std::vector<ServiceNode>& records) {
  w.varint(records.size());
  for (const ServiceNode& sn : records) sn.encode(w);
}

std::vector<ServiceNode> decode_records(Reader& r) {
  const uint64_t n = r.count(kMaxOpenedRecords);
  std::vector<ServiceNode> out;
  // No reserve(n): n is the sender's word; the vector grows only as records actually decode.
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.push_back(ServiceNode::decode(r));
  return out;
}

void put_be(Bytes& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

std::vector<SwarmId> swarm_ids_of(const std::vector<const ServiceNode*>& members) {
  std::vector<SwarmId> ids;
  for (const ServiceNode* sn : members)
    if (ids.empty() || ids.back() != sn->swarm_id) ids.push_back(sn->swarm_id);
  return ids;
}

}  // namespace

void SwarmProof::encode(Writer& w) const {
  tip.encode(w);
  encode_records(w, records);
  w.varint(swarm_ids.size());
  for (SwarmId id : swarm_ids) w.u64(id);
  w.u64(swarm_id);
}

SwarmProof SwarmProof::decode(Reader& r) {
  SwarmProof p;
  p.tip = CertifiedHeader::decode(r);
  p.records = decode_records(r);
  const uint64_t n = r.count(kMaxOpenedRecords);
  for (uint64_t i = 0; i < n && r.ok(); ++i) p.swarm_ids.push_back(r.u64());
  p.swarm_id = r.u64();
  return p;
}

void SwarmTableProof::encode(Writer& w) const {
  tip.encode(w);
  encode_records(w, records);
  w.bytes(table);
}

SwarmTableProof SwarmTableProof::decode(Reader& r) {
  SwarmTableProof p;
  p.tip = CertifiedHeader::decode(r);
  p.records = decode_records(r);
  p.table = r.bytes(kMaxTableBytes);
  return p;
}

std::vector<const ServiceNode*> swarm_members_of(const std::vector<ServiceNode>& records) {
  std::vector<const ServiceNode*> out;
  for (const ServiceNode& sn : records)
    if (sn.is_active() && sn.swarm_id != kUnassignedSwarm) out.push_back(&sn);
  std::stable_sort(out.begin(), out.end(), [](const ServiceNode* a, const ServiceNode* b) {
    return std::tie(a->swarm_id, a->pubkey) < std::tie(b->swarm_id, b->pubkey);
  });
  return out;
}

Bytes encode_swarm_table(const std::vector<ServiceNode>& records) {
  const auto members = swarm_members_of(records);
  Bytes out;
  out.reserve(members.size() * kTableEntryBytes);
  for (const ServiceNode* sn : members) {
    out.insert(out.end(), sn->pubkey.data.begin(), sn->pubkey.data.end());
    put_be(out, sn->swarm_id, 8);
    put_be(out, sn->contact.public_ip, 4);
    put_be(out, sn->contact.storage_port, 2);
    put_be(out, sn->contact.storage_lmq_port, 2);
    for (uint16_t part : sn->contact.version)
      out.push_back(static_cast<uint8_t>(std::min<uint16_t>(part, 255)));
  }
  return out;
}

Status verify_registry_opening(const std::vector<ServiceNode>& records, const Hash& registry_root,
                               Height height) {
  std::vector<std::vector<Hash>> buckets(RegistryState::kBuckets);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0 && !(records[i - 1].pubkey < records[i].pubkey))
      return step_error(ProofStep::kRecords, height,
                        "record " + std::to_string(i) + " (" + to_hex(records[i].pubkey) +
                            ") is not above the one before: records must ascend by pubkey, once each");
    buckets[RegistryState::bucket_of(records[i].pubkey)].push_back(records[i].leaf_hash());
  }
  std::vector<Hash> roots;
  roots.reserve(buckets.size());
  for (const auto& leaves : buckets)
    roots.push_back(leaves.empty() ? merkle_empty_root() : merkle_root(leaves));
  if (merkle_root(roots) != registry_root)
    return step_error(ProofStep::kRegistryRoot, height,
                      "the " + std::to_string(records.size()) +
                          " records do not rebuild the certified registry_root (a record is "
                          "missing, added or altered)");
  return Status::ok();
}

Expected<VerifiedSwarm> swarm_from_records(const std::vector<ServiceNode>& records,
                                           const PubKey& user, Height height) {
  const auto members = swarm_members_of(records);
  const SwarmIndex index(swarm_ids_of(members));
  VerifiedSwarm out;
  out.swarm_id = index.lookup(user);
  out.swarm_count = index.size();
  out.node_count = members.size();
  if (out.swarm_id == kUnassignedSwarm)
    return unexpected(step_error(ProofStep::kSwarmAnswer, height,
                                 "the certified registry has no swarm yet"));
  for (const ServiceNode* sn : members)
    if (sn->swarm_id == out.swarm_id) out.members.push_back(*sn);
  return out;
}

Expected<VerifiedSwarm> verify_swarm_proof(const SwarmProof& proof, const HeaderView& tip,
                                           const PubKey& user) {
  if (Status s = verify_registry_opening(proof.records, tip.registry_root, tip.height); !s)
    return unexpected(std::move(s));
  const std::vector<SwarmId> ids = swarm_ids_of(swarm_members_of(proof.records));
  if (proof.swarm_ids != ids) {
    for (SwarmId id : ids)
      if (!std::binary_search(proof.swarm_ids.begin(), proof.swarm_ids.end(), id))
        return unexpected(step_error(ProofStep::kSwarmList, tip.height,
                                     "the node's list lacks swarm " + swarm_hex(id)));
    return unexpected(step_error(ProofStep::kSwarmList, tip.height,
                                 "the node's list (" + std::to_string(proof.swarm_ids.size()) +
                                     " ids) is not the " + std::to_string(ids.size()) +
                                     " swarms of the certified records"));
  }
  auto swarm = swarm_from_records(proof.records, user, tip.height);
  if (!swarm) return swarm;
  if (proof.swarm_id != swarm->swarm_id)
    return unexpected(step_error(ProofStep::kSwarmAnswer, tip.height,
                                 "the node answered swarm " + swarm_hex(proof.swarm_id) +
                                     " but the nearest swarm is " + swarm_hex(swarm->swarm_id)));
  return swarm;
}

Expected<VerifiedSwarm> verify_swarm_table(const SwarmTableProof& proof, const HeaderView& tip,
                                           const PubKey& user) {
  if (Status s = verify_registry_opening(proof.records, tip.registry_root, tip.height); !s)
    return unexpected(std::move(s));
  const Bytes expected = encode_swarm_table(proof.records);
  if (proof.table != expected) {
    std::size_t i = 0;
    while (i < proof.table.size() && i < expected.size() && proof.table[i] == expected[i]) ++i;
    return unexpected(step_error(
        ProofStep::kTable, tip.height,
        "the table differs from the certified records from entry " +
            std::to_string(i / kTableEntryBytes) + " on (" + std::to_string(proof.table.size()) +
            " bytes given, " + std::to_string(expected.size()) + " expected)"));
  }
  return swarm_from_records(proof.records, user, tip.height);
}

}  // namespace swarmchain

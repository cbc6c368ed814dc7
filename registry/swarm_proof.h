// Swarm answers a light client can check (design §4.4, §5.7; docs/protocol.md "Swarm proofs").
//
// registry_root commits to the swarm table only through each record's swarm_id, and it has no
// index by swarm id, so the one proof that the swarm-id list is complete is every record: the
// client rebuilds registry_root from them (4,096 bucket roots, then the fixed top tree), and
// any record left out, added or altered changes the root. From the same records it derives the
// swarm table, the nearest swarm (registry/swarm_lookup.h) and the members' contact data.
// Proof size is therefore O(n) (docs/protocol.md gives the figures at 10,000 nodes); a swarm
// commitment inside registry_root would make a single answer O(log n), at the price of a
// consensus change.
//
//   registry_opening = vector<sn, 1048576>        every record, strictly ascending by pubkey
//   swarm_proof      = certified_header || registry_opening || vector<u64, 1048576> swarm_ids
//                      || swarm_id u64            (the node's claims, checked, never trusted)
//   swarm_table_proof = certified_header || registry_opening || bytes<2^26> table
//   table = n × (ed25519[32] || swarm_id u64 BE || ipv4[4] a.b.c.d || https_port u16 BE ||
//                omq_port u16 BE || version 3 × u8)     51 bytes a node, Session's
//           active_nodes_bin layout; every active node with a swarm, ascending by
//           (swarm_id, pubkey); a version part above 255 is written as 255.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/codec.h"
#include "common/expected.h"
#include "registry/committee_chain.h"
#include "registry/service_node.h"
#include "registry/swarm_id.h"

namespace swarmchain {

inline constexpr std::size_t kTableEntryBytes = 51;  // 32 + 8 + 4 + 2 + 2 + 3
inline constexpr std::size_t kMaxOpenedRecords = std::size_t{1} << 20;

struct SwarmProof {
  CertifiedHeader tip;
  std::vector<ServiceNode> records;
  std::vector<SwarmId> swarm_ids;  // claimed: ascending, every swarm
  SwarmId swarm_id = kUnassignedSwarm;  // claimed: the swarm of the key asked about
  void encode(Writer& w) const;
  static SwarmProof decode(Reader& r);
};

struct SwarmTableProof {
  CertifiedHeader tip;
  std::vector<ServiceNode> records;
  Bytes table;
  void encode(Writer& w) const;
  static SwarmTableProof decode(Reader& r);
};

// Every active node with a swarm, in table order: (swarm_id, pubkey) ascending.
std::vector<const ServiceNode*> swarm_members_of(const std::vector<ServiceNode>& records);
// The table bytes (above) of those records.
Bytes encode_swarm_table(const std::vector<ServiceNode>& records);

// The records are ascending and unique (kRecords) and rebuild `registry_root` (kRegistryRoot).
Status verify_registry_opening(const std::vector<ServiceNode>& records, const Hash& registry_root,
                               Height height);

// A checked swarm: its id and its members' records (ascending by pubkey).
struct VerifiedSwarm {
  SwarmId swarm_id = kUnassignedSwarm;
  std::vector<ServiceNode> members;
  std::size_t swarm_count = 0;
  std::size_t node_count = 0;  // active nodes with a swarm
};

// The swarm of `user` from records already checked against the tip: kSwarmAnswer when there is
// no swarm at all.
Expected<VerifiedSwarm> swarm_from_records(const std::vector<ServiceNode>& records,
                                           const PubKey& user, Height height);

// For a tip already accepted by a CommitteeChain: the records under its registry_root, the
// node's swarm-id list (kSwarmList) and its answer for `user` (kSwarmAnswer).
Expected<VerifiedSwarm> verify_swarm_proof(const SwarmProof& proof, const HeaderView& tip,
                                           const PubKey& user);
// The same for a table: the records, then the table bytes against them (kTable), then the
// swarm of `user` computed here (the node never learns the key).
Expected<VerifiedSwarm> verify_swarm_table(const SwarmTableProof& proof, const HeaderView& tip,
                                           const PubKey& user);

}  // namespace swarmchain

// The service-node record (design §5.1) and the registration a node key signs (§5.2).
//
// Record grammar (leaf of the registry tree = H("swarmchain/sn" || encoding)):
//   sn = pubkey[32] || pubkey_x25519[32] || operator[32] || fee_bps u16 ||
//        vector<contributor, 10> contributors || total_contributed u64 || total_reserved u64 ||
//        staking_requirement u64 || registration_height u64 || active_since_height u64 ||
//        state u8 (0 awaiting, 1 active, 2 decommissioned, 3 deregistered) ||
//        requested_unlock_height u64 || last_reward_height u64 || last_reward_index u32 ||
//        decommission_count u32 || recommission_credit u64 || last_decommission_height u64 ||
//        swarm_id u64 || rewards_earned u64 || last_proof_height u64 || last_proof_time_ms u64 ||
//        last_proof_sent_ms u64 || contact || active_since_time_ms u64
//   contributor = address[32] || amount u64 || reserved u64
//   contact     = public_ip u32 || storage_port u16 || storage_lmq_port u16 ||
//                 quorumnet_port u16 || version u16 u16 u16
// The last_proof_* fields and the contact come from the node's latest uptime_proof tx
// (registry/uptime_rules.h): last_proof_time_ms is the time of the BLOCK that included it (every
// time rule reads block time), last_proof_sent_ms the node's own stamp in the proof (kept so a
// replayed old proof is refused). All zero until the first proof. The contact data is inside
// registry_root, so a light client can check a swarm member's address and ports.
// A deregistered record (state 3) stays only while its stakes are frozen: it is out of every
// swarm, the reward queue and committees, and it expires at requested_unlock_height (set to
// deregistration height + dereg_lock_blocks) through the ordinary unlock path, which returns
// the stakes.
// active_since_height / active_since_time_ms: the block (and its time) that last made the node
// active (funding complete, or a recommission); proof age and credit are counted from them
// (registry/liveness_rules.h). recommission_credit is, while active, the credit in blocks the
// node had when it last became active (credit_initial at first activation); while
// decommissioned, the credit it had when it was decommissioned.
// active_since_height is 0 while the node never became active (height 0 is the genesis, whose
// nodes are active from it, so "active since 0" is told apart by state == active).
// contributors[0] is the operator. Decoding rejects more than 10 contributors, fee_bps > 10000
// and unknown states.
//
// Registration grammar (the text that prepare-registration prints is "swreg1" + hex of it):
//   registration = sn_pubkey[32] || operator[32] || fee_bps u16 ||
//                  vector<reserved, 10> reserved || expiry_height u64 || sn_signature[64]
//   reserved     = address[32] || amount u64
// sn_signature is the node key's ed25519 signature over
//   H("swarmchain/register" || chain_id[32] || operator[32] || fee_bps u16 ||
//     vector<reserved, 10> || expiry_height u64)
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "common/height.h"
#include "registry/swarm_id.h"

namespace swarmchain {

inline constexpr uint16_t kMaxFeeBps = 10'000;
inline constexpr std::size_t kMaxContributorsLimit = 10;  // decoder cap; params may be lower

enum class NodeState : uint8_t {
  kAwaiting = 0,
  kActive = 1,
  kDecommissioned = 2,
  kDeregistered = 3,
};
const char* node_state_name(NodeState s);

struct Contributor {
  PubKey address;
  Amount amount;    // staked so far
  Amount reserved;  // spot reserved at registration (0 for an open contributor)
  friend bool operator==(const Contributor&, const Contributor&) = default;
};

// What a node advertises in its uptime proofs (design §7.4). public_ip is IPv4 in host order
// (a.b.c.d = a<<24 | b<<16 | c<<8 | d); version is the storage server's (major, minor, patch).
struct UptimeContact {
  uint32_t public_ip = 0;
  uint16_t storage_port = 0;
  uint16_t storage_lmq_port = 0;
  uint16_t quorumnet_port = 0;
  std::array<uint16_t, 3> version{};

  // contact = public_ip u32 || storage_port u16 || storage_lmq_port u16 || quorumnet_port u16 ||
  //           version 3 x u16  (the same bytes in the uptime_proof tx and in the record)
  void encode(Writer& w) const;
  static UptimeContact decode(Reader& r);
  friend bool operator==(const UptimeContact&, const UptimeContact&) = default;
};

// Dotted text of a host-order IPv4 address ("0.0.0.0" for 0).
std::string ipv4_text(uint32_t ip);

struct ServiceNode {
  PubKey pubkey;
  PubKey pubkey_x25519;
  PubKey operator_address;
  uint16_t fee_bps = 0;
  std::vector<Contributor> contributors;  // [0] is the operator
  Amount total_contributed;
  Amount total_reserved;
  Amount staking_requirement;
  Height registration_height;
  Height active_since_height;
  NodeState state = NodeState::kAwaiting;
  Height requested_unlock_height;  // 0 = none
  Height last_reward_height;
  uint32_t last_reward_index = 0;
  uint32_t decommission_count = 0;
  uint64_t recommission_credit = 0;
  Height last_decommission_height;
  SwarmId swarm_id = kUnassignedSwarm;
  Amount rewards_earned;  // sum of block rewards paid out for this node (all contributors)
  Height last_proof_height;         // block that included the latest uptime proof (0 = none)
  uint64_t last_proof_time_ms = 0;  // that block's time
  uint64_t last_proof_sent_ms = 0;  // the proof's own time_ms
  UptimeContact contact;
  uint64_t active_since_time_ms = 0;

  bool has_proof() const { return last_proof_time_ms != 0 || last_proof_height != Height(); }
  bool is_deregistered() const { return state == NodeState::kDeregistered; }

  bool is_active() const { return state == NodeState::kActive; }
  bool is_fully_funded() const { return total_contributed >= staking_requirement; }
  // Index of `address` in contributors, if it is one.
  std::optional<std::size_t> contributor_index(const PubKey& address) const;

  void encode(Writer& w) const;
  static ServiceNode decode(Reader& r);
  Bytes to_bytes() const { return swarmchain::encode(*this); }
  Hash leaf_hash() const;  // H("swarmchain/sn" || encoding)
  friend bool operator==(const ServiceNode&, const ServiceNode&) = default;
};

// The block time a node's proof age counts from: its last proof, or when it last became active
// if that is later (a node must prove within proof_lifetime of activation).
inline uint64_t liveness_since_ms(const ServiceNode& sn) {
  return sn.last_proof_time_ms > sn.active_since_time_ms ? sn.last_proof_time_ms
                                                         : sn.active_since_time_ms;
}
// The last height a decommissioned node may stay decommissioned: its credit drains one block
// per block from its decommission height; past this it is deregistered.
inline uint64_t decommission_end_height(const ServiceNode& sn) {
  return sn.last_decommission_height.value + sn.recommission_credit;
}

struct ReservedSpot {
  PubKey address;
  Amount amount;
  friend bool operator==(const ReservedSpot&, const ReservedSpot&) = default;
};

struct Registration {
  static constexpr std::string_view kTextPrefix = "swreg1";
  PubKey sn_pubkey;
  PubKey operator_address;
  uint16_t fee_bps = 0;
  std::vector<ReservedSpot> reserved;  // [0] is the operator
  Height expiry_height;
  Signature sn_signature;

  // What the node key signs.
  Hash signing_hash(const Hash& chain_id) const;
  void sign(const KeyPair& sn_key, const Hash& chain_id) {
    sn_signature = sn_key.sign(signing_hash(chain_id));
  }
  bool signature_valid(const Hash& chain_id) const {
    return verify(sn_pubkey, signing_hash(chain_id), sn_signature);
  }

  void encode(Writer& w) const;
  static Registration decode(Reader& r);
  std::string to_text() const;  // "swreg1" + hex
  static Expected<Registration> from_text(std::string_view text);
  friend bool operator==(const Registration&, const Registration&) = default;
};

}  // namespace swarmchain

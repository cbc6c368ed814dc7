// The service-node record (design §5.1) and the registration a node key signs (§5.2).
//
// Record grammar (leaf of the registry tree = H("swarmchain/sn" || encoding)):
//   sn = pubkey[32] || pubkey_x25519[32] || operator[32] || fee_bps u16 ||
//        vector<contributor, 10> contributors || total_contributed u64 || total_reserved u64 ||
//        staking_requirement u64 || registration_height u64 || active_since_height u64 ||
//        state u8 (0 awaiting, 1 active, 2 decommissioned) || requested_unlock_height u64 ||
//        last_reward_height u64 || last_reward_index u32 || decommission_count u32 ||
//        recommission_credit u64 || last_decommission_height u64 || swarm_id u64 ||
//        rewards_earned u64
//   contributor = address[32] || amount u64 || reserved u64
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

enum class NodeState : uint8_t { kAwaiting = 0, kActive = 1, kDecommissioned = 2 };
const char* node_state_name(NodeState s);

struct Contributor {
  PubKey address;
  Amount amount;    // staked so far
  Amount reserved;  // spot reserved at registration (0 for an open contributor)
  friend bool operator==(const Contributor&, const Contributor&) = default;
};

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

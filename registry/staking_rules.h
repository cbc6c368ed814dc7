// Staking rules (design §5.2, §5.3, §5.5, §5.6): registration, contributions, unlock, expiry,
// the reward queue and swarm upkeep, as pure functions over a RegistryView.
//
// The registry never touches account balances: a rule returns what the chain must debit
// (the stake) or credit (payouts, returned stakes), and the executor moves the coins. So
// `registry/` depends on `common/` only and the chain stays the one owner of accounts.
//
// Order of one block at height h (the executor calls these in this order):
//   1. txs in block order: apply_registration / apply_stake / apply_request_unlock. A stake that
//      completes the requirement makes the node active at once: active_since = h, reward
//      position (h, tx index), so it joins the back of the reward queue.
//   2. end_block(h, seed):
//      a. expiry: every node with 0 < requested_unlock_height <= h is removed and each
//         contributor gets its amount back;
//      b. reward: the active node with the smallest (last_reward_height, last_reward_index,
//         pubkey) is paid block_reward, split by split_reward(); its position becomes
//         (h, 2^32-1);
//      c. swarms: if the active set changed in this block (a node became active or stopped
//         being active), leavers are taken out of their swarms and every active node without
//         a swarm is assigned (assign_swarms seeded with `seed` = the parent block's hash:
//         the block's own hash commits to registry_root, so it cannot seed it).
//
// Thread-safety: pure functions; RegistryView is a single-thread value.
#pragma once

#include <cstdint>
#include <vector>

#include "registry/registry_state.h"
#include "registry/swarm_assigner.h"

namespace swarmchain {

struct RegistryParams {
  Amount staking_requirement;
  Amount min_operator_stake;
  uint32_t max_contributors = 10;
  uint64_t unlock_delay_blocks = 40;
  Amount block_reward;
  SwarmParams swarm;
  // Liveness (design §5.4, §7.4; registry/uptime_rules.h).
  uint64_t proof_interval_s = 3600;
  uint64_t proof_lifetime_s = 7500;
  uint64_t proof_skew_ms = 5 * 60 * 1000;
  uint64_t dereg_lock_blocks = 1'296'000;
  uint64_t epoch_blocks = 300;
  // Credits (design §5.4; registry/liveness_rules.h), in blocks: the chain params define them
  // in time and the executor converts them with target_block_ms.
  uint64_t target_block_ms = 2000;
  uint64_t credit_initial_blocks = 3600;       // 2 h
  uint64_t credit_per_day_s = 2880;            // 48 min of credit per day active
  uint64_t credit_max_blocks = 86'400;         // 48 h
  uint64_t credit_min_to_decommission_blocks = 3600;  // 2 h
};

enum class RegistryError {
  kOk = 0,
  kAlreadyRegistered = 100,
  kUnknownNode,
  kBadRegistrationSignature,
  kRegistrationExpired,
  kBadFee,
  kNotTheOperator,        // reserved[0] / sender is not the operator
  kOperatorStakeTooLow,   // reserved[0] below min_operator_stake, or operator amount short
  kTooManyContributors,
  kDuplicateContributor,
  kReservedOverRequirement,
  kReservedBelowMinimum,  // reserved spot i below the minimum contribution at its position
  kBelowMinContribution,
  kAboveMaxContribution,
  kMustFillReservedSpot,
  kNodeFull,              // fully funded, or no free contributor spot
  kNotAContributor,
  kUnlockAlreadyRequested,
  kUnlockNotAllowed,      // awaiting node: only the operator may unlock it
  kZeroAmount,
  kNodeDeregistered,      // the node was deregistered; its stakes are frozen
  kProofTimeSkew,         // uptime proof time too far from the block time
  kProofTooSoon,          // a proof of this node was included less than interval/2 ago
  kProofReplayed,         // not newer than the node's last included proof
};
const char* registry_error_name(RegistryError e);

// A base RegistryState plus this block's changes, read through.
class RegistryView {
 public:
  explicit RegistryView(const RegistryState& base) : base_(base) {}
  std::optional<ServiceNode> get(const PubKey& pk) const;
  void put(const ServiceNode& sn) { changes_[sn.pubkey] = sn; }
  void erase(const PubKey& pk) { changes_[pk] = std::nullopt; }
  const RegistryState& base() const { return base_; }
  const RegistryChanges& changes() const { return changes_; }
  RegistryChanges take_changes() { return std::move(changes_); }
  // Every record as it stands in this view, ascending by pubkey.
  std::vector<ServiceNode> all() const;

 private:
  const RegistryState& base_;
  RegistryChanges changes_;
};

// Coins the executor must move into accounts.
struct Payout {
  PubKey address;
  Amount amount;
  friend bool operator==(const Payout&, const Payout&) = default;
};

// Minimum stake for the next contributor when `n` spots (contributors, reserved or not) exist:
// (requirement − total_reserved) / (max_contributors − n); nullopt once n ≥ max_contributors.
std::optional<Amount> min_contribution(const RegistryParams& p, Amount requirement,
                                       Amount total_reserved, std::size_t n);

// What `contributor` may stake on `sn` right now: [min, max], or why it may not.
struct StakeLimits {
  Amount min;
  Amount max;
};
Expected<StakeLimits> stake_limits(const RegistryParams& p, const ServiceNode& sn,
                                   const PubKey& contributor);

// The terms of a registration that need no chain state: the first reserved spot is the
// operator's, fee <= 100%, at most max_contributors spots, no address twice, the operator's
// spot >= min_operator_stake, every other spot >= the minimum contribution at its position,
// and all spots together <= the requirement. Returns the reserved total. apply_registration
// checks these first; `swarmchaind prepare-registration` checks them before anything is sent.
Expected<Amount> check_registration_terms(const RegistryParams& p, const Registration& reg);

// register_node by `sender` (the operator) with `operator_amount`; the stake to debit from the
// sender is operator_amount. tx_index is the tx's position in the block.
Status apply_registration(RegistryView& v, const RegistryParams& p, const Hash& chain_id,
                          const PubKey& sender, const Registration& reg, Amount operator_amount,
                          Height h, uint32_t tx_index);

// stake by `sender`; the amount to debit is `amount`.
Status apply_stake(RegistryView& v, const RegistryParams& p, const PubKey& sender,
                   const PubKey& sn_pubkey, Amount amount, Height h, uint32_t tx_index);

// request_unlock by `sender` (any contributor of an active node; only the operator while the
// node is still awaiting funding, Oxen #1429): requested_unlock_height = h + unlock_delay_blocks.
// Once per node.
Status apply_request_unlock(RegistryView& v, const RegistryParams& p, const PubKey& sender,
                            const PubKey& sn_pubkey, Height h);

// Splits `reward` for `sn`: fee_bps to the operator, the rest pro rata to amounts (integer
// division), the remainder to the operator. Σ = reward exactly. Entries in contributor order,
// one per contributor with a non-zero share (the operator's first).
std::vector<Payout> split_reward(const ServiceNode& sn, Amount reward);

// Steps 2a–2c above. Appends the payouts (returned stakes, then the reward split) to `out`.
void end_block(RegistryView& v, const RegistryParams& p, Height h, const Hash& seed,
               std::vector<Payout>& out);

// Genesis service nodes, staked outside the account balances.
struct GenesisStake {
  PubKey sn_pubkey;
  PubKey operator_address;
  Amount stake;  // must be >= staking_requirement (checked by the genesis loader)
};
// The registry at height 0: every node active, fee 0, its operator the only contributor,
// reward position (0, i) in list order, x25519 key derived, swarms assigned with `seed`
// (the chain id). Returns the records to apply to an empty RegistryState.
RegistryChanges genesis_registry(const RegistryParams& p, const std::vector<GenesisStake>& nodes,
                                 const Hash& seed, uint64_t genesis_time_ms);
// As above with genesis time 0 (registry tests that never apply liveness).
RegistryChanges genesis_registry(const RegistryParams& p, const std::vector<GenesisStake>& nodes,
                                 const Hash& seed);

}  // namespace swarmchain

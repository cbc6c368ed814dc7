// Staking rules (design §5.2, §5.3, §5.5, §5.6). See staking_rules.h for the order of a block.
//
// Decisions beyond the design text:
//   - A contributor that already holds stake (and has no unfilled reserved spot) may add any
//     amount > 0 up to what is left unfunded: the minimum contribution exists to keep the
//     number of contributors bounded, and a top-up does not take a spot.
//   - The effective contributor cap is min(max_contributors, kMaxContributorsLimit): a record
//     with more contributors than the decoder accepts could never be stored or proven.
//   - When nothing is left to stake for a new contributor (the rest is reserved), stake_limits
//     answers kNodeFull rather than a [0, 0] range.
//   - Reserved spots of 0 are refused (kReservedBelowMinimum): a spot of nothing would take a
//     contributor slot and make its holder "a contributor" without any stake.
//   - A node whose unlock was requested (only possible while awaiting funding: an active node
//     takes no stakes) refuses new stakes with kUnlockAlreadyRequested: the stake would only
//     be locked until the node expires, which is never what the staker wants.
// The end of a block (expiry, reward, swarms) and genesis are in end_of_block.cpp.
#include "registry/staking_rules.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "common/hex.h"

namespace swarmchain {

namespace {

std::string coins(Amount a) { return a.to_string(); }

std::string key_hex(const PubKey& pk) { return to_hex(pk); }

std::size_t contributor_cap(const RegistryParams& p) {
  return std::min<std::size_t>(p.max_contributors, kMaxContributorsLimit);
}

// a − b, or 0 when b > a.
Amount saturating_sub(Amount a, Amount b) { return a.checked_sub(b).value_or(Amount()); }

Amount reserved_total(const std::vector<Contributor>& cs) {
  uint64_t sum = 0;
  for (const Contributor& c : cs) sum += std::max(c.reserved, c.amount).atomic();
  return Amount(sum);
}

}  // namespace

const char* registry_error_name(RegistryError e) {
  switch (e) {
    case RegistryError::kOk: return "ok";
    case RegistryError::kAlreadyRegistered: return "already_registered";
    case RegistryError::kUnknownNode: return "unknown_node";
    case RegistryError::kBadRegistrationSignature: return "bad_registration_signature";
    case RegistryError::kRegistrationExpired: return "registration_expired";
    case RegistryError::kBadFee: return "bad_fee";
    case RegistryError::kNotTheOperator: return "not_the_operator";
    case RegistryError::kOperatorStakeTooLow: return "operator_stake_too_low";
    case RegistryError::kTooManyContributors: return "too_many_contributors";
    case RegistryError::kDuplicateContributor: return "duplicate_contributor";
    case RegistryError::kReservedOverRequirement: return "reserved_over_requirement";
    case RegistryError::kReservedBelowMinimum: return "reserved_below_minimum";
    case RegistryError::kBelowMinContribution: return "below_min_contribution";
    case RegistryError::kAboveMaxContribution: return "above_max_contribution";
    case RegistryError::kMustFillReservedSpot: return "must_fill_reserved_spot";
    case RegistryError::kNodeFull: return "node_full";
    case RegistryError::kNotAContributor: return "not_a_contributor";
    case RegistryError::kUnlockAlreadyRequested: return "unlock_already_requested";
    case RegistryError::kUnlockNotAllowed: return "unlock_not_allowed";
    case RegistryError::kZeroAmount: return "zero_amount";
    case RegistryError::kNodeDeregistered: return "node_deregistered";
    case RegistryError::kProofTimeSkew: return "proof_time_skew";
    case RegistryError::kProofTooSoon: return "proof_too_soon";
    case RegistryError::kProofReplayed: return "proof_replayed";
  }
  return "unknown_registry_error";
}

std::optional<ServiceNode> RegistryView::get(const PubKey& pk) const {
  if (auto it = changes_.find(pk); it != changes_.end()) return it->second;
  if (const ServiceNode* sn = base_.get(pk)) return *sn;
  return std::nullopt;
}

std::vector<ServiceNode> RegistryView::all() const {
  std::vector<ServiceNode> out;
  out.reserve(base_.size() + changes_.size());
  base_.for_each([&](const ServiceNode& sn) {
    if (!changes_.contains(sn.pubkey)) out.push_back(sn);
  });
  for (const auto& [pk, sn] : changes_)
    if (sn) out.push_back(*sn);
  std::sort(out.begin(), out.end(),
            [](const ServiceNode& a, const ServiceNode& b) { return a.pubkey < b.pubkey; });
  return out;
}

std::optional<Amount> min_contribution(const RegistryParams& p, Amount requirement,
                                       Amount total_reserved, std::size_t n) {
  const std::size_t cap = contributor_cap(p);
  if (n >= cap) return std::nullopt;
  return Amount(saturating_sub(requirement, total_reserved).atomic() / (cap - n));
}

Expected<StakeLimits> stake_limits(const RegistryParams& p, const ServiceNode& sn,
                                   const PubKey& contributor) {
  const Amount req = sn.staking_requirement;
  if (sn.is_fully_funded()) {
    return fail(RegistryError::kNodeFull, "service node " + key_hex(sn.pubkey) +
                                              " is already fully funded (" + coins(req) + ")");
  }
  if (sn.requested_unlock_height != Height()) {
    return fail(RegistryError::kUnlockAlreadyRequested,
                "service node " + key_hex(sn.pubkey) + " is leaving: its unlock ends at height " +
                    sn.requested_unlock_height.to_string() + ", so it takes no more stakes");
  }
  const Amount unfunded = saturating_sub(req, sn.total_reserved);
  if (auto idx = sn.contributor_index(contributor)) {
    const Contributor& c = sn.contributors[*idx];
    if (c.amount < c.reserved) {
      // A reserved spot is filled entirely in one stake (Oxen rule); its own reservation is
      // part of total_reserved, so it is added back to the room left.
      const Amount rest = *c.reserved.checked_sub(c.amount);
      return StakeLimits{rest, Amount(unfunded.atomic() + rest.atomic())};
    }
    // Top-up of an existing stake: any amount > 0 (see the file comment).
    if (unfunded == Amount()) {
      return fail(RegistryError::kNodeFull, "nothing is left to stake on service node " +
                                                key_hex(sn.pubkey) +
                                                ": the rest is reserved for other contributors");
    }
    return StakeLimits{Amount(1), unfunded};
  }
  const std::size_t n = sn.contributors.size();
  const std::optional<Amount> min = min_contribution(p, req, sn.total_reserved, n);
  if (!min) {
    return fail(RegistryError::kNodeFull, "service node " + key_hex(sn.pubkey) + " has all " +
                                              std::to_string(contributor_cap(p)) +
                                              " contributor spots taken");
  }
  if (unfunded == Amount()) {
    return fail(RegistryError::kNodeFull, "nothing is left to stake on service node " +
                                              key_hex(sn.pubkey) +
                                              ": the rest is reserved for its contributors");
  }
  return StakeLimits{std::max(*min, Amount(1)), unfunded};
}

Expected<Amount> check_registration_terms(const RegistryParams& p, const Registration& reg) {
  const Amount req = p.staking_requirement;
  if (reg.reserved.empty() || reg.reserved[0].address != reg.operator_address)
    return fail(RegistryError::kNotTheOperator, "the first reserved spot must be the operator's");
  if (reg.fee_bps > kMaxFeeBps) {
    return fail(RegistryError::kBadFee,
                "operator fee " + std::to_string(reg.fee_bps) + " bps is above 10000 (100%)");
  }
  const std::size_t cap = contributor_cap(p);
  if (reg.reserved.size() > cap) {
    return fail(RegistryError::kTooManyContributors,
                std::to_string(reg.reserved.size()) + " reserved spots, at most " +
                    std::to_string(cap) + " contributors are allowed");
  }
  for (std::size_t i = 0; i < reg.reserved.size(); ++i) {
    for (std::size_t j = i + 1; j < reg.reserved.size(); ++j) {
      if (reg.reserved[i].address == reg.reserved[j].address) {
        return fail(RegistryError::kDuplicateContributor,
                    "reserved spots " + std::to_string(i + 1) + " and " +
                        std::to_string(j + 1) + " name the same address");
      }
    }
  }
  if (reg.reserved[0].amount < p.min_operator_stake) {
    return fail(RegistryError::kOperatorStakeTooLow,
                "operator stake " + coins(reg.reserved[0].amount) + " is below the minimum " +
                    coins(p.min_operator_stake));
  }
  const std::string over = "reserved stakes add up to more than the requirement " + coins(req);
  Amount reserved_sum = reg.reserved[0].amount;
  if (reserved_sum > req) return fail(RegistryError::kReservedOverRequirement, over);
  for (std::size_t i = 1; i < reg.reserved.size(); ++i) {
    const Amount amount = reg.reserved[i].amount;
    const Amount min = std::max(*min_contribution(p, req, reserved_sum, i), Amount(1));
    if (amount < min) {
      return fail(RegistryError::kReservedBelowMinimum,
                  "reserved spot " + coins(amount) + " is below the minimum " + coins(min) +
                      " for contributor " + std::to_string(i + 1) + " of " +
                      std::to_string(cap));
    }
    const std::optional<Amount> sum = reserved_sum.checked_add(amount);
    if (!sum || *sum > req) return fail(RegistryError::kReservedOverRequirement, over);
    reserved_sum = *sum;
  }
  return reserved_sum;
}

Status apply_registration(RegistryView& v, const RegistryParams& p, const Hash& chain_id,
                          const PubKey& sender, const Registration& reg, Amount operator_amount,
                          Height h, uint32_t tx_index) {
  const Amount req = p.staking_requirement;
  if (sender != reg.operator_address) {
    return Status::error(RegistryError::kNotTheOperator,
                         "only the operator named in the registration may submit it");
  }
  const Expected<Amount> reserved_sum = check_registration_terms(p, reg);
  if (!reserved_sum) return reserved_sum.error();
  if (operator_amount == Amount()) {
    return Status::error(RegistryError::kZeroAmount, "the operator stake is zero");
  }
  if (operator_amount < reg.reserved[0].amount) {
    return Status::error(RegistryError::kOperatorStakeTooLow,
                         "operator stake " + coins(operator_amount) +
                             " does not fill the operator's reserved " +
                             coins(reg.reserved[0].amount));
  }
  // reserved_sum <= req and reserved[0] is part of it, so neither subtraction wraps.
  const Amount others = *reserved_sum->checked_sub(reg.reserved[0].amount);
  const Amount max_operator = *req.checked_sub(others);
  if (operator_amount > max_operator) {
    return Status::error(RegistryError::kAboveMaxContribution,
                         "operator stake " + coins(operator_amount) + " is above the maximum " +
                             coins(max_operator) + " left after the other reserved spots");
  }
  if (h > reg.expiry_height) {
    return Status::error(RegistryError::kRegistrationExpired,
                         "registration expired at height " + reg.expiry_height.to_string() +
                             " (now " + h.to_string() + "); run prepare-registration again");
  }
  if (v.get(reg.sn_pubkey)) {
    return Status::error(RegistryError::kAlreadyRegistered,
                         "service node " + key_hex(reg.sn_pubkey) + " is already registered");
  }
  if (!reg.signature_valid(chain_id)) {
    return Status::error(RegistryError::kBadRegistrationSignature,
                         "the service node key's signature on the registration is not valid");
  }
  const std::optional<PubKey> x25519 = ed25519_pk_to_x25519(reg.sn_pubkey);
  if (!x25519) {
    return Status::error(RegistryError::kBadRegistrationSignature,
                         "the service node key is not a valid ed25519 point");
  }

  ServiceNode sn;
  sn.pubkey = reg.sn_pubkey;
  sn.pubkey_x25519 = *x25519;
  sn.operator_address = reg.operator_address;
  sn.fee_bps = reg.fee_bps;
  sn.contributors.reserve(reg.reserved.size());
  for (std::size_t i = 0; i < reg.reserved.size(); ++i) {
    sn.contributors.push_back(Contributor{reg.reserved[i].address,
                                          i == 0 ? operator_amount : Amount(),
                                          reg.reserved[i].amount});
  }
  sn.total_contributed = operator_amount;
  sn.total_reserved = reserved_total(sn.contributors);
  sn.staking_requirement = req;
  sn.registration_height = h;
  sn.swarm_id = kUnassignedSwarm;
  if (sn.is_fully_funded()) {
    sn.state = NodeState::kActive;
    sn.active_since_height = h;
    sn.last_reward_height = h;
    sn.last_reward_index = tx_index;
  }
  v.put(sn);
  return Status::ok();
}

Status apply_stake(RegistryView& v, const RegistryParams& p, const PubKey& sender,
                   const PubKey& sn_pubkey, Amount amount, Height h, uint32_t tx_index) {
  if (amount == Amount()) return Status::error(RegistryError::kZeroAmount, "stake is zero");
  std::optional<ServiceNode> sn = v.get(sn_pubkey);
  if (!sn) {
    return Status::error(RegistryError::kUnknownNode,
                         "no service node " + key_hex(sn_pubkey) + " is registered");
  }
  if (sn->is_deregistered())
    return Status::error(RegistryError::kNodeDeregistered,
                         "service node " + key_hex(sn_pubkey) + " was deregistered");
  Expected<StakeLimits> limits = stake_limits(p, *sn, sender);
  if (!limits) return limits.error();
  const std::optional<std::size_t> idx = sn->contributor_index(sender);
  if (amount < limits->min) {
    if (idx && sn->contributors[*idx].amount < sn->contributors[*idx].reserved) {
      return Status::error(RegistryError::kMustFillReservedSpot,
                           "stake " + coins(amount) + " does not fill the reserved spot of " +
                               coins(limits->min) + "; it must be filled in one stake");
    }
    return Status::error(RegistryError::kBelowMinContribution,
                         "stake " + coins(amount) + " is below the minimum " +
                             coins(limits->min) + " for contributor " +
                             std::to_string(sn->contributors.size() + 1) + " of " +
                             std::to_string(contributor_cap(p)));
  }
  if (amount > limits->max) {
    return Status::error(RegistryError::kAboveMaxContribution,
                         "stake " + coins(amount) + " is above the maximum " +
                             coins(limits->max) + " left unfunded on service node " +
                             key_hex(sn_pubkey));
  }
  // amount <= max <= requirement, so these sums stay far below 2^64.
  if (idx) {
    Contributor& c = sn->contributors[*idx];
    c.amount = Amount(c.amount.atomic() + amount.atomic());
  } else {
    sn->contributors.push_back(Contributor{sender, amount, Amount()});
  }
  sn->total_contributed = Amount(sn->total_contributed.atomic() + amount.atomic());
  sn->total_reserved = reserved_total(sn->contributors);
  if (sn->state == NodeState::kAwaiting && sn->is_fully_funded()) {
    sn->state = NodeState::kActive;
    sn->active_since_height = h;
    sn->last_reward_height = h;
    sn->last_reward_index = tx_index;
    sn->swarm_id = kUnassignedSwarm;
  }
  v.put(*sn);
  return Status::ok();
}

Status apply_request_unlock(RegistryView& v, const RegistryParams& p, const PubKey& sender,
                            const PubKey& sn_pubkey, Height h) {
  std::optional<ServiceNode> sn = v.get(sn_pubkey);
  if (!sn) {
    return Status::error(RegistryError::kUnknownNode,
                         "no service node " + key_hex(sn_pubkey) + " is registered");
  }
  if (sn->is_deregistered())
    return Status::error(RegistryError::kNodeDeregistered,
                         "service node " + key_hex(sn_pubkey) +
                             " was deregistered; its stakes return at height " +
                             sn->requested_unlock_height.to_string());
  if (!sn->contributor_index(sender)) {
    return Status::error(RegistryError::kNotAContributor,
                         "the sender is not a contributor of service node " +
                             key_hex(sn_pubkey));
  }
  if (sn->state == NodeState::kAwaiting && sender != sn->operator_address) {
    return Status::error(RegistryError::kUnlockNotAllowed,
                         "service node " + key_hex(sn_pubkey) +
                             " is still awaiting contributions: only its operator may unlock it");
  }
  if (sn->requested_unlock_height != Height()) {
    return Status::error(RegistryError::kUnlockAlreadyRequested,
                         "an unlock of service node " + key_hex(sn_pubkey) +
                             " was already requested; it ends at height " +
                             sn->requested_unlock_height.to_string());
  }
  sn->requested_unlock_height = h + p.unlock_delay_blocks;
  v.put(*sn);
  return Status::ok();
}

}  // namespace swarmchain

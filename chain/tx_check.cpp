#include "chain/tx_check.h"

#include <algorithm>
#include <string>

#include "common/address.h"
#include "common/hex.h"
#include "registry/uptime_rules.h"

namespace swarmchain {

const char* tx_error_name(TxError e) {
  switch (e) {
    case TxError::kOk: return "ok";
    case TxError::kBadHex: return "bad_hex";
    case TxError::kBadEncoding: return "bad_encoding";
    case TxError::kWrongChain: return "wrong_chain";
    case TxError::kBadSignature: return "bad_signature";
    case TxError::kNonceTooLow: return "nonce_too_low";
    case TxError::kNonceTooHigh: return "nonce_too_high";
    case TxError::kInsufficientBalance: return "insufficient_balance";
    case TxError::kAmountOverflow: return "amount_overflow";
    case TxError::kZeroAmount: return "zero_amount";
    case TxError::kMempoolFull: return "mempool_full";
    case TxError::kDuplicate: return "duplicate";
    case TxError::kFeeTooLow: return "fee_too_low";
    case TxError::kTooLarge: return "too_large";
    case TxError::kNotFree: return "not_free";
    case TxError::kEvidenceNotConflicting: return "evidence_not_conflicting";
    case TxError::kEvidenceBadSignature: return "evidence_bad_signature";
    case TxError::kEvidenceNotInCommittee: return "evidence_not_in_committee";
    case TxError::kEvidenceFromFuture: return "evidence_from_future";
    case TxError::kStateChangeBadState: return "state_change_bad_state";
    case TxError::kStateChangeBadChecks: return "state_change_bad_checks";
    case TxError::kStateChangeBadHeight: return "state_change_bad_height";
    case TxError::kStateChangeBadVotes: return "state_change_bad_votes";
    case TxError::kStateChangeTooFewVotes: return "state_change_too_few_votes";
    case TxError::kStateChangeNotActive: return "state_change_not_active";
    case TxError::kRecipientNotAKey: return "recipient_not_a_key";
  }
  return "unknown";
}

Status check_tx_stateless(const Tx& tx, const Hash& chain_id, SigCache* cache) {
  // A tx built in memory with another version would be written into a block that
  // Block::decode then refuses, leaving the store's tip unreadable.
  if (tx.version != kTxVersion)
    return Status::error(TxError::kBadEncoding,
                         "unsupported transaction version " + std::to_string(tx.version));
  if (tx.chain_id != chain_id)
    return Status::error(TxError::kWrongChain, "transaction is for another chain (chain id mismatch)");
  if (tx.is_free() && (tx.fee != Amount() || tx.nonce != 0))
    return Status::error(TxError::kNotFree, std::string(tx_type_name(tx.type())) +
                                                " must have fee 0 and nonce 0");
  if (const auto* t = std::get_if<TransferPayload>(&tx.payload)) {
    if (t->amount.atomic() == 0)
      return Status::error(TxError::kZeroAmount, "transfer amount must be greater than zero");
    // Last: the costliest check, after the cheap refusals.
    if (!valid_key(cache, t->to))
      return Status::error(TxError::kRecipientNotAKey,
                           "recipient " + to_hex(t->to) +
                               " is not a valid public key (not a point on the curve): the "
                               "coins could never be spent");
  }
  if (const auto* st = std::get_if<StakePayload>(&tx.payload)) {
    if (st->amount.atomic() == 0)
      return Status::error(TxError::kZeroAmount, "stake amount must be greater than zero");
  }
  return Status::ok();
}

bool tx_refusal_is_senders_fault(TxError e) {
  switch (e) {
    case TxError::kBadEncoding:
    case TxError::kWrongChain:
    case TxError::kBadSignature:
    case TxError::kEvidenceBadSignature:
    case TxError::kRecipientNotAKey:
      return true;
    default:
      return false;
  }
}

const char* tx_rejection_name(int code) {
  if (code >= static_cast<int>(RegistryError::kAlreadyRegistered))
    return registry_error_name(static_cast<RegistryError>(code));
  return tx_error_name(static_cast<TxError>(code));
}

bool StateView::credit(const PubKey& pk, Amount amount) {
  Account a = get(pk);
  auto sum = a.balance.checked_add(amount);
  if (!sum) return false;
  a.balance = *sum;
  set(pk, a);
  return true;
}

Account StateView::get(const PubKey& pk) const {
  if (auto it = changes_.find(pk); it != changes_.end()) return it->second;
  return base_.get(pk).value_or(Account{});
}

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// The account part of a paid tx: exact nonce, balance >= amount + fee. Returns the sender's
// account after it (not yet written to the view).
Expected<Account> charge(const StateView& view, const Tx& tx) {
  Account sender = view.get(tx.sender);
  if (tx.nonce < sender.nonce)
    return fail(TxError::kNonceTooLow, "nonce " + std::to_string(tx.nonce) +
                                           " too low: account nonce is " +
                                           std::to_string(sender.nonce));
  if (tx.nonce > sender.nonce)
    return fail(TxError::kNonceTooHigh,
                "nonce " + std::to_string(tx.nonce) + " too high: expected " +
                    std::to_string(sender.nonce) + " (txs must not leave a gap)");
  auto cost = tx.total_cost();
  if (!cost) return fail(TxError::kAmountOverflow, "amount + fee overflows");
  auto left = sender.balance.checked_sub(*cost);
  if (!left)
    return fail(TxError::kInsufficientBalance,
                "insufficient balance: have " + sender.balance.to_string() + ", need " +
                    cost->to_string() + " (amount + fee)");
  sender.balance = *left;
  sender.nonce += 1;
  return sender;
}

Status apply_transfer(StateView& view, const Tx& tx, const TransferPayload& t) {
  auto sender = charge(view, tx);
  if (!sender) return sender.error();
  if (t.to == tx.sender) {  // self-transfer: only the fee and the nonce change
    sender->balance = *sender->balance.checked_add(t.amount);
    view.set(tx.sender, *sender);
    return Status::ok();
  }
  if (!view.credit(t.to, t.amount))
    return Status::error(TxError::kAmountOverflow, "recipient balance would overflow");
  view.set(tx.sender, *sender);
  return Status::ok();
}

// register_node / stake / request_unlock: the account part first, then the registry rule
// (which changes nothing when it refuses), then the sender's account. The stake (if any) leaves
// the balance into the node's record; it comes back through unlock (design §5.2).
template <typename RegistryRule>
Status apply_staking(StateView& view, const Tx& tx, RegistryRule&& rule) {
  auto sender = charge(view, tx);
  if (!sender) return sender.error();
  if (Status s = rule(); !s) return s;
  view.set(tx.sender, *sender);
  return Status::ok();
}

Status apply_evidence(StateView& view, const EvidencePayload& e, const TxEnv& env) {
  const Vote& a = e.first;
  const Vote& b = e.second;
  if (!votes_conflict(a, b))
    return Status::error(TxError::kEvidenceNotConflicting,
                         "evidence votes do not conflict (they must be one validator's votes "
                         "for two blocks at the same height, round and step)");
  const auto valid = [&](const Vote& v) {
    return verify_signature(env.sig_cache, v.validator, v.digest(env.chain_id), v.signature);
  };
  if (!valid(a) || !valid(b))
    return Status::error(TxError::kEvidenceBadSignature,
                         "an evidence vote's signature is invalid for this chain");
  if (a.height > env.height)
    return Status::error(TxError::kEvidenceFromFuture,
                         "evidence votes are for height " + a.height.to_string() +
                             ", above the block's " + env.height.to_string());
  const auto it = view.committees.find(epoch_of(a.height, env.registry.epoch_blocks));
  if (it == view.committees.end() ||
      std::find(it->second.begin(), it->second.end(), a.validator) == it->second.end())
    return Status::error(TxError::kEvidenceNotInCommittee,
                         to_hex(a.validator) + " did not sit in the committee of height " +
                             a.height.to_string());
  return apply_deregistration(view.registry, env.registry, a.validator, env.height);
}

Status apply_state_change(StateView& view, const StateChangePayload& c, const TxEnv& env) {
  if (c.new_state != kStateChangeDecommission)
    return Status::error(TxError::kStateChangeBadState,
                         "state_change new_state " + std::to_string(c.new_state) +
                             " is not known (1 = decommission)");
  if (c.reason_bits == 0 || (c.reason_bits & ~kReachKnownChecks) != 0)
    return Status::error(TxError::kStateChangeBadChecks,
                         "state_change reason_bits " + std::to_string(c.reason_bits) +
                             " must name at least one known check (" +
                             std::to_string(kReachKnownChecks) + ")");
  const auto hash = view.recent_hashes.find(c.height);
  if (c.height >= env.height || env.height.value - c.height.value > kReachVoteLifetimeBlocks ||
      hash == view.recent_hashes.end())
    return Status::error(TxError::kStateChangeBadHeight,
                         "state_change votes of height " + c.height.to_string() +
                             " are not from the " + std::to_string(kReachVoteLifetimeBlocks) +
                             " blocks before " + env.height.to_string());
  const auto committee =
      view.committees.find(epoch_of(c.height.next(), env.registry.epoch_blocks));
  if (committee == view.committees.end())
    return Status::error(TxError::kStateChangeBadHeight,
                         "no committee is known for height " + c.height.next().to_string());
  const ReachQuorum q = reach_quorum(committee->second, c.height, hash->second);
  const Hash digest =
      reach_vote_hash(env.chain_id, c.height, c.sn_pubkey, c.new_state, c.reason_bits);
  for (std::size_t i = 0; i < c.votes.size(); ++i) {
    const QuorumVote& v = c.votes[i];
    const std::string which = "vote " + std::to_string(i) + " (index " +
                              std::to_string(v.index) + ")";
    if (i > 0 && v.index <= c.votes[i - 1].index)
      return Status::error(TxError::kStateChangeBadVotes,
                           which + ": votes must be strictly ascending by quorum index");
    if (v.index >= q.members.size())
      return Status::error(TxError::kStateChangeBadVotes,
                           which + ": the quorum of height " + c.height.to_string() + " has " +
                               std::to_string(q.members.size()) + " members");
    if (q.members[v.index] == c.sn_pubkey)
      return Status::error(TxError::kStateChangeBadVotes, which + ": a node cannot vote on itself");
    if (!verify_signature(env.sig_cache, q.members[v.index], digest, v.signature))
      return Status::error(TxError::kStateChangeBadVotes,
                           which + ": not a valid signature of quorum member " +
                               to_hex(q.members[v.index]) + " over this verdict");
  }
  if (c.votes.size() < q.threshold)
    return Status::error(TxError::kStateChangeTooFewVotes,
                         "state_change has " + std::to_string(c.votes.size()) +
                             " votes; the quorum of height " + c.height.to_string() + " needs " +
                             std::to_string(q.threshold) + " of " +
                             std::to_string(q.members.size()));
  const std::optional<ServiceNode> sn = view.registry.get(c.sn_pubkey);
  if (!sn)
    return Status::error(RegistryError::kUnknownNode,
                         "no service node " + to_hex(c.sn_pubkey) + " is registered");
  if (!sn->is_active())
    return Status::error(TxError::kStateChangeNotActive,
                         "service node " + to_hex(c.sn_pubkey) + " is " +
                             node_state_name(sn->state) + ", not active");
  // A verdict about an earlier outage must not decommission a node that has proved since.
  if (c.height < sn->active_since_height)
    return Status::error(TxError::kStateChangeBadHeight,
                         "state_change votes of height " + c.height.to_string() +
                             " predate the node's activation at height " +
                             sn->active_since_height.to_string());
  std::optional<LivenessChange> change = apply_failure(
      view.registry, env.registry, c.sn_pubkey, env.height,
      reach_checks_text(c.reason_bits) + " (" + std::to_string(c.votes.size()) + " of " +
          std::to_string(q.members.size()) + " quorum votes at height " +
          c.height.to_string() + ")");
  if (change) view.liveness.push_back(std::move(*change));
  return Status::ok();
}

}  // namespace

Status apply_tx(StateView& view, const Tx& tx, const TxEnv& env) {
  if (tx.is_free() && (tx.fee != Amount() || tx.nonce != 0))
    return Status::error(TxError::kNotFree, std::string(tx_type_name(tx.type())) +
                                                " must have fee 0 and nonce 0");
  return std::visit(
      Overloaded{
          [&](const TransferPayload& t) { return apply_transfer(view, tx, t); },
          [&](const RegisterNodePayload& r) {
            return apply_staking(view, tx, [&] {
              return apply_registration(view.registry, env.registry, env.chain_id, tx.sender,
                                        r.registration, r.operator_amount, env.height,
                                        env.tx_index);
            });
          },
          [&](const StakePayload& st) {
            return apply_staking(view, tx, [&] {
              return apply_stake(view.registry, env.registry, tx.sender, st.sn_pubkey,
                                 st.amount, env.height, env.tx_index);
            });
          },
          [&](const RequestUnlockPayload& u) {
            return apply_staking(view, tx, [&] {
              return apply_request_unlock(view.registry, env.registry, tx.sender, u.sn_pubkey,
                                          env.height);
            });
          },
          [&](const UptimeProofPayload& p) {
            return apply_uptime_proof(view.registry, env.registry, tx.sender, p.time_ms,
                                      p.contact, env.height, env.time_ms);
          },
          [&](const EvidencePayload& e) { return apply_evidence(view, e, env); },
          [&](const StateChangePayload& c) { return apply_state_change(view, c, env); },
      },
      tx.payload);
}

}  // namespace swarmchain

#include "chain/tx_check.h"

#include "common/address.h"

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
  }
  return "unknown";
}

Status check_tx_stateless(const Tx& tx, const Hash& chain_id) {
  // A tx built in memory with another version would be written into a block that
  // Block::decode then refuses, leaving the store's tip unreadable.
  if (tx.version != kTxVersion)
    return Status::error(TxError::kBadEncoding,
                         "unsupported transaction version " + std::to_string(tx.version));
  if (tx.chain_id != chain_id)
    return Status::error(TxError::kWrongChain, "transaction is for another chain (chain id mismatch)");
  if (const auto* t = std::get_if<TransferPayload>(&tx.payload)) {
    if (t->amount.atomic() == 0)
      return Status::error(TxError::kZeroAmount, "transfer amount must be greater than zero");
  }
  if (const auto* st = std::get_if<StakePayload>(&tx.payload)) {
    if (st->amount.atomic() == 0)
      return Status::error(TxError::kZeroAmount, "stake amount must be greater than zero");
  }
  return Status::ok();
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

// The registry part of a register/stake/unlock tx. Runs after the account checks passed, and
// before any account is changed, so a refusal leaves the whole view unchanged.
Status apply_registry_part(StateView& view, const Tx& tx, const TxEnv& env) {
  if (const auto* r = std::get_if<RegisterNodePayload>(&tx.payload))
    return apply_registration(view.registry, env.registry, env.chain_id, tx.sender,
                              r->registration, r->operator_amount, env.height, env.tx_index);
  if (const auto* st = std::get_if<StakePayload>(&tx.payload))
    return apply_stake(view.registry, env.registry, tx.sender, st->sn_pubkey, st->amount,
                       env.height, env.tx_index);
  if (const auto* u = std::get_if<RequestUnlockPayload>(&tx.payload))
    return apply_request_unlock(view.registry, env.registry, tx.sender, u->sn_pubkey, env.height);
  return Status::ok();
}

}  // namespace

Status apply_tx(StateView& view, const Tx& tx, const TxEnv& env) {
  Account sender = view.get(tx.sender);
  if (tx.nonce < sender.nonce)
    return Status::error(TxError::kNonceTooLow, "nonce " + std::to_string(tx.nonce) +
                                                    " too low: account nonce is " +
                                                    std::to_string(sender.nonce));
  if (tx.nonce > sender.nonce)
    return Status::error(TxError::kNonceTooHigh,
                         "nonce " + std::to_string(tx.nonce) + " too high: expected " +
                             std::to_string(sender.nonce) + " (txs must not leave a gap)");
  auto cost = tx.total_cost();
  if (!cost) return Status::error(TxError::kAmountOverflow, "amount + fee overflows");
  auto left = sender.balance.checked_sub(*cost);
  if (!left)
    return Status::error(TxError::kInsufficientBalance,
                         "insufficient balance: have " + sender.balance.to_string() + ", need " +
                             cost->to_string() + " (amount + fee)");
  sender.balance = *left;
  sender.nonce += 1;

  if (const auto* t = std::get_if<TransferPayload>(&tx.payload)) {
    if (t->to == tx.sender) {  // self-transfer: only the fee and the nonce change
      sender.balance = *sender.balance.checked_add(t->amount);
      view.set(tx.sender, sender);
      return Status::ok();
    }
    if (!view.credit(t->to, t->amount))
      return Status::error(TxError::kAmountOverflow, "recipient balance would overflow");
    view.set(tx.sender, sender);
    return Status::ok();
  }
  // register_node / stake / request_unlock: the stake (if any) leaves the balance into the
  // node's record; it comes back through unlock (design §5.2).
  if (Status s = apply_registry_part(view, tx, env); !s) return s;
  view.set(tx.sender, sender);
  return Status::ok();
}

}  // namespace swarmchain

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
  return Status::ok();
}

Account StateView::get(const PubKey& pk) const {
  if (auto it = changes_.find(pk); it != changes_.end()) return it->second;
  return base_.get(pk).value_or(Account{});
}

Status apply_tx(StateView& view, const Tx& tx) {
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
    Account to = view.get(t->to);
    auto credited = to.balance.checked_add(t->amount);
    if (!credited)
      return Status::error(TxError::kAmountOverflow, "recipient balance would overflow");
    to.balance = *credited;
    view.set(tx.sender, sender);
    view.set(t->to, to);
    return Status::ok();
  }
  return Status::error(TxError::kBadEncoding, "unknown transaction type");
}

}  // namespace swarmchain

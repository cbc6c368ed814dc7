// Transaction rules, shared by the executor (a tx in a block) and the mempool (a tx on arrival),
// so that the mempool never admits what a block would refuse.
//
// Every refusal carries a TxError and a one-line reason for the user (returned by
// send_raw_transaction).
#pragma once

#include "chain/account_state.h"
#include "chain/tx.h"
#include "common/expected.h"

namespace swarmchain {

enum class TxError {
  kOk = 0,
  kBadHex,
  kBadEncoding,
  kWrongChain,
  kBadSignature,
  kNonceTooLow,
  kNonceTooHigh,
  kInsufficientBalance,
  kAmountOverflow,
  kZeroAmount,
  kMempoolFull,
  kDuplicate,
  kFeeTooLow,
  kTooLarge,
};

const char* tx_error_name(TxError e);

// Checks that need no state: version, chain id. (Signatures are checked separately, in bulk.)
Status check_tx_stateless(const Tx& tx, const Hash& chain_id);

// Read access to accounts, with pending changes layered on top of committed state.
class StateView {
 public:
  explicit StateView(const AccountState& base) : base_(base) {}
  Account get(const PubKey& pk) const;
  void set(const PubKey& pk, const Account& a) { changes_[pk] = a; }
  const AccountChanges& changes() const { return changes_; }
  AccountChanges take_changes() { return std::move(changes_); }

 private:
  const AccountState& base_;
  AccountChanges changes_;
};

// Applies `tx` to `view` if every stateful rule holds (exact nonce, balance >= amount + fee,
// no overflow); otherwise leaves `view` unchanged and says why.
Status apply_tx(StateView& view, const Tx& tx);

}  // namespace swarmchain

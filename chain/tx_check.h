// Transaction rules, shared by the executor (a tx in a block) and the mempool (a tx on arrival),
// so that the mempool never admits what a block would refuse.
//
// Every refusal carries a TxError and a one-line reason for the user (returned by
// send_raw_transaction).
#pragma once

#include "chain/chain_state.h"
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
  // Registry rule violations carry a RegistryError code (>= 100, registry/staking_rules.h).
};

// The name of a Status code from apply_tx: a TxError or a RegistryError.
const char* tx_rejection_name(int code);

const char* tx_error_name(TxError e);

// Checks that need no state: version, chain id. (Signatures are checked separately, in bulk.)
Status check_tx_stateless(const Tx& tx, const Hash& chain_id);

// Read access to accounts and the registry, with pending changes layered on top of committed
// state.
class StateView {
 public:
  explicit StateView(const ChainState& base) : base_(base.accounts), registry(base.registry) {}
  Account get(const PubKey& pk) const;
  void set(const PubKey& pk, const Account& a) { changes_[pk] = a; }
  // Adds `amount` to an account (block rewards, returned stakes); false on overflow.
  bool credit(const PubKey& pk, Amount amount);
  const AccountChanges& changes() const { return changes_; }
  AccountChanges take_changes() { return std::move(changes_); }

 private:
  const AccountState& base_;
  AccountChanges changes_;

 public:
  RegistryView registry;
};

// Where a tx is applied: the chain, its registry rules, and its place in the block.
struct TxEnv {
  const Hash& chain_id;
  const RegistryParams& registry;
  Height height;          // of the block the tx is in
  uint32_t tx_index = 0;  // its position in the block
};

// Applies `tx` to `view` if every stateful rule holds (exact nonce, balance >= amount + fee,
// no overflow, the registry's rules for register/stake/unlock); otherwise leaves `view`
// unchanged and says why.
Status apply_tx(StateView& view, const Tx& tx, const TxEnv& env);

}  // namespace swarmchain

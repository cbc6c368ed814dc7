// Transaction rules, shared by the executor (a tx in a block) and the mempool (a tx on arrival),
// so that the mempool never admits what a block would refuse.
//
// Every refusal carries a TxError and a one-line reason for the user (returned by
// send_raw_transaction).
//
// Dispatch is exhaustive: apply_tx visits the payload with one handler per type, so a new
// payload type does not compile until it has its rule (it cannot fall through as "ok").
//
// Free txs (uptime_proof, evidence) must have fee 0 and nonce 0 (kNotFree) and touch no
// account: the sender of a proof is a node key, and evidence may come from anyone.
//   uptime_proof: registry/uptime_rules.h (node registered, time within proof_skew_ms of the
//                 block time, not a replay, not sooner than proof_interval_s/2 after the last).
//   evidence:     both votes validly signed for this chain (kEvidenceBadSignature), conflicting
//                 (votes_conflict; kEvidenceNotConflicting), of a height <= the block's
//                 (kEvidenceFromFuture), by a member of that height's committee
//                 (kEvidenceNotInCommittee); the offender must still be registered
//                 (kUnknownNode / kNodeDeregistered). Effect: apply_deregistration.
//   state_change: registry/reach_quorum.h. new_state = decommission (kStateChangeBadState),
//                 reason_bits non-empty and known (kStateChangeBadChecks), block height − 10 <=
//                 height < block height (kStateChangeBadHeight), votes strictly ascending by
//                 index, each a member of quorum(height) other than the target, each a valid
//                 signature over reach_vote_hash (kStateChangeBadVotes), at least the quorum's
//                 threshold of them (kStateChangeTooFewVotes), the target active
//                 (kUnknownNode / kStateChangeNotActive) since at most that height
//                 (kStateChangeBadHeight: a verdict about an earlier outage does not
//                 decommission a node recommissioned since). Effect: liveness_rules.h
//                 apply_failure (decommission, or deregistration when short of credit), and a
//                 LivenessChange in StateView::liveness.
//   Spam: evidence is valid once per offender (it deregisters it) and needs two conflicting
//   signatures that only the offender's key can make; a proof at most once per node per
//   proof_interval_s/2. Neither can be repeated for free, so neither needs a fee.
#pragma once

#include "chain/chain_state.h"
#include "chain/tx.h"
#include "common/expected.h"
#include "common/sig_cache.h"
#include "registry/liveness_rules.h"

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
  kNotFree,                 // uptime_proof / evidence with a fee or a nonce
  kEvidenceNotConflicting,  // the two votes are not a double vote
  kEvidenceBadSignature,    // a vote's signature is invalid for this chain
  kEvidenceNotInCommittee,  // the voter did not sit in the committee of the votes' height
  kEvidenceFromFuture,      // the votes' height is above the block's
  kStateChangeBadState,     // new_state is not one the chain knows (only decommission)
  kStateChangeBadChecks,    // reason_bits empty or naming a check the chain does not know
  kStateChangeBadHeight,    // the test height is not one of the last kReachVoteLifetimeBlocks
  kStateChangeBadVotes,     // votes out of order, not a quorum member, the target's own, or
                            // a signature that is not the member's over this verdict
  kStateChangeTooFewVotes,  // fewer valid votes than the quorum's threshold
  kStateChangeNotActive,    // the target is not an active node (any more)
  kRecipientNotAKey,        // a transfer to 32 bytes that are not a valid public key
  // Registry rule violations carry a RegistryError code (>= 100, registry/staking_rules.h).
};

// The name of a Status code from apply_tx: a TxError or a RegistryError.
const char* tx_rejection_name(int code);
// True for the refusals that hold whatever the chain state (bad encoding, another chain, a
// forged signature): a peer that relays such a tx could have checked it itself, so it is the
// peer's fault. Other refusals (a nonce race, a spent balance, a fee floor) are not.
bool tx_refusal_is_senders_fault(TxError e);

const char* tx_error_name(TxError e);

// Checks that need no state: version, chain id, fee/nonce of free txs, non-zero amounts, and
// that a transfer's recipient is a valid public key (is_valid_public_key: no key could ever
// spend coins sent elsewhere). That check costs about a signature verify, so it goes through
// `cache` when given (SigCache::valid_key): a tx admitted to the mempool is not checked again
// in its block. (Signatures are checked separately, in bulk.)
Status check_tx_stateless(const Tx& tx, const Hash& chain_id, SigCache* cache = nullptr);

// Read access to accounts and the registry, with pending changes layered on top of committed
// state.
class StateView {
 public:
  explicit StateView(const ChainState& base)
      : base_(base.accounts),
        committees(base.committees),
        recent_hashes(base.recent_hashes),
        registry(base.registry) {}
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
  const EpochCommittees& committees;  // read-only: a block's txs never change committees
  const std::map<Height, Hash>& recent_hashes;  // seeds of the recent reachability quorums
  RegistryView registry;
  // Decommissions and deregistrations the block's state_change txs made (logs, metrics).
  std::vector<LivenessChange> liveness;
};

// Where a tx is applied: the chain, its registry rules, and its place in the block.
struct TxEnv {
  const Hash& chain_id;
  const RegistryParams& registry;
  Height height;          // of the block the tx is in
  uint32_t tx_index = 0;  // its position in the block
  uint64_t time_ms = 0;   // the block's time (the mempool uses the committed tip's)
  // Evidence vote signatures go through this cache when set (common/sig_cache.h); the
  // answer is the same without it.
  SigCache* sig_cache = nullptr;
};

// Applies `tx` to `view` if every stateful rule holds (paid txs: exact nonce, balance >=
// amount + fee, no overflow, the registry's rules for register/stake/unlock; free txs: the
// rules above); otherwise leaves `view` unchanged and says why.
Status apply_tx(StateView& view, const Tx& tx, const TxEnv& env);

}  // namespace swarmchain

// Mempool: transactions waiting for a block (design §4.5).
//
// Two-step admission (the contract for gossip and RPC):
//   1. precheck(tx): everything that needs no chain state: encoded size, version, chain id,
//      the stateless rules, fee floor, amount overflow, and the signature. Takes no lock of the
//      pool's and needs no ChainState, so callers run it on any thread (a p2p strand, the
//      shared ThreadPool) WITHOUT holding the chain's lock. With a SigCache (the constructor's
//      optional pointer; the node passes Blockchain::sig_cache()), a signature that verifies is
//      recorded there, which is what makes step 2 cheap.
//   2. add(tx, committed) / add_batch: the full admission below, under the pool's lock, with
//      the chain's state (the caller holds the chain's shared lock, Blockchain::with_state).
//      It repeats the stateless checks (cheap) and the signature check through the cache: a
//      prechecked tx costs a cache lookup, not an ed25519 verify.
// precheck is optional: add() alone is complete and correct for callers that did not precheck
// (it verifies the signature itself, outside the pool's lock but inside the caller's chain
// lock). Without a cache, precheck still refuses bad txs early, but add() verifies again.
// Only valid signatures are ever cached, so a tx with a bad signature is refused by both steps.
//
// What is admitted. A tx enters only if a block built on `committed` followed by the sender's
// pending txs (in nonce order) would accept it: the same rules as a block (tx_check.h:
// check_tx_stateless + apply_tx), plus the pool's own limits. Each refusal is a Status with a
// TxError code and a one-line reason for the RPC caller. Checks, in this order:
//   kTooLarge            encoded size > min(kMaxTxBytes, limits.max_bytes): could never fit
//   kBadEncoding         version != kTxVersion
//   kWrongChain, kZeroAmount, kNotFree   check_tx_stateless
//   kRecipientNotAKey    check_tx_stateless: a transfer to bytes no key owns (through the
//                        SigCache: the block that includes the tx finds the key there)
//   kFeeTooLow           fee < limits.min_fee (a flat fee per tx, not per byte; paid txs only)
//   kAmountOverflow      amount + fee overflows u64
//   kBadSignature        signatures are checked in parallel, outside the lock (through the
//                        SigCache: a cache hit when the tx was prechecked)
//   kDuplicate           this txid is already pending
//   kNonceTooLow         nonce < the account's committed nonce
//   kNonceTooHigh        nonce > committed nonce + this sender's pending count (a gap)
//   kFeeTooLow           same (sender, nonce) as a pending tx, and fee < max(old + ceil(old/10),
//                        old + 1): replace-by-fee needs a 10% raise
//   kInsufficientBalance / kAmountOverflow   apply_tx over the sender's earlier pending txs
//                        then this one, in a StateView of `committed`
//   kMempoolFull         no room, and no evictable tx pays less (see eviction)
//
// Free txs (uptime_proof, evidence, state_change: fee 0, nonce 0, no account; tx_check.h).
// After the signature check they skip the fee floor and the nonce rules and are kept apart
// from the per-sender queues, keyed by (type, subject): the proving node, the evidence's
// offender, or the node a state_change judges. Checks after the stateless ones:
//   kDuplicate           this txid is pending; or evidence against this offender, or a
//                        state_change of this node, is pending (several nodes holding the
//                        same votes each send one: the first wins);
//                        or a proof of this node with a time_ms >= this one's is pending
//   apply_tx             against `committed`, with the committed tip's time as block time:
//                        refused early when the node is unknown, the proof too soon, skewed or
//                        replayed, or the evidence invalid (same codes as in a block)
//   kMempoolFull         no room: free txs never evict anything and are never evicted
// At most one proof per node is pending: a newer proof (larger time_ms) replaces the older.
// select() puts free txs first (they cost the block little and keep the registry live),
// ordered by (type, subject). on_block_committed drops the included ones and re-checks every
// pending free tx against the new state (a proof included from another relay makes ours
// too soon; a deregistered offender makes the evidence moot; a state_change whose votes are
// more than kReachVoteLifetimeBlocks old, or whose node is no longer active, goes).
//
// Byte accounting. A tx weighs its canonical encoding, Tx::to_bytes().size(); bytes() is the
// sum over pending txs (paid and free) and never exceeds limits.max_bytes; size() never
// exceeds max_count.
//
// Per-sender invariant. The pending nonces of a sender are contiguous and start at the
// sender's committed nonce, so select() never proposes a tx that waits on a missing one.
// - Replace-by-fee: after a replacement, the sender's later txs are re-applied in order; from
//   the first that no longer applies (e.g. the new tx spends more), that tx and all later ones
//   are dropped.
// - Eviction when full: the victim is the lowest-fee tx among the LAST pending tx of each
//   other sender (never the new tx's own sender), ties evict the newest arrival first; it is
//   taken only if its fee is strictly below the new tx's fee. Evicting a sender's last tx
//   never leaves a gap. Victims are chosen before anything is removed: all or nothing.
// - on_block_committed: included txs leave; every sender that sent in the block, and every
//   sender whose committed nonce moved past its first pending tx, is re-applied against the
//   new state; stale and no-longer-affordable txs are dropped (with all later ones).
//
// REQUIRES: the `committed` passed to add() is the state of the last block the pool was told
// about (on_block_committed) or a newer one. With a newer state, this sender's stale txs are
// pruned first. With an older state (a race between an RPC thread and the block producer),
// add() may refuse a valid tx (kNonceTooHigh, "retry"); it never admits what the newer state
// refuses for nonce reasons.
//
// Thread-safety: every public method is thread-safe. One private, non-recursive std::mutex
// guards all state; it is called from the RPC worker threads and the block producer thread.
// Hashing and signature verification run before the lock is taken. `committed` must not be
// modified while a call that received it runs (ChainState's const methods may run
// concurrently).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "chain/chain_state.h"
#include "chain/tx.h"
#include "chain/tx_check.h"
#include "common/amount.h"
#include "common/bytes.h"
#include "common/expected.h"
#include "common/sig_cache.h"

namespace swarmchain {

struct MempoolLimits {
  std::size_t max_count = 50'000;
  std::size_t max_bytes = 64 << 20;
  Amount min_fee = Amount(100'000);  // 0.0001 coin, flat per tx
};

class Mempool {
 public:
  // `sig_cache` (optional, not owned, must outlive the pool): signatures verified at
  // admission are recorded there, so the block that includes the tx need not verify again.
  Mempool(Hash chain_id, MempoolLimits limits, RegistryParams registry,
          SigCache* sig_cache = nullptr);
  Mempool(const Mempool&) = delete;
  Mempool& operator=(const Mempool&) = delete;

  // Step 1 (see above): the checks that need no chain state, signature included (recorded in
  // the cache). ok, or the same TxError add() would give for them. Thread-safe, lock-free with
  // respect to the pool; never needs the chain's lock.
  Status precheck(const Tx& tx) const;

  // Admits `tx` or says why not (TxError code + reason). Same as add_batch with one tx.
  Expected<TxId> add(const Tx& tx, const ChainState& committed);

  // Verifies every signature in parallel, then admits the txs in order under one lock hold
  // (a later tx may rely on an earlier one of the same batch). One result per tx, in order.
  std::vector<Expected<TxId>> add_batch(std::span<const Tx> txs, const ChainState& committed);

  // Block candidates, at most `max_txs` txs and `max_bytes` encoded bytes: free txs first (see
  // above), then each sender's txs
  // in nonce order; across senders the head with the highest fee first, ties to the earlier
  // arrival. Deterministic for a given sequence of calls. A sender whose next tx does not fit
  // in the bytes left is skipped from then on (its later txs would leave a gap).
  std::vector<Tx> select(std::size_t max_txs, std::size_t max_bytes) const;

  // Every pending tx, in an order add_batch() accepts again on the same state: free txs, then
  // each sender's txs in nonce order (senders in key order). What the node saves at shutdown.
  std::vector<Tx> pending() const;

  // Removes `included` and re-checks the affected senders against `new_state` (see above).
  void on_block_committed(const std::vector<Tx>& included, const ChainState& new_state);

  std::size_t size() const;
  std::size_t bytes() const;
  // Drops every pending tx (the operator's flush_mempool); returns how many there were.
  std::size_t clear();
  bool contains(const TxId& id) const;
  std::optional<Tx> get(const TxId& id) const;
  // The pending register_node tx of service node `sn`, if any (RPC: "registration pending").
  // O(pending paid txs), copies nothing.
  std::optional<TxId> pending_registration(const PubKey& sn) const;
  // The nonce a wallet should use next: the committed nonce + the sender's pending txs.
  uint64_t next_nonce(const PubKey& sender, const ChainState& committed) const;
  // What the pending txs would move for `account`: out = amounts moved out plus fees of its own
  // txs, in = transfers to it (a self-transfer counts both ways). For a wallet's balance line;
  // O(pending txs) under the pool's lock, like fee_estimate(). Txs `committed` already holds
  // (a block applied, the pool not yet told) are left out, so a balance read from `committed`
  // never counts one twice.
  struct PendingFlow {
    Amount in, out;
    std::size_t in_txs = 0, out_txs = 0;
  };
  PendingFlow pending_flow(const PubKey& account, const ChainState& committed) const;
  // A fee likely to be admitted and selected soon (rule in mempool.cpp).
  Amount fee_estimate() const;

  const MempoolLimits& limits() const { return limits_; }
  const Hash& chain_id() const { return chain_id_; }

 private:
  struct Entry {
    Tx tx;
    TxId id;
    std::size_t size = 0;
    uint64_t seq = 0;  // arrival order, for deterministic ties
  };
  using SenderTxs = std::map<uint64_t, Entry>;  // nonce -> entry, contiguous
  // The last pending tx of a sender, ordered so that begin() is the first eviction victim.
  struct EvictKey {
    Amount fee;
    uint64_t seq = 0;
    PubKey sender;
    uint64_t nonce = 0;  // not part of the order: seq is unique
    friend bool operator<(const EvictKey& a, const EvictKey& b) {
      if (a.fee != b.fee) return a.fee < b.fee;
      return a.seq > b.seq;  // newest first
    }
  };
  // Work done before the lock: hash, size, stateless rules, signature.
  struct Prepared {
    TxId id;
    std::size_t size = 0;
    Status status;
  };

  // Size, id and the stateless rules; the signature too when `check_signature`.
  Prepared prepare_unlocked(const Tx& tx, bool check_signature) const;
  Expected<TxId> admit_locked(const Tx& tx, const Prepared& p, const ChainState& committed);
  Expected<TxId> admit_free_locked(const Tx& tx, const Prepared& p, const ChainState& committed);
  void recheck_free_locked(const ChainState& state);
  Status make_room_locked(const PubKey& sender, Amount fee, std::size_t size);
  void insert_locked(const Tx& tx, const TxId& id, std::size_t size);
  // Removes the entry at `it` from `txs` and the indexes; returns the next iterator. The caller
  // keeps evictable_ right: last_key_locked() before, refresh_evict_key_locked() after.
  SenderTxs::iterator erase_locked(SenderTxs& txs, SenderTxs::iterator it);
  // Drops `sender`'s txs below `state`'s nonce and, from the first that does not apply in
  // order, that tx and every later one. Leaves them alone if the state is behind the pool.
  void recheck_sender_locked(const PubKey& sender, const ChainState& state);
  // Replaces `old_last` in evictable_ by the sender's current last tx; forgets an empty sender.
  void refresh_evict_key_locked(const PubKey& sender, const std::optional<EvictKey>& old_last);
  std::optional<EvictKey> last_key_locked(const PubKey& sender) const;

  TxEnv env(const ChainState& committed) const;
  std::size_t size_unlocked() const { return by_id_.size() + free_ids_.size(); }
  const Hash chain_id_;
  const MempoolLimits limits_;
  const RegistryParams registry_;
  SigCache* const sig_cache_;  // optional; thread-safe itself

  mutable std::mutex mu_;
  std::map<PubKey, SenderTxs> by_sender_;
  std::unordered_map<TxId, std::pair<PubKey, uint64_t>> by_id_;  // -> (sender, nonce)
  std::set<EvictKey> evictable_;                                 // one per sender: its last tx
  // Free txs by (type, subject); their ids -> key.
  using FreeKey = std::pair<TxType, PubKey>;
  std::map<FreeKey, Entry> free_;
  std::unordered_map<TxId, FreeKey> free_ids_;
  std::size_t bytes_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace swarmchain

// Executor: checks a block against the chain tip and computes the state it leads to
// (design §4.3). It does not write anything: the result (ExecutedBlock) is committed by the
// store in one WriteBatch, so a block is applied entirely or not at all.
//
// Committees (design §6.1). Epoch 0 is the genesis service nodes (at most committee_size, in
// genesis order). The committee of epoch e+1 is drawn while executing block (e+1)·E (the last
// block of epoch e), from that block's post-state: the active nodes whose last uptime proof is
// at most proof_lifetime_s old by that block's time (registry/uptime_rules.h), all of them
// sorted by pubkey if they are at most committee_size, else a uniform sample seeded with that
// block's prev_hash. Not the block's own hash: the header already commits to
// next_committee_hash, so its hash cannot seed what it commits to (and a proposer grinding its
// own header must not pick the next committee). If no node is eligible, the committee carries
// over, less its members that were deregistered or are gone (an offender caught by evidence
// must not keep certifying; if that leaves nobody, it carries over whole): a chain must not halt
// because every proof lapsed (e.g. after a network-wide outage), and a node that never ran
// still never enters. The result goes into
// ExecutedBlock::next_committee and the block's next_committee_hash.
//
// Whose fault (fault_of): every BlockError means the block is invalid — its proposer (or the
// peer that relayed it) is at fault, and the reason says which rule, and for a bad tx which tx
// (index, id) and why (the TxError / RegistryError name and message). Any other code (a
// StoreError from the disk, a bug) means WE failed: the block may be fine, and no peer must be
// punished for it. BlockError codes start at kBlockErrorBase so they never collide with the
// codes of other modules in one Status.
//
// Thread-safety: const methods are thread-safe; signature checks use parallel_for (the shared
// ThreadPool) internally.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "chain/account_event.h"
#include "chain/block.h"
#include "chain/block_stats.h"
#include "chain/chain_state.h"
#include "chain/params.h"
#include "chain/tx_check.h"
#include "common/sig_cache.h"
#include "registry/liveness_rules.h"

namespace swarmchain {

inline constexpr int kBlockErrorBase = 200;

enum class BlockError {
  kOk = 0,
  kBadHeight = kBlockErrorBase,
  kBadPrevHash,
  kBadTime,
  kBadTxRoot,
  kBadStateRoot,
  kBadRegistryRoot,
  kBadCommittee,
  kBadLastCommit,
  kTooManyTxs,
  kTooLarge,
  kBadTx,
  kBadProposer,
  kLastBlockError = kBadProposer,
};
const char* block_error_name(BlockError e);

enum class Fault {
  kInvalid,  // the block (or tx) breaks a rule: the sender/proposer is at fault
  kLocal,    // we failed (disk, bug): nobody else is to blame
};
// kInvalid for a BlockError code, kLocal for anything else (REQUIRES: !s.is_ok()).
Fault fault_of(const Status& s);

// What a valid block does to the state, with the tree work already done: Blockchain::commit
// applies it as it is (AccountState/RegistryState::apply(changes, update)).
struct ExecutedBlock {
  AccountChanges changes;
  AccountState::Update accounts_update;
  RegistryChanges registry_changes;
  RegistryState::Update registry_update;
  // Set in the last block of an epoch: (next epoch, its committee).
  std::optional<std::pair<uint64_t, std::vector<PubKey>>> next_committee;
  // Decommissions, recommissions and deregistrations of this block, with their reasons (logs,
  // metrics); consensus data only through registry_changes.
  std::vector<LivenessChange> liveness;
  // The coins end of block moved into accounts without a tx (rewards, returned stakes), one
  // event per credit, in the order credited; their amounts sum to what was credited. The store
  // indexes them with the block (account history); consensus data only through `changes`.
  std::vector<AccountEvent> events;
  // The registry's counts after the block, its tx count and rewards (chain/block_stats.h): the
  // store's per-block index for the explorer; not consensus data.
  BlockStats stats;

  const Hash& state_root() const { return accounts_update.root; }
  const Hash& registry_root() const { return registry_update.root; }
};

// Moves `state` to the post-state of `block`, whose validation produced `executed` (against
// this very state): accounts, registry, height and time, the next committee, the recent block
// hashes. The one place a ChainState advances (Blockchain::commit; test chains).
void advance_state(ChainState& state, const Block& block, const Hash& block_hash,
                   ExecutedBlock&& executed);

class Executor {
 public:
  explicit Executor(const Genesis& genesis);

  const Hash& chain_id() const { return chain_id_; }
  const ChainParams& params() const { return genesis_.params; }
  const Genesis& genesis() const { return genesis_; }
  const RegistryParams& registry_params() const { return registry_params_; }
  // The committee that certifies blocks at height h, from `state` (known for every
  // h <= state.height + 1; empty beyond).
  std::vector<PubKey> committee(const ChainState& state, Height h) const;
  // Epoch 0's committee: the genesis service nodes, at most committee_size, in genesis order.
  const std::vector<PubKey>& genesis_committee() const { return genesis_committee_; }

  // The genesis block (height 0) and the state it starts. Its hash anchors the chain.
  ChainState genesis_state() const;
  Block genesis_block() const { return genesis_block(genesis_state()); }
  // The same from a genesis_state() the caller already has (building it hashes every account
  // bucket and assigns the genesis swarms: start-up does it once).
  Block genesis_block(const ChainState& genesis_state) const;

  // Index of the first tx whose signature is invalid, checking all in parallel (on the shared
  // ThreadPool). With a `cache`, signatures found there are not verified again, and valid
  // ones are recorded (common/sig_cache.h).
  std::optional<std::size_t> first_bad_signature(std::span<const Tx> txs,
                                                 SigCache* cache = nullptr) const;

  // Full check of `block` as the child of `parent`: height, prev hash, time, limits, tx root,
  // every tx (signatures in parallel unless `signatures_checked`), committee hashes,
  // last_commit, the registry's end of block (expiry, reward, swarms), and the resulting state
  // and registry roots. With a `cache`, tx and last_commit signatures verified before (at
  // mempool admission, by preverify) are not verified again; the answer is the same.
  Expected<ExecutedBlock> validate(const ChainState& state, const BlockHeader& parent,
                                   const std::optional<CommitCertificate>& parent_cert,
                                   const Block& block, bool signatures_checked = false,
                                   SigCache* cache = nullptr) const;

  // Builds the child of `parent` from `candidates` (in order; a tx that does not apply is
  // skipped), within the block limits. Candidates' signatures must already be checked. With a
  // `cache`, recipient keys and evidence signatures checked before are found there.
  struct Built {
    Block block;
    ExecutedBlock executed;
    std::vector<std::size_t> skipped;  // indexes into candidates that did not apply
  };
  Built build(const ChainState& state, const BlockHeader& parent,
              const std::optional<CommitCertificate>& parent_cert, std::span<const Tx> candidates,
              uint64_t time_ms, const PubKey& proposer, SigCache* cache = nullptr) const;

 private:
  // Liveness (registry/liveness_rules.h), then the registry's end of block (staking_rules.h:
  // expiry, reward, swarms) and the payouts it credits, each reported in `events`; false if a
  // credit would overflow (the block is then invalid).
  bool finish_block(StateView& view, const BlockHeader& h, std::vector<LivenessChange>& liveness,
                    std::vector<AccountEvent>& events) const;
  ExecutedBlock executed(StateView& view, const ChainState& state) const;
  // The committee of h+1 after block `h` ran into `view` (see above).
  std::vector<PubKey> committee_after(const StateView& view, const ChainState& state,
                                      const BlockHeader& h) const;

  Genesis genesis_;
  Hash chain_id_;
  RegistryParams registry_params_;
  std::vector<PubKey> genesis_committee_;
};

}  // namespace swarmchain

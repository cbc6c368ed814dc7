// Executor: checks a block against the chain tip and computes the state it leads to
// (design §4.3). It does not write anything: the result (ExecutedBlock) is committed by the
// store in one WriteBatch, so a block is applied entirely or not at all.
//
// Thread-safety: const methods are thread-safe; signature checks use parallel_for internally.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "chain/block.h"
#include "chain/chain_state.h"
#include "chain/params.h"
#include "chain/tx_check.h"

namespace swarmchain {

enum class BlockError {
  kOk = 0,
  kBadHeight,
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
};

// What a valid block does to the state, with the tree work already done: Blockchain::commit
// applies it as it is (AccountState/RegistryState::apply(changes, update)).
struct ExecutedBlock {
  AccountChanges changes;
  AccountState::Update accounts_update;
  RegistryChanges registry_changes;
  RegistryState::Update registry_update;

  const Hash& state_root() const { return accounts_update.root; }
  const Hash& registry_root() const { return registry_update.root; }
};

class Executor {
 public:
  explicit Executor(const Genesis& genesis);

  const Hash& chain_id() const { return chain_id_; }
  const ChainParams& params() const { return genesis_.params; }
  const Genesis& genesis() const { return genesis_; }
  const RegistryParams& registry_params() const { return registry_params_; }
  // The committee that certifies blocks. Until the registry drives it (issue 4/consensus), it
  // is the genesis service nodes, at most committee_size of them, in genesis order.
  const std::vector<PubKey>& committee(Height) const { return committee_; }

  // The genesis block (height 0) and the state it starts. Its hash anchors the chain.
  ChainState genesis_state() const;
  Block genesis_block() const { return genesis_block(genesis_state()); }
  // The same from a genesis_state() the caller already has (building it hashes every account
  // bucket and assigns the genesis swarms: start-up does it once).
  Block genesis_block(const ChainState& genesis_state) const;

  // Index of the first tx whose signature is invalid, checking all in parallel.
  std::optional<std::size_t> first_bad_signature(std::span<const Tx> txs) const;

  // Full check of `block` as the child of `parent`: height, prev hash, time, limits, tx root,
  // every tx (signatures in parallel unless `signatures_checked`), committee hashes,
  // last_commit, the registry's end of block (expiry, reward, swarms), and the resulting state
  // and registry roots.
  Expected<ExecutedBlock> validate(const ChainState& state, const BlockHeader& parent,
                                   const std::optional<CommitCertificate>& parent_cert,
                                   const Block& block, bool signatures_checked = false) const;

  // Builds the child of `parent` from `candidates` (in order; a tx that does not apply is
  // skipped), within the block limits. Candidates' signatures must already be checked.
  struct Built {
    Block block;
    ExecutedBlock executed;
    std::vector<std::size_t> skipped;  // indexes into candidates that did not apply
  };
  Built build(const ChainState& state, const BlockHeader& parent,
              const std::optional<CommitCertificate>& parent_cert, std::span<const Tx> candidates,
              uint64_t time_ms, const PubKey& proposer) const;

 private:
  // The registry's end of block (staking_rules.h: expiry, reward, swarms) and the payouts it
  // credits; false if a credit would overflow (the block is then invalid).
  bool finish_block(StateView& view, Height h, const BlockHash& prev_hash) const;
  ExecutedBlock executed(StateView& view, const ChainState& state) const;

  Genesis genesis_;
  Hash chain_id_;
  RegistryParams registry_params_;
  std::vector<PubKey> committee_;
};

}  // namespace swarmchain

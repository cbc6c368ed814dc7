// Blockchain: the committed chain as the rest of the node sees it: the store on disk plus the
// account state in memory, kept in step. Blocks enter only through commit(), which validates,
// writes one synced batch, then updates memory and tells the listeners.
//
// Signature cache. The Blockchain owns the node's one SigCache (common/sig_cache.h): validate()
// and commit() check tx and certificate signatures through it, the node's Mempool is built
// with &sig_cache() (so a tx checked at admission is not verified again in its block), and
// sync calls preverify() on a fetched batch (off the chain thread) before committing it.
//
// Thread-safety: any thread may read (shared lock); commit() takes the exclusive lock and is
// called by one writer (the node's chain loop). Listeners run on the committing thread after
// the lock is released and must not call commit(). sig_cache() and preverify() are safe from
// any thread (the cache is thread-safe on its own).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <span>
#include <vector>

#include "chain/chain_state.h"
#include "chain/executor.h"
#include "chain/preverify.h"
#include "chain/store.h"
#include "common/sig_cache.h"

namespace swarmchain {

// Events leave the chain through this interface, so that chain never calls p2p or rpc.
class ChainListener {
 public:
  virtual ~ChainListener() = default;
  virtual void on_block_committed(const Block& block, const CommitCertificate& cert) = 0;
  // The block's decommissions, recommissions and deregistrations (called just before
  // on_block_committed, only when there are some).
  virtual void on_liveness_changes(Height /*h*/, const std::vector<LivenessChange>& /*changes*/) {}
};

struct ChainTip {
  BlockHeader header;
  BlockHash hash;
  std::optional<CommitCertificate> cert;  // absent for the genesis block
};

class Blockchain {
 public:
  // Opens (or initialises) the store in `dir` and loads the state; checks that the loaded
  // state matches the tip's state_root, so a damaged store is refused, not served.
  // `options.memory` puts the store on a simulated disk (the simulator).
  static Expected<std::unique_ptr<Blockchain>> open(const std::filesystem::path& dir,
                                                    const Genesis& genesis,
                                                    StoreOptions options = {});

  const Executor& executor() const { return executor_; }
  const Hash& chain_id() const { return executor_.chain_id(); }
  const ChainParams& params() const { return executor_.params(); }
  const BlockStore& store() const { return *store_; }

  ChainTip tip() const;
  std::optional<Account> account(const PubKey& pk) const;
  // Runs fn with the committed state (accounts, registry) under the shared lock.
  void with_state(const std::function<void(const ChainState&, const ChainTip&)>& fn) const;

  // The committee that certifies blocks at height h (known for h <= tip + 1, past epochs
  // included; empty beyond).
  std::vector<PubKey> committee(Height h) const;

  // Checks `block` as the child of the tip and executes it, without changing anything. The
  // result can be handed to commit() so that a block validated while voting is executed once.
  Expected<ExecutedBlock> validate(const Block& block, bool signatures_checked = false) const;

  // Validates `block` on top of the tip (with `cert` its own certificate), stores it and
  // applies it. Nothing changes if any check fails.
  Status commit(const Block& block, const CommitCertificate& cert, bool signatures_checked = false);
  // The same with the result of validate() for this block on this tip (REQUIRES: the tip has
  // not moved since; only the chain's one writer calls validate-then-commit).
  Status commit(const Block& block, const CommitCertificate& cert, ExecutedBlock executed,
                Durability durability = Durability::kSynced);
  // Makes the blocks committed with Durability::kDeferred durable (chain/store.h).
  Status sync_store() { return store_->sync_wal(); }

  void add_listener(ChainListener* l) { listeners_.push_back(l); }

  // The node's signature cache (thread-safe; lives as long as this Blockchain).
  SigCache& sig_cache() const { return sig_cache_; }

  // Sync: verifies every tx and certificate signature of `blocks` (certs[i] certifies
  // blocks[i]) on the shared ThreadPool and caches the valid ones (chain/preverify.h). Signers
  // are resolved with committee(h), or for an epoch not reached yet, with the newest known
  // committee (a guess: a miss only means commit verifies that signature itself). Decides
  // nothing: commit() still checks everything. Call it without holding anything. `pool`: where
  // the verifies run (a node gives sync its own, lower-priority pool).
  PreverifyResult preverify(std::span<const Block> blocks,
                            std::span<const CommitCertificate> certs,
                            ThreadPool& pool = ThreadPool::shared()) const;

 private:
  Blockchain(const Genesis& g) : executor_(g) {}
  Executor executor_;
  std::unique_ptr<BlockStore> store_;
  mutable std::shared_mutex mu_;
  ChainState state_;
  ChainTip tip_;
  std::vector<ChainListener*> listeners_;
  mutable SigCache sig_cache_;
};

}  // namespace swarmchain

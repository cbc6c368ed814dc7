// Blockchain: the committed chain as the rest of the node sees it: the store on disk plus the
// account state in memory, kept in step. Blocks enter only through commit(), which validates,
// writes one synced batch, then updates memory and tells the listeners.
//
// Thread-safety: any thread may read (shared lock); commit() takes the exclusive lock and is
// called by one writer (the node's chain loop). Listeners run on the committing thread after
// the lock is released and must not call commit().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "chain/chain_state.h"
#include "chain/executor.h"
#include "chain/store.h"

namespace swarmchain {

// Events leave the chain through this interface, so that chain never calls p2p or rpc.
class ChainListener {
 public:
  virtual ~ChainListener() = default;
  virtual void on_block_committed(const Block& block, const CommitCertificate& cert) = 0;
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
  Status commit(const Block& block, const CommitCertificate& cert, ExecutedBlock executed);

  void add_listener(ChainListener* l) { listeners_.push_back(l); }

 private:
  Blockchain(const Genesis& g) : executor_(g) {}
  Executor executor_;
  std::unique_ptr<BlockStore> store_;
  mutable std::shared_mutex mu_;
  ChainState state_;
  ChainTip tip_;
  std::vector<ChainListener*> listeners_;
};

}  // namespace swarmchain

// RegistrySnapshotCache<Snapshot>: the snapshot of the tip's registry that a registry RPC method
// answers from (SwarmDirectory for get_swarm, ServiceNodeSnapshot for get_service_nodes), made
// once per registry change and outside the chain's read lock.
//
// The key is the registry's Merkle root (registry_root), not the tip block hash: every record
// field, uptime-proof contact data included, is inside that root, so a new proof, stake or swarm
// change makes a new snapshot, and a block that leaves the registry as it was does not.
//
// Each request reads the tip (height, hash, time, registry root) under the read lock — a few
// copies — and gets the snapshot whose root is that tip's, with that tip: the answer is the
// registry at the block it names. When the root moved, one request builds the new snapshot: it
// calls Snapshot::collect(registry, previous) under the read lock (copying only what it needs)
// and constructs the Snapshot from that outside the lock. Builds are serialised, each from the
// tip it reads, so a snapshot is only ever replaced by a newer one. While one is being built, a
// request with `allow_stale` answers from the newest snapshot with the tip it was made at (the
// answer the same request got a few milliseconds earlier, and its height says so); without it,
// it waits for the build (get_service_nodes: a storage server that polls with a block hash must
// not be told "unchanged" about a block it has not seen).
//
// Snapshot needs: `using Source`, `static Source collect(const RegistryState&, const Snapshot*)`,
// `explicit Snapshot(Source)`.
//
// Thread-safety: current() may be called from any number of threads; the snapshots it hands out
// are immutable (shared_ptr<const>), so a rebuild never invalidates an answer being written.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "chain/blockchain.h"
#include "chain/chain_state.h"
#include "common/crypto.h"
#include "common/height.h"

namespace swarmchain::rpc {

// What an answer says about the block it describes.
struct TipFacts {
  Height height;
  BlockHash hash;
  uint64_t time_ms = 0;
  Hash registry_root;
};

template <class Snapshot>
class RegistrySnapshotCache {
 public:
  // REQUIRES: `chain` outlives the cache.
  explicit RegistrySnapshotCache(const Blockchain& chain) : chain_(chain) {}

  struct View {
    std::shared_ptr<const Snapshot> snapshot;
    TipFacts tip;  // a block whose registry `snapshot` is
  };

  View current(bool allow_stale) {
    TipFacts tip = read_tip();
    if (auto s = cached(tip.registry_root)) return {std::move(s), tip};
    std::unique_lock build(build_mu_, std::try_to_lock);
    if (!build.owns_lock()) {
      if (allow_stale) {
        std::lock_guard lock(mu_);
        if (newest_) return {newest_, newest_tip_};
      }
      build.lock();
    }
    // Someone may have built it while we waited, or the tip may have moved again.
    tip = read_tip();
    if (auto s = cached(tip.registry_root)) return {std::move(s), tip};
    std::shared_ptr<const Snapshot> previous;
    {
      std::lock_guard lock(mu_);
      previous = newest_;
    }
    typename Snapshot::Source source;
    chain_.with_state([&](const ChainState& state, const ChainTip& t) {
      source = Snapshot::collect(state.registry, previous.get());
      tip = facts(state, t);
    });
    auto fresh = std::make_shared<const Snapshot>(std::move(source));
    std::lock_guard lock(mu_);
    newest_ = fresh;
    newest_tip_ = tip;
    ++builds_;
    return {std::move(fresh), tip};
  }

  // How many snapshots were built so far (tests: one per registry change, not per block).
  std::size_t builds() const {
    std::lock_guard lock(mu_);
    return builds_;
  }

 private:
  static TipFacts facts(const ChainState& state, const ChainTip& t) {
    return {t.header.height, t.hash, t.header.time_ms, state.registry.root()};
  }
  TipFacts read_tip() const {
    TipFacts out;
    chain_.with_state([&](const ChainState& state, const ChainTip& t) { out = facts(state, t); });
    return out;
  }
  std::shared_ptr<const Snapshot> cached(const Hash& root) const {
    std::lock_guard lock(mu_);
    return newest_ && newest_tip_.registry_root == root ? newest_ : nullptr;
  }

  const Blockchain& chain_;
  std::mutex build_mu_;    // one builder at a time
  mutable std::mutex mu_;  // guards newest_, newest_tip_, builds_
  std::shared_ptr<const Snapshot> newest_;
  TipFacts newest_tip_;
  std::size_t builds_ = 0;
};

}  // namespace swarmchain::rpc

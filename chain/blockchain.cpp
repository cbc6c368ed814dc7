#include "chain/blockchain.h"

#include <mutex>

#include "common/hex.h"

namespace swarmchain {

Expected<std::unique_ptr<Blockchain>> Blockchain::open(const std::filesystem::path& dir,
                                                      const Genesis& genesis,
                                                      StoreOptions options) {
  std::unique_ptr<Blockchain> bc(new Blockchain(genesis));
  const ChainState gstate = bc->executor_.genesis_state();
  auto store = BlockStore::open(dir, genesis, bc->executor_.genesis_block(gstate), gstate,
                                std::move(options));
  if (!store) return unexpected(store.error());
  bc->store_ = std::move(*store);
  if (Status s = bc->store_->load_state(bc->state_); !s) return unexpected(std::move(s));
  const Height h = bc->store_->tip_height();
  auto tip = bc->store_->block_at(h);
  if (!tip) return unexpected(tip.error());
  bc->tip_.header = tip->header;
  bc->tip_.hash = tip->hash();
  auto cert = bc->store_->certificate_at(h);
  if (!cert) return unexpected(cert.error());
  bc->tip_.cert = std::move(*cert);
  bc->state_.time_ms = tip->header.time_ms;
  if (h.value > 0 && !bc->tip_.cert)
    return fail(StoreError::kCorrupt, "the node's chain store is damaged: the certificate of "
                                      "tip block " + h.to_string() + " is missing");
  if (bc->state_.accounts.root() != tip->header.state_root)
    return fail(StoreError::kCorrupt,
                "chain store: account state does not match the state root of block " +
                    h.to_string() + " (" + to_hex(bc->state_.accounts.root()) + " vs " +
                    to_hex(tip->header.state_root) + "); the datadir is damaged");
  if (bc->state_.registry.root() != tip->header.registry_root)
    return fail(StoreError::kCorrupt,
                "chain store: service-node registry does not match the registry root of block " +
                    h.to_string() + "; the datadir is damaged");
  if (committee_hash(bc->executor_.committee(bc->state_, h)) != tip->header.committee_hash ||
      committee_hash(bc->executor_.committee(bc->state_, h.next())) !=
          tip->header.next_committee_hash)
    return fail(StoreError::kCorrupt,
                "chain store: the stored committees do not match the committee hashes of block " +
                    h.to_string() + "; the datadir is damaged");
  return bc;
}

ChainTip Blockchain::tip() const {
  std::shared_lock lock(mu_);
  return tip_;
}

std::optional<Account> Blockchain::account(const PubKey& pk) const {
  std::shared_lock lock(mu_);
  return state_.accounts.get(pk);
}

void Blockchain::with_state(
    const std::function<void(const ChainState&, const ChainTip&)>& fn) const {
  std::shared_lock lock(mu_);
  fn(state_, tip_);
}

std::vector<PubKey> Blockchain::committee(Height h) const {
  std::shared_lock lock(mu_);
  return executor_.committee(state_, h);
}

Expected<ExecutedBlock> Blockchain::validate(const Block& block, bool signatures_checked) const {
  std::shared_lock lock(mu_);
  return executor_.validate(state_, tip_.header, tip_.cert, block, signatures_checked,
                            &sig_cache_);
}

Status Blockchain::commit(const Block& block, const CommitCertificate& cert,
                          bool signatures_checked) {
  // Validation reads the state under the shared lock; only this thread writes, so the state
  // cannot change between validation and the exclusive section of the commit below.
  Expected<ExecutedBlock> executed = validate(block, signatures_checked);
  if (!executed) return executed.error();
  return commit(block, cert, std::move(*executed));
}

Status Blockchain::commit(const Block& block, const CommitCertificate& cert,
                          ExecutedBlock executed, Durability durability) {
  if (block.header.height != tip().header.height.next() ||
      block.header.prev_hash != tip().hash)
    return Status::error(BlockError::kBadPrevHash, "block does not build on the tip");
  if (Status s = verify_certificate(cert, chain_id(), block.header.height, block.hash(),
                                    committee(block.header.height), &sig_cache_);
      !s)
    return Status::error(BlockError::kBadLastCommit, "block certificate: " + s.message());
  if (Status s = store_->commit(block, cert, executed, durability); !s) return s;
  {
    std::unique_lock lock(mu_);
    // validate() prepared the tree updates against this state, which only this thread writes.
    state_.accounts.apply(executed.changes, executed.accounts_update);
    state_.registry.apply(executed.registry_changes, executed.registry_update);
    state_.height = block.header.height;
    state_.time_ms = block.header.time_ms;
    if (executed.next_committee)
      state_.committees.insert_or_assign(executed.next_committee->first,
                                         std::move(executed.next_committee->second));
    tip_.header = block.header;
    tip_.hash = block.hash();
    tip_.cert = cert;
  }
  for (auto* l : listeners_) {
    if (!executed.liveness.empty()) l->on_liveness_changes(block.header.height, executed.liveness);
    l->on_block_committed(block, cert);
  }
  return Status::ok();
}

PreverifyResult Blockchain::preverify(std::span<const Block> blocks,
                                      std::span<const CommitCertificate> certs,
                                      ThreadPool& pool) const {
  const auto committee_of = [this](Height h) {
    std::shared_lock lock(mu_);
    const std::vector<PubKey>* c = state_.committee(h, params().epoch_blocks);
    if (!c) c = state_.committee(state_.height.next(), params().epoch_blocks);  // newest known
    return c ? *c : std::vector<PubKey>{};
  };
  return swarmchain::preverify(blocks, certs, chain_id(), committee_of, sig_cache_, pool);
}

}  // namespace swarmchain

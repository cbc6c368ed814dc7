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
  // The recent block hashes (ChainState::recent_hashes), walking down from the tip: block
  // h+1's prev_hash names block h; where block h+1 does not read back, h's certificate names it.
  std::optional<BlockHeader> above = tip->header;
  for (uint64_t back = 1; back <= std::min<uint64_t>(h.value, kReachVoteLifetimeBlocks); ++back) {
    const Height at(h.value - back);
    std::optional<Hash> hash;
    if (above) hash = above->prev_hash;
    auto b = bc->store_->block_at(at);
    above = b ? std::optional<BlockHeader>(b->header) : std::nullopt;
    if (!hash && at.value > 0)
      if (auto c = bc->store_->certificate_at(at); c && *c) hash = (*c)->block_hash;
    if (!hash)
      return fail(StoreError::kCorrupt, "the node's chain store is damaged: neither block " +
                                            at.to_string() + ", its certificate nor block " +
                                            at.next().to_string() + " reads back");
    remember_block_hash(bc->state_.recent_hashes, at, *hash);
  }
  remember_block_hash(bc->state_.recent_hashes, h, bc->tip_.hash);
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
  const std::vector<LivenessChange> liveness = std::move(executed.liveness);
  const Hash hash = block.hash();
  {
    std::unique_lock lock(mu_);
    // validate() prepared the tree updates against this state, which only this thread writes.
    advance_state(state_, block, hash, std::move(executed));
    tip_.header = block.header;
    tip_.hash = hash;
    tip_.cert = cert;
  }
  for (auto* l : listeners_) {
    if (!liveness.empty()) l->on_liveness_changes(block.header.height, liveness);
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

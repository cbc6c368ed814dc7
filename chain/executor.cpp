#include "chain/executor.h"

#include <atomic>

#include "common/hex.h"
#include "common/merkle.h"
#include "common/parallel.h"
#include "registry/uptime_rules.h"

namespace swarmchain {

RegistryParams registry_params(const ChainParams& p) {
  RegistryParams r;
  r.staking_requirement = p.staking_requirement;
  r.min_operator_stake = p.min_operator_stake;
  r.max_contributors = p.max_contributors;
  r.unlock_delay_blocks = p.unlock_delay_blocks;
  r.block_reward = p.block_reward;
  r.swarm.min_swarm_size = p.min_swarm_size;
  r.swarm.ideal_swarm_size = p.ideal_swarm_size;
  r.proof_interval_s = p.proof_interval_s;
  r.proof_lifetime_s = p.proof_lifetime_s;
  r.proof_skew_ms = p.proof_skew_ms;
  r.dereg_lock_blocks = p.dereg_lock_blocks;
  r.epoch_blocks = p.epoch_blocks;
  r.target_block_ms = p.target_block_ms;
  const auto blocks = [&](uint64_t s) { return s * 1000 / p.target_block_ms; };
  r.credit_initial_blocks = blocks(p.credit_initial_s);
  r.credit_per_day_s = p.credit_per_day_s;
  r.credit_max_blocks = blocks(p.credit_max_s);
  r.credit_min_to_decommission_blocks = blocks(p.credit_min_to_decommission_s);
  return r;
}

Executor::Executor(const Genesis& genesis)
    : genesis_(genesis),
      chain_id_(genesis.chain_id()),
      registry_params_(swarmchain::registry_params(genesis.params)) {
  for (const auto& sn : genesis_.service_nodes) {
    if (genesis_committee_.size() >= genesis_.params.committee_size) break;
    genesis_committee_.push_back(sn.pubkey);
  }
}

const char* block_error_name(BlockError e) {
  switch (e) {
    case BlockError::kOk: return "ok";
    case BlockError::kBadHeight: return "bad_height";
    case BlockError::kBadPrevHash: return "bad_prev_hash";
    case BlockError::kBadTime: return "bad_time";
    case BlockError::kBadTxRoot: return "bad_tx_root";
    case BlockError::kBadStateRoot: return "bad_state_root";
    case BlockError::kBadRegistryRoot: return "bad_registry_root";
    case BlockError::kBadCommittee: return "bad_committee";
    case BlockError::kBadLastCommit: return "bad_last_commit";
    case BlockError::kTooManyTxs: return "too_many_txs";
    case BlockError::kTooLarge: return "too_large";
    case BlockError::kBadTx: return "bad_tx";
    case BlockError::kBadProposer: return "bad_proposer";
  }
  return "unknown";
}

Fault fault_of(const Status& s) {
  const int c = s.code();
  return c >= kBlockErrorBase && c <= static_cast<int>(BlockError::kLastBlockError)
             ? Fault::kInvalid
             : Fault::kLocal;
}

std::vector<PubKey> Executor::committee(const ChainState& state, Height h) const {
  const std::vector<PubKey>* c = state.committee(h, genesis_.params.epoch_blocks);
  return c ? *c : std::vector<PubKey>{};
}

std::vector<PubKey> Executor::committee_after(const StateView& view, const ChainState& state,
                                              const BlockHeader& h) const {
  if (!is_epoch_last(h.height, genesis_.params.epoch_blocks)) return committee(state, h.height);
  std::vector<PubKey> eligible;
  for (const ServiceNode& sn : view.registry.all())  // once per epoch: O(n) is fine
    if (committee_eligible(sn, registry_params_, h.time_ms)) eligible.push_back(sn.pubkey);
  if (eligible.empty()) {  // carry over (see executor.h), without deregistered members
    std::vector<PubKey> previous = committee(state, h.height);
    std::vector<PubKey> kept;
    for (const PubKey& pk : previous) {
      const std::optional<ServiceNode> sn = view.registry.get(pk);
      if (sn && !sn->is_deregistered()) kept.push_back(pk);
    }
    return kept.empty() ? previous : kept;
  }
  return select_committee(std::move(eligible), genesis_.params.committee_size, h.prev_hash);
}

void advance_state(ChainState& state, const Block& block, const Hash& block_hash,
                   ExecutedBlock&& executed) {
  state.accounts.apply(executed.changes, executed.accounts_update);
  state.registry.apply(executed.registry_changes, executed.registry_update);
  state.height = block.header.height;
  state.time_ms = block.header.time_ms;
  if (executed.next_committee)
    state.committees.insert_or_assign(executed.next_committee->first,
                                      std::move(executed.next_committee->second));
  remember_block_hash(state.recent_hashes, block.header.height, block_hash);
}

ChainState Executor::genesis_state() const {
  ChainState s;
  s.time_ms = genesis_.genesis_time_ms;
  s.committees[0] = genesis_committee_;
  for (const auto& a : genesis_.accounts) s.accounts.load(a.pubkey, Account{a.balance, 0});
  s.accounts.rebuild();
  std::vector<GenesisStake> stakes;
  for (const auto& sn : genesis_.service_nodes)
    stakes.push_back(GenesisStake{sn.pubkey, sn.operator_key, sn.stake});
  // Swarms of the genesis nodes are seeded with the chain id (there is no parent block).
  s.registry.apply(genesis_registry(registry_params_, stakes, chain_id_, genesis_.genesis_time_ms));
  return s;
}

namespace {

// Names end_block's payouts (staking_rules.h: the stakes of the expiring nodes, ascending by
// pubkey, each non-zero contributor in order; then the reward split of the node paid). The
// amounts and accounts are the payouts' own, so the events add up to exactly what was credited;
// `before` (the block's registry changes before end_block) gives each expiring node's record
// as it was and tells the paid node by its rewards_earned.
std::vector<AccountEvent> payout_events(const RegistryView& registry, const RegistryChanges& before,
                                        const std::vector<Payout>& payouts) {
  const RegistryState& base = registry.base();
  const auto prior = [&](const PubKey& pk) -> std::optional<ServiceNode> {
    if (auto it = before.find(pk); it != before.end()) return it->second;
    if (const ServiceNode* sn = base.get(pk)) return *sn;
    return std::nullopt;
  };
  std::vector<AccountEvent> events;
  events.reserve(payouts.size());
  std::size_t next = 0;
  std::optional<PubKey> paid;
  for (const auto& [pk, now] : registry.changes()) {  // a std::map: ascending by pubkey
    const std::optional<ServiceNode> was = prior(pk);
    if (!was) continue;
    if (now) {
      if (now->rewards_earned != was->rewards_earned) paid = pk;
      continue;
    }
    const StakeReturnCause cause =
        was->is_deregistered() ? StakeReturnCause::kDeregistration : StakeReturnCause::kUnlock;
    for (const Contributor& c : was->contributors) {
      if (c.amount == Amount() || next >= payouts.size()) continue;
      const Payout& p = payouts[next++];
      events.push_back({p.address, AccountEventKind::kStakeReturned, p.amount, pk, cause});
    }
  }
  for (; next < payouts.size(); ++next)
    events.push_back({payouts[next].address, AccountEventKind::kReward, payouts[next].amount,
                      paid.value_or(PubKey()), StakeReturnCause::kNone});
  return events;
}

}  // namespace

bool Executor::finish_block(StateView& view, const BlockHeader& h,
                            std::vector<LivenessChange>& liveness,
                            std::vector<AccountEvent>& events) const {
  // The block's state_change verdicts first (they ran with its txs), then proof age.
  liveness = std::move(view.liveness);
  for (LivenessChange& c : apply_liveness(view.registry, registry_params_, h.height, h.time_ms))
    liveness.push_back(std::move(c));
  const RegistryChanges before_end = view.registry.changes();
  std::vector<Payout> payouts;
  end_block(view.registry, registry_params_, h.height, h.prev_hash, payouts);
  for (const auto& p : payouts)
    if (!view.credit(p.address, p.amount)) return false;
  events = payout_events(view.registry, before_end, payouts);
  // Activations and expiries, read off the block's registry changes (logs and metrics only).
  const RegistryState& base = view.registry.base();
  for (const auto& [pk, now] : view.registry.changes()) {
    const ServiceNode* was = base.get(pk);
    if (!now && was)
      liveness.push_back({pk, LivenessEvent::kExpired,
                          std::string(was->is_deregistered() ? "deregistration lock ended"
                                                             : "unlock completed") +
                              ": stakes returned to " + std::to_string(was->contributors.size()) +
                              " contributor(s)"});
    else if (now && now->is_active() && (!was || was->state == NodeState::kAwaiting))
      liveness.push_back({pk, LivenessEvent::kActivated, "fully staked"});
  }
  return true;
}

ExecutedBlock Executor::executed(StateView& view, const ChainState& state) const {
  ExecutedBlock out;
  out.changes = view.take_changes();
  out.accounts_update = state.accounts.prepare(out.changes);
  out.registry_changes = view.registry.take_changes();
  out.registry_update = state.registry.prepare(out.registry_changes);
  return out;
}

Block Executor::genesis_block(const ChainState& state) const {
  Block b;
  b.header.height = Height(0);
  b.header.time_ms = genesis_.genesis_time_ms;
  b.header.tx_root = merkle_empty_root();
  b.header.state_root = state.accounts.root();
  b.header.registry_root = state.registry.root();
  b.header.committee_hash = committee_hash(genesis_committee_);
  b.header.next_committee_hash = b.header.committee_hash;
  // prev_hash carries the chain id, so the genesis block hash commits to the genesis file.
  b.header.prev_hash = chain_id_;
  return b;
}

namespace {
constexpr std::size_t kSignaturesPerThread = 64;  // fewer per runner are not worth a hand-off
}  // namespace

std::optional<std::size_t> Executor::first_bad_signature(std::span<const Tx> txs,
                                                         SigCache* cache) const {
  std::vector<SigCheck> checks;
  checks.reserve(txs.size());
  for (const Tx& tx : txs) checks.push_back({&tx.sender, tx.signing_hash(), &tx.signature});
  // A block of txs this node admitted before is a run of cache lookups: no pool hand-off.
  const std::vector<uint8_t> valid = verify_signatures(cache, checks, kSignaturesPerThread);
  for (std::size_t i = 0; i < txs.size(); ++i)
    if (!valid[i]) return i;
  return std::nullopt;
}

Expected<ExecutedBlock> Executor::validate(const ChainState& state, const BlockHeader& parent,
                                           const std::optional<CommitCertificate>& parent_cert,
                                           const Block& block, bool signatures_checked,
                                           SigCache* cache) const {
  const BlockHeader& h = block.header;
  if (h.height != parent.height.next())
    return fail(BlockError::kBadHeight, "block height " + h.height.to_string() + " does not follow " +
                                            parent.height.to_string());
  if (h.prev_hash != parent.hash())
    return fail(BlockError::kBadPrevHash, "block does not build on the tip");
  if (h.time_ms <= parent.time_ms)
    return fail(BlockError::kBadTime, "block time is not after its parent's");
  if (block.txs.size() > params().max_block_txs)
    return fail(BlockError::kTooManyTxs, "block has too many transactions");
  if (block.to_bytes().size() > params().max_block_bytes)
    return fail(BlockError::kTooLarge, "block exceeds max_block_bytes");
  const std::vector<PubKey> members = committee(state, h.height);
  if (h.committee_hash != committee_hash(members))
    return fail(BlockError::kBadCommittee, "block names the wrong committee");
  if (std::find(members.begin(), members.end(), h.proposer) == members.end())
    return fail(BlockError::kBadProposer, "block proposer is not in the committee");
  // The parent's certificate: absent only for the child of genesis.
  if (parent.height.value == 0) {
    if (block.last_commit || !h.last_commit_hash.is_zero())
      return fail(BlockError::kBadLastCommit, "block 1 must not carry a last commit");
  } else {
    if (!block.last_commit)
      return fail(BlockError::kBadLastCommit, "block lacks its parent's commit certificate");
    if (h.last_commit_hash != block.last_commit->hash())
      return fail(BlockError::kBadLastCommit, "last_commit_hash does not match last commit");
    if (Status s = verify_certificate(*block.last_commit, chain_id_, parent.height, parent.hash(),
                                      committee(state, parent.height), cache);
        !s)
      return fail(BlockError::kBadLastCommit, "last commit: " + s.message());
    (void)parent_cert;
  }
  if (h.tx_root != block.compute_tx_root())
    return fail(BlockError::kBadTxRoot, "tx_root does not match the transactions");
  if (!signatures_checked) {
    if (auto bad = first_bad_signature(block.txs, cache))
      return fail(BlockError::kBadTx, "tx " + std::to_string(*bad) + ": bad signature");
  }
  StateView view(state);
  for (std::size_t i = 0; i < block.txs.size(); ++i) {
    const Tx& tx = block.txs[i];
    Status s = check_tx_stateless(tx, chain_id_, cache);
    if (s)
      s = apply_tx(view, tx,
                   TxEnv{chain_id_, registry_params_, h.height, uint32_t(i), h.time_ms, cache});
    if (!s)
      return fail(BlockError::kBadTx, "tx " + std::to_string(i) + " (" + to_hex(tx.id()) + ", " +
                                          tx_type_name(tx.type()) + ") refused: " +
                                          tx_rejection_name(s.code()) + ": " + s.message());
  }
  std::vector<LivenessChange> liveness;
  std::vector<AccountEvent> events;
  if (!finish_block(view, h, liveness, events))
    return fail(BlockError::kBadTx, "a reward or returned stake overflows an account balance");
  std::vector<PubKey> next = committee_after(view, state, h);
  if (h.next_committee_hash != committee_hash(next))
    return fail(BlockError::kBadCommittee, "block names the wrong next committee");
  ExecutedBlock out = executed(view, state);
  out.liveness = std::move(liveness);
  out.events = std::move(events);
  out.stats = block_stats_after(state.registry, out.registry_changes, h.time_ms,
                                block.txs.size(), out.events);
  if (is_epoch_last(h.height, params().epoch_blocks))
    out.next_committee.emplace(epoch_of(h.height.next(), params().epoch_blocks), std::move(next));
  if (out.state_root() != h.state_root)
    return fail(BlockError::kBadStateRoot, "state_root does not match the executed state");
  if (out.registry_root() != h.registry_root)
    return fail(BlockError::kBadRegistryRoot, "registry_root does not match the executed registry");
  return out;
}

Executor::Built Executor::build(const ChainState& state, const BlockHeader& parent,
                                const std::optional<CommitCertificate>& parent_cert,
                                std::span<const Tx> candidates, uint64_t time_ms,
                                const PubKey& proposer, SigCache* cache) const {
  Built out;
  Block& b = out.block;
  b.header.height = parent.height.next();
  b.header.prev_hash = parent.hash();
  b.header.time_ms = std::max(time_ms, parent.time_ms + 1);
  b.header.proposer = proposer;
  b.header.committee_hash = committee_hash(committee(state, b.header.height));
  if (parent.height.value > 0 && parent_cert) {
    b.last_commit = parent_cert;
    b.header.last_commit_hash = parent_cert->hash();
  }
  StateView view(state);
  // Header + certificate + a margin; each tx adds its length prefix and bytes.
  std::size_t bytes = 1024 + (parent_cert ? encode(*parent_cert).size() : 0);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Tx& tx = candidates[i];
    if (b.txs.size() >= params().max_block_txs) break;
    std::size_t size = tx.to_bytes().size() + 4;
    if (bytes + size > params().max_block_bytes) break;
    Status s = check_tx_stateless(tx, chain_id_, cache);
    if (s)
      s = apply_tx(view, tx,
                   TxEnv{chain_id_, registry_params_, b.header.height, uint32_t(b.txs.size()),
                         b.header.time_ms, cache});
    if (!s) {
      out.skipped.push_back(i);
      continue;
    }
    bytes += size;
    b.txs.push_back(tx);
  }
  b.header.tx_root = b.compute_tx_root();
  // Payouts cannot overflow in practice (total supply is far below 2^64); if one did, the
  // block is built without end-of-block effects and validate() refuses it, loudly.
  std::vector<LivenessChange> liveness;
  std::vector<AccountEvent> events;
  (void)finish_block(view, b.header, liveness, events);
  std::vector<PubKey> next = committee_after(view, state, b.header);
  b.header.next_committee_hash = committee_hash(next);
  out.executed = executed(view, state);
  out.executed.liveness = std::move(liveness);
  out.executed.events = std::move(events);
  out.executed.stats = block_stats_after(state.registry, out.executed.registry_changes,
                                         b.header.time_ms, b.txs.size(), out.executed.events);
  if (is_epoch_last(b.header.height, params().epoch_blocks))
    out.executed.next_committee.emplace(epoch_of(b.header.height.next(), params().epoch_blocks),
                                        std::move(next));
  b.header.state_root = out.executed.state_root();
  b.header.registry_root = out.executed.registry_root();
  return out;
}

}  // namespace swarmchain

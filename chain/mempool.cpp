#include "chain/mempool.h"

#include <algorithm>
#include <queue>
#include <string>
#include <utility>

#include "common/hex.h"
#include "common/parallel.h"

namespace swarmchain {

namespace {

// The smallest fee that may replace a pending tx paying `old`: a raise of at least 10%
// (rounded up) and of at least one atomic unit. Without the raise, a sender could make every
// node re-verify and re-relay the same (sender, nonce) for free, over and over.
std::optional<Amount> min_replacement_fee(Amount old) {
  const uint64_t raise = std::max<uint64_t>(1, old.atomic() / 10 + (old.atomic() % 10 != 0));
  return old.checked_add(Amount(raise));
}

// Signatures per thread: one ed25519 verification costs about as much as starting a thread.
constexpr std::size_t kSignaturesPerThread = 16;

// What a free tx is about: the proving node, the offender of the evidence, or the node a
// state_change judges.
PubKey free_subject(const Tx& tx) {
  if (const auto* e = std::get_if<EvidencePayload>(&tx.payload)) return e->first.validator;
  if (const auto* c = std::get_if<StateChangePayload>(&tx.payload)) return c->sn_pubkey;
  return tx.sender;
}

}  // namespace

Mempool::Mempool(Hash chain_id, MempoolLimits limits, RegistryParams registry,
                 SigCache* sig_cache)
    : chain_id_(chain_id), limits_(limits), registry_(registry), sig_cache_(sig_cache) {}

// The block rules as the next block (committed.height + 1) would apply them. Registry rules
// that depend on the tx's position (reward-queue index) do not refuse anything.
TxEnv Mempool::env(const ChainState& committed) const {
  return TxEnv{chain_id_, registry_, committed.height.next(), 0, committed.time_ms, sig_cache_};
}

namespace {
Status bad_signature() {
  return Status::error(TxError::kBadSignature, "signature does not verify for the sender");
}
}  // namespace

Status Mempool::precheck(const Tx& tx) const { return prepare_unlocked(tx, true).status; }

Expected<TxId> Mempool::add(const Tx& tx, const ChainState& committed) {
  return std::move(add_batch(std::span<const Tx>(&tx, 1), committed).front());
}

std::vector<Expected<TxId>> Mempool::add_batch(std::span<const Tx> txs,
                                               const ChainState& committed) {
  // Hashing, stateless rules and signatures in parallel, without the lock.
  // The stateless rules on this thread; then the signatures as one batch: those in the
  // signature cache (txs prechecked on arrival) are lookups here, the rest go to the pool.
  std::vector<Prepared> prepared(txs.size());
  std::vector<SigCheck> checks;
  std::vector<std::size_t> checked;  // checks[k] is txs[checked[k]]'s
  for (std::size_t i = 0; i < txs.size(); ++i) {
    prepared[i] = prepare_unlocked(txs[i], /*check_signature=*/false);
    if (!prepared[i].status) continue;
    checks.push_back({&txs[i].sender, txs[i].signing_hash(), &txs[i].signature});
    checked.push_back(i);
  }
  const std::vector<uint8_t> valid = verify_signatures(sig_cache_, checks, kSignaturesPerThread);
  for (std::size_t k = 0; k < checked.size(); ++k)
    if (!valid[k]) prepared[checked[k]].status = bad_signature();

  std::vector<Expected<TxId>> out;
  out.reserve(txs.size());
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < txs.size(); ++i) out.push_back(admit_locked(txs[i], prepared[i], committed));
  return out;
}

Mempool::Prepared Mempool::prepare_unlocked(const Tx& tx, bool check_signature) const {
  Prepared p;
  p.size = tx.to_bytes().size();
  p.id = tx.id();
  const std::size_t limit = std::min(kMaxTxBytes, limits_.max_bytes);
  if (p.size > limit) {
    p.status = Status::error(TxError::kTooLarge, "transaction is " + std::to_string(p.size) +
                                                     " bytes, the mempool limit is " +
                                                     std::to_string(limit));
    return p;
  }
  if (Status s = check_tx_stateless(tx, chain_id_, sig_cache_); !s) {
    p.status = std::move(s);
    return p;
  }
  if (!tx.is_free() && tx.fee < limits_.min_fee) {
    p.status = Status::error(TxError::kFeeTooLow, "fee " + tx.fee.to_string() +
                                                      " is below the mempool minimum " +
                                                      limits_.min_fee.to_string());
    return p;
  }
  if (!tx.total_cost()) {
    p.status = Status::error(TxError::kAmountOverflow, "amount + fee overflows");
    return p;
  }
  if (check_signature && !verify_signature(sig_cache_, tx.sender, tx.signing_hash(), tx.signature))
    p.status = bad_signature();
  return p;
}

Expected<TxId> Mempool::admit_locked(const Tx& tx, const Prepared& p,
                                     const ChainState& committed) {
  if (!p.status) return unexpected(p.status);
  if (tx.is_free()) return admit_free_locked(tx, p, committed);
  if (by_id_.contains(p.id))
    return fail(TxError::kDuplicate, "transaction " + to_hex(p.id) + " is already in the mempool");

  const uint64_t base = committed.accounts.get(tx.sender).value_or(Account{}).nonce;
  if (auto sit = by_sender_.find(tx.sender);
      sit != by_sender_.end() && sit->second.begin()->first < base)
    recheck_sender_locked(tx.sender, committed);  // the caller's state is newer than ours
  if (tx.nonce < base)
    return fail(TxError::kNonceTooLow, "nonce " + std::to_string(tx.nonce) +
                                           " too low: account nonce is " + std::to_string(base));

  static const SenderTxs kNone;
  const auto sit = by_sender_.find(tx.sender);
  const SenderTxs& pending = sit == by_sender_.end() ? kNone : sit->second;
  if (!pending.empty() && pending.begin()->first != base)
    return fail(TxError::kNonceTooHigh,
                "account nonce is " + std::to_string(base) + " but pending txs start at nonce " +
                    std::to_string(pending.begin()->first) +
                    " (the node's state is behind its mempool); retry");
  const uint64_t next = base + pending.size();
  if (tx.nonce > next)
    return fail(TxError::kNonceTooHigh,
                "nonce " + std::to_string(tx.nonce) + " too high: expected at most " +
                    std::to_string(next) + " (account nonce " + std::to_string(base) + " + " +
                    std::to_string(pending.size()) + " pending; txs must not leave a gap)");

  // The block rules, as if the sender's earlier pending txs were already in a block.
  StateView view(committed);
  for (auto it = pending.begin(); it != pending.end() && it->first < tx.nonce; ++it) {
    if (Status s = apply_tx(view, it->second.tx, env(committed)); !s)  // only if the pool is inconsistent
      return fail(s.code_as<TxError>(), "pending tx with nonce " + std::to_string(it->first) +
                                            " does not apply: " + s.message());
  }

  const bool replacing = tx.nonce < next;
  std::size_t old_size = 0;
  if (replacing) {
    const Entry& old = pending.at(tx.nonce);
    const auto min_fee = min_replacement_fee(old.tx.fee);
    if (!min_fee || tx.fee < *min_fee)
      return fail(TxError::kFeeTooLow,
                  "replacement fee must be at least " +
                      (min_fee ? min_fee->to_string() : std::string("more than the maximum")) +
                      " (the pending tx with nonce " + std::to_string(tx.nonce) + " pays " +
                      old.tx.fee.to_string() + ")");
    old_size = old.size;
  }
  if (Status s = apply_tx(view, tx, env(committed)); !s) return unexpected(std::move(s));

  if (!replacing) {
    if (Status s = make_room_locked(tx.sender, tx.fee, p.size); !s) return unexpected(std::move(s));
    const auto old_last = last_key_locked(tx.sender);
    insert_locked(tx, p.id, p.size);
    refresh_evict_key_locked(tx.sender, old_last);
    return p.id;
  }

  // Replace-by-fee. Replacing never adds a tx; it only needs room for a larger encoding.
  if (p.size > old_size && bytes_ - old_size + p.size > limits_.max_bytes)
    return fail(TxError::kMempoolFull, "mempool is full: no room for a larger replacement");
  const auto old_last = last_key_locked(tx.sender);
  SenderTxs& txs = by_sender_.at(tx.sender);
  erase_locked(txs, txs.find(tx.nonce));
  insert_locked(tx, p.id, p.size);
  // The later txs must still apply after the new one; from the first that does not, drop it
  // and everything after it (they would otherwise wait on a missing nonce forever).
  auto it = txs.upper_bound(tx.nonce);
  while (it != txs.end() && apply_tx(view, it->second.tx, env(committed))) ++it;
  while (it != txs.end()) it = erase_locked(txs, it);
  refresh_evict_key_locked(tx.sender, old_last);
  return p.id;
}

Expected<TxId> Mempool::admit_free_locked(const Tx& tx, const Prepared& p,
                                          const ChainState& committed) {
  if (free_ids_.contains(p.id))
    return fail(TxError::kDuplicate, "transaction " + to_hex(p.id) + " is already in the mempool");
  const FreeKey key{tx.type(), free_subject(tx)};
  const auto old = free_.find(key);
  if (old != free_.end()) {
    if (tx.type() == TxType::kEvidence)
      return fail(TxError::kDuplicate,
                  "evidence against " + to_hex(key.second) + " is already in the mempool");
    if (tx.type() == TxType::kStateChange)
      return fail(TxError::kDuplicate,
                  "a state_change of " + to_hex(key.second) + " is already in the mempool");
    const auto& pending = std::get<UptimeProofPayload>(old->second.tx.payload);
    if (std::get<UptimeProofPayload>(tx.payload).time_ms <= pending.time_ms)
      return fail(TxError::kDuplicate, "a proof of " + to_hex(key.second) +
                                           " at least as new is already in the mempool");
  }
  StateView view(committed);
  if (Status s = apply_tx(view, tx, env(committed)); !s) return unexpected(std::move(s));
  const std::size_t old_size = old == free_.end() ? 0 : old->second.size;
  const std::size_t count = by_id_.size() + free_ids_.size() + (old == free_.end() ? 1 : 0);
  if (count > limits_.max_count || bytes_ - old_size + p.size > limits_.max_bytes)
    return fail(TxError::kMempoolFull, "mempool is full (" + std::to_string(size_unlocked()) +
                                           " txs, " + std::to_string(bytes_) + " bytes)");
  if (old != free_.end()) {
    free_ids_.erase(old->second.id);
    bytes_ -= old_size;
    free_.erase(old);
  }
  free_[key] = Entry{tx, p.id, p.size, next_seq_++};
  free_ids_[p.id] = key;
  bytes_ += p.size;
  return p.id;
}

void Mempool::recheck_free_locked(const ChainState& state) {
  for (auto it = free_.begin(); it != free_.end();) {
    StateView view(state);
    if (apply_tx(view, it->second.tx, env(state))) {
      ++it;
      continue;
    }
    free_ids_.erase(it->second.id);
    bytes_ -= it->second.size;
    it = free_.erase(it);
  }
}

Status Mempool::make_room_locked(const PubKey& sender, Amount fee, std::size_t size) {
  std::size_t count = by_id_.size() + free_ids_.size();
  std::size_t bytes = bytes_;
  auto full = [&] { return count + 1 > limits_.max_count || bytes + size > limits_.max_bytes; };
  if (!full()) return Status::ok();

  // Dry run: choose every victim before removing any, so that a refusal changes nothing.
  // A victim's predecessor becomes its sender's last tx, hence evictable in turn (`promoted`).
  std::vector<EvictKey> victims;
  std::set<EvictKey> promoted;
  auto global = evictable_.begin();
  while (full()) {
    while (global != evictable_.end() && global->sender == sender) ++global;
    const EvictKey* pick = nullptr;
    bool from_global = false;
    if (global != evictable_.end()) {
      pick = &*global;
      from_global = true;
    }
    if (!promoted.empty() && (!pick || *promoted.begin() < *pick)) {
      pick = &*promoted.begin();
      from_global = false;
    }
    if (!pick || !(pick->fee < fee))
      return Status::error(
          TxError::kMempoolFull,
          "mempool is full (" + std::to_string(size_unlocked()) + " txs, " +
              std::to_string(bytes_) + " bytes)" +
              (pick ? "; the fee must exceed " + pick->fee.to_string() +
                          ", the lowest fee that can be evicted"
                    : std::string("; no tx can be evicted")));
    const EvictKey victim = *pick;
    if (from_global) {
      ++global;
    } else {
      promoted.erase(promoted.begin());
    }
    victims.push_back(victim);
    const SenderTxs& txs = by_sender_.at(victim.sender);
    const Entry& e = txs.at(victim.nonce);
    count -= 1;
    bytes -= e.size;
    if (victim.nonce > txs.begin()->first) {
      const Entry& prev = txs.at(victim.nonce - 1);
      promoted.insert(EvictKey{prev.tx.fee, prev.seq, victim.sender, victim.nonce - 1});
    }
  }
  // Victims come in the order they became their sender's last tx: each is the last when erased.
  for (const EvictKey& v : victims) {
    const auto old_last = last_key_locked(v.sender);
    SenderTxs& txs = by_sender_.at(v.sender);
    erase_locked(txs, txs.find(v.nonce));
    refresh_evict_key_locked(v.sender, old_last);
  }
  return Status::ok();
}

void Mempool::insert_locked(const Tx& tx, const TxId& id, std::size_t size) {
  by_sender_[tx.sender][tx.nonce] = Entry{tx, id, size, next_seq_++};
  by_id_[id] = {tx.sender, tx.nonce};
  bytes_ += size;
}

Mempool::SenderTxs::iterator Mempool::erase_locked(SenderTxs& txs, SenderTxs::iterator it) {
  by_id_.erase(it->second.id);
  bytes_ -= it->second.size;
  return txs.erase(it);
}

std::optional<Mempool::EvictKey> Mempool::last_key_locked(const PubKey& sender) const {
  auto sit = by_sender_.find(sender);
  if (sit == by_sender_.end() || sit->second.empty()) return std::nullopt;
  const auto& [nonce, e] = *sit->second.rbegin();
  return EvictKey{e.tx.fee, e.seq, sender, nonce};
}

void Mempool::refresh_evict_key_locked(const PubKey& sender,
                                       const std::optional<EvictKey>& old_last) {
  if (old_last) evictable_.erase(*old_last);
  auto sit = by_sender_.find(sender);
  if (sit == by_sender_.end()) return;
  if (sit->second.empty()) {
    by_sender_.erase(sit);
    return;
  }
  evictable_.insert(*last_key_locked(sender));
}

void Mempool::recheck_sender_locked(const PubKey& sender, const ChainState& state) {
  auto sit = by_sender_.find(sender);
  if (sit == by_sender_.end()) return;
  const auto old_last = last_key_locked(sender);
  SenderTxs& txs = sit->second;
  const Account account = state.accounts.get(sender).value_or(Account{});
  auto it = txs.begin();
  while (it != txs.end() && it->first < account.nonce) it = erase_locked(txs, it);  // stale
  // If the first pending nonce is above the account's, the state is behind the pool: its
  // verdict on the rest would be wrong, so they stay.
  if (it != txs.end() && it->first == account.nonce) {
    StateView view(state);
    while (it != txs.end() && apply_tx(view, it->second.tx, env(state))) ++it;
    while (it != txs.end()) it = erase_locked(txs, it);
  }
  refresh_evict_key_locked(sender, old_last);
}

std::vector<Tx> Mempool::select(std::size_t max_txs, std::size_t max_bytes) const {
  using Cursor = std::pair<SenderTxs::const_iterator, SenderTxs::const_iterator>;  // (it, end)
  // Lower priority: lower fee, then later arrival. priority_queue pops the highest.
  auto lower = [](const Cursor& a, const Cursor& b) {
    const Entry& x = a.first->second;
    const Entry& y = b.first->second;
    if (x.tx.fee != y.tx.fee) return x.tx.fee < y.tx.fee;
    return x.seq > y.seq;
  };
  std::vector<Tx> out;
  std::lock_guard lock(mu_);
  std::size_t used = 0;
  for (const auto& [key, e] : free_) {
    if (out.size() >= max_txs) break;
    if (used + e.size > max_bytes) continue;
    used += e.size;
    out.push_back(e.tx);
  }
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(lower)> heads(lower);
  for (const auto& [sender, txs] : by_sender_) heads.push({txs.begin(), txs.end()});
  while (out.size() < max_txs && !heads.empty()) {
    Cursor c = heads.top();
    heads.pop();
    const Entry& e = c.first->second;
    if (used + e.size > max_bytes) continue;  // this sender is done: its next tx would gap
    used += e.size;
    out.push_back(e.tx);
    if (++c.first != c.second) heads.push(c);
  }
  return out;
}

std::vector<Tx> Mempool::pending() const {
  std::vector<Tx> out;
  std::lock_guard lock(mu_);
  out.reserve(size_unlocked());
  for (const auto& [key, e] : free_) out.push_back(e.tx);
  for (const auto& [sender, txs] : by_sender_)
    for (const auto& [nonce, e] : txs) out.push_back(e.tx);
  return out;
}

void Mempool::on_block_committed(const std::vector<Tx>& included, const ChainState& new_state) {
  std::vector<std::pair<TxId, PubKey>> ids;  // hashed before the lock
  ids.reserve(included.size());
  for (const Tx& tx : included) ids.emplace_back(tx.id(), tx.sender);

  std::lock_guard lock(mu_);
  std::set<PubKey> affected;
  for (const auto& [id, sender] : ids) {
    if (auto f = free_ids_.find(id); f != free_ids_.end()) {
      auto e = free_.find(f->second);
      bytes_ -= e->second.size;
      free_.erase(e);
      free_ids_.erase(f);
      continue;
    }
    affected.insert(sender);
    auto found = by_id_.find(id);
    if (found == by_id_.end()) continue;
    const auto [owner, nonce] = found->second;
    const auto old_last = last_key_locked(owner);
    SenderTxs& txs = by_sender_.at(owner);
    erase_locked(txs, txs.find(nonce));
    refresh_evict_key_locked(owner, old_last);
  }
  // Only a sender's own txs lower its balance or raise its nonce, so the senders of the block
  // are the ones to re-check. The sweep also catches a nonce that moved without us seeing the
  // block (a missed notification): O(senders) lookups, no apply unless something is stale.
  for (const auto& [sender, txs] : by_sender_) {
    if (affected.contains(sender)) continue;
    if (txs.begin()->first < new_state.accounts.get(sender).value_or(Account{}).nonce) affected.insert(sender);
  }
  for (const PubKey& sender : affected) recheck_sender_locked(sender, new_state);
  recheck_free_locked(new_state);
}

std::size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return size_unlocked();
}

std::size_t Mempool::clear() {
  std::lock_guard lock(mu_);
  const std::size_t n = size_unlocked();
  by_sender_.clear();
  by_id_.clear();
  evictable_.clear();
  free_.clear();
  free_ids_.clear();
  bytes_ = 0;
  return n;
}

std::size_t Mempool::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

bool Mempool::contains(const TxId& id) const {
  std::lock_guard lock(mu_);
  return by_id_.contains(id) || free_ids_.contains(id);
}

std::optional<Tx> Mempool::get(const TxId& id) const {
  std::lock_guard lock(mu_);
  if (auto f = free_ids_.find(id); f != free_ids_.end()) return free_.at(f->second).tx;
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return std::nullopt;
  return by_sender_.at(found->second.first).at(found->second.second).tx;
}

std::optional<TxId> Mempool::pending_registration(const PubKey& sn) const {
  std::lock_guard lock(mu_);
  for (const auto& [sender, txs] : by_sender_)
    for (const auto& [nonce, e] : txs)
      if (const auto* r = std::get_if<RegisterNodePayload>(&e.tx.payload);
          r && r->registration.sn_pubkey == sn)
        return e.id;
  return std::nullopt;
}

// committed nonce + pending count. Written as max(committed, last pending + 1) so that stale
// entries (state newer than the pool) or a state behind the pool still give a usable nonce.
uint64_t Mempool::next_nonce(const PubKey& sender, const ChainState& committed) const {
  const uint64_t base = committed.accounts.get(sender).value_or(Account{}).nonce;
  std::lock_guard lock(mu_);
  auto sit = by_sender_.find(sender);
  if (sit == by_sender_.end()) return base;
  return std::max(base, sit->second.rbegin()->first + 1);
}

Mempool::PendingFlow Mempool::pending_flow(const PubKey& account,
                                           const ChainState& committed) const {
  // Sums saturate: a pool's total cannot pass u64 (admission checks each sender's balance).
  const auto add = [](Amount a, Amount b) { return a.checked_add(b).value_or(Amount(UINT64_MAX)); };
  PendingFlow flow;
  std::lock_guard lock(mu_);
  for (const auto& [sender, txs] : by_sender_) {
    // A tx below the sender's committed nonce is in `committed` already: the block that holds
    // it was applied and the pool is told just after. Counting it would show it twice.
    const uint64_t applied_below = committed.accounts.get(sender).value_or(Account{}).nonce;
    for (const auto& [nonce, e] : txs) {
      if (nonce < applied_below) continue;
      if (sender == account) {
        flow.out = add(flow.out, e.tx.total_cost().value_or(Amount(UINT64_MAX)));
        ++flow.out_txs;
      }
      const auto* t = std::get_if<TransferPayload>(&e.tx.payload);
      if (t && t->to == account) {
        flow.in = add(flow.in, t->amount);
        ++flow.in_txs;
      }
    }
  }
  return flow;
}

// Rule: while the pool is at most half full (by count and by bytes), min_fee: anything
// admissible is admitted and, with the pool this empty, selected soon. Beyond half full, the
// median fee of the pending txs + 1 atomic unit (upper median, never below min_fee): such a tx
// ranks above at least half of the pool in select(), and eviction, which takes the cheapest
// evictable txs first, reaches it only after them. Recomputed on each call (O(n)); it is an
// RPC answer, not a hot path.
Amount Mempool::fee_estimate() const {
  std::lock_guard lock(mu_);
  const std::size_t n = by_id_.size();
  if (2 * n <= limits_.max_count && 2 * bytes_ <= limits_.max_bytes) return limits_.min_fee;
  std::vector<uint64_t> fees;
  fees.reserve(n);
  for (const auto& [sender, txs] : by_sender_)
    for (const auto& [nonce, e] : txs) fees.push_back(e.tx.fee.atomic());
  auto mid = fees.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(fees.begin(), mid, fees.end());
  const Amount above = Amount(*mid).checked_add(Amount(1)).value_or(Amount(*mid));
  return std::max(above, limits_.min_fee);
}

}  // namespace swarmchain

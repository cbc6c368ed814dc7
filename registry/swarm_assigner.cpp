#include "registry/swarm_assigner.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "registry/swarm_rng.h"

namespace swarmchain {

namespace {

struct SizeAndId {
  std::size_t size;
  SwarmId id;
};

void insert_sorted(std::vector<PubKey>& nodes, const PubKey& key) {
  nodes.insert(std::upper_bound(nodes.begin(), nodes.end(), key), key);
}

// One run of design §5.6. The table is the base (never copied, never written) plus `touched_`:
// the members of every swarm the run has changed, copied on first write. `swarms_` is the
// current table's (id, size) list ascending by id, and `excess_` / `small_` are kept up to date
// with it, so the rules' "sum over every swarm" tests cost O(1) and the scans they do need
// (sorted_sizes, the pools, new_id) run over 16-byte entries instead of the member lists.
// Lives for one call.
class AssignmentRun {
 public:
  // REQUIRES: base normalised (see assign_swarms_diff).
  AssignmentRun(const SwarmTable& base, const Hash& block_hash, const SwarmParams& p)
      : base_(base), rng_(block_hash), min_(p.min_swarm_size), ideal_(p.ideal_swarm_size) {
    swarms_.reserve(base.size() + 1);
    for (const auto& [id, nodes] : base) {
      swarms_.push_back({id, nodes.size()});
      count_in(nodes.size());
    }
  }

  // remove_from_swarms for one node, before run(): takes `key` out of swarm `id` (if it is
  // there) and drops the swarm if it empties.
  void remove(SwarmId id, const PubKey& key) {
    const std::size_t pos = position_of(id);
    if (pos == swarms_.size()) return;
    std::vector<PubKey>& nodes = members(id);
    const auto it = std::lower_bound(nodes.begin(), nodes.end(), key);
    if (it == nodes.end() || *it != key) return;
    nodes.erase(it);
    if (nodes.empty()) {
      erase_swarm(pos);
    } else {
      resize(pos, nodes.size());
    }
  }

  SwarmTableDiff run(std::vector<PubKey> unassigned) && {
    if (swarms_.empty()) add_swarm(SwarmId{0}, {});  // step 0
    assign(std::move(unassigned), 25);               // step 1
    fill();                                          // step 2
    (void)split();                                   // step 3
    dissolve();                                      // step 4
    // Empty swarms are dropped from the output (only step 0's swarm 0 can be empty here).
    SwarmTableDiff out;
    for (auto& [id, nodes] : touched_) {
      const auto b = base_.find(id);
      const bool in_base = b != base_.end();
      if (nodes.empty()) {
        if (in_base) out.emplace(id, std::vector<PubKey>{});
      } else if (!in_base || b->second != nodes) {
        out.emplace(id, std::move(nodes));
      }
    }
    return out;
  }

 private:
  struct IdAndSize {
    SwarmId id;
    std::size_t size;
  };

  // The first entry of swarms_ whose id is not below `id`.
  std::vector<IdAndSize>::iterator lower(SwarmId id) {
    return std::lower_bound(swarms_.begin(), swarms_.end(), id,
                            [](const IdAndSize& e, SwarmId x) { return e.id < x; });
  }
  // Index of swarm `id` in swarms_, or swarms_.size() if there is no such swarm.
  std::size_t position_of(SwarmId id) {
    const auto it = lower(id);
    return it != swarms_.end() && it->id == id ? static_cast<std::size_t>(it - swarms_.begin())
                                               : swarms_.size();
  }

  // The members of a current swarm, for writing: copied from the base on first use.
  std::vector<PubKey>& members(SwarmId id) {
    if (auto it = touched_.find(id); it != touched_.end()) return it->second;
    const auto b = base_.find(id);
    return touched_.emplace(id, b != base_.end() ? b->second : std::vector<PubKey>{})
        .first->second;
  }

  void count_in(std::size_t size) {
    if (size < min_) ++small_; else excess_ += size - min_;
  }
  void count_out(std::size_t size) {
    if (size < min_) --small_; else excess_ -= size - min_;
  }
  void resize(std::size_t pos, std::size_t size) {
    count_out(swarms_[pos].size);
    count_in(size);
    swarms_[pos].size = size;
  }
  void add_swarm(SwarmId id, std::vector<PubKey> nodes) {
    swarms_.insert(lower(id), {id, nodes.size()});
    count_in(nodes.size());
    touched_.insert_or_assign(id, std::move(nodes));
  }
  void erase_swarm(std::size_t pos) {
    count_out(swarms_[pos].size);
    touched_.insert_or_assign(swarms_[pos].id, std::vector<PubKey>{});
    swarms_.erase(swarms_.begin() + static_cast<std::ptrdiff_t>(pos));
  }
  void add_member(SwarmId id, const PubKey& key) {
    std::vector<PubKey>& nodes = members(id);
    insert_sorted(nodes, key);
    resize(position_of(id), nodes.size());
  }

  // Ascending by (size, id); never by size alone (see the header). swarms_ is ascending by id,
  // so a counting sort on size (stable) gives exactly the (size, id) order in O(S).
  std::vector<SizeAndId> sorted_sizes() const {
    std::size_t max_size = 0;
    for (const IdAndSize& e : swarms_) max_size = std::max(max_size, e.size);
    std::vector<std::size_t> start(max_size + 2, 0);
    for (const IdAndSize& e : swarms_) ++start[e.size + 1];
    for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    std::vector<SizeAndId> ss(swarms_.size());
    for (const IdAndSize& e : swarms_) ss[start[e.size]++] = {e.size, e.id};
    return ss;
  }

  // Moves pool(pred)[uniform(|pool|)] out of its swarm and returns it. Equivalent to building
  // the pool list (swarms by ascending id, pubkeys ascending within) and indexing it, without
  // materialising it. REQUIRES: the pool is not empty; pred(size) implies size >= 2, so the
  // donor never empties.
  template <typename SizePred>
  PubKey take_from_pool(SizePred pred) {
    std::size_t pool_size = 0;
    for (const IdAndSize& e : swarms_)
      if (pred(e.size)) pool_size += e.size;
    std::size_t index = rng_.uniform(pool_size);
    for (std::size_t pos = 0; pos < swarms_.size(); ++pos) {
      const IdAndSize e = swarms_[pos];
      if (!pred(e.size)) continue;
      if (index < e.size) {
        std::vector<PubKey>& nodes = members(e.id);
        const auto it = nodes.begin() + static_cast<std::ptrdiff_t>(index);
        PubKey key = *it;
        nodes.erase(it);
        resize(pos, nodes.size());
        return key;
      }
      index -= e.size;
    }
    return PubKey{};  // unreachable while the REQUIRES holds
  }

  std::size_t excess_over(std::size_t threshold) const {
    std::size_t excess = 0;
    for (const IdAndSize& e : swarms_)
      if (e.size > threshold) excess += e.size - min_;
    return excess;
  }

  // Returns whether it added a swarm. excess_ is sum(max(0, size - MIN)) of the current table;
  // it only has to be compared while no swarm is below MIN, and neither the draws (from
  // swarms above MIN) nor the new swarm (IDEAL >= MIN nodes) can make one so.
  bool split() {
    if (small_ > 0) return false;
    bool added = false;
    while (excess_ >= ideal_ + 2 * swarms_.size()) {
      added = true;
      std::vector<SwarmId> ids;
      ids.reserve(swarms_.size());
      for (const IdAndSize& e : swarms_) ids.push_back(e.id);
      const SwarmId id = new_swarm_id(ids);
      std::vector<PubKey> moved;
      moved.reserve(ideal_);
      for (std::size_t i = 0; i < ideal_; ++i)
        moved.push_back(take_from_pool([this](std::size_t size) { return size > min_; }));
      std::sort(moved.begin(), moved.end());
      // new_id is strictly inside a gap >= 2 unless ~2^63 swarms exist, so it is free.
      add_swarm(id, std::move(moved));
    }
    return added;
  }

  // sorted_sizes is recomputed "at every use" by the rules; here it is kept up to date instead
  // (one entry moves when a node joins a swarm, a full rebuild after a split), which gives the
  // same list because (size, id) is a total order. With ~1,400 swarms this turns a sort per
  // joining node into one memmove.
  void assign(std::vector<PubKey> nodes, std::size_t pct) {
    std::sort(nodes.begin(), nodes.end());
    std::vector<SizeAndId> ss = sorted_sizes();
    const auto by_size_then_id = [](const SizeAndId& a, const SizeAndId& b) {
      return a.size != b.size ? a.size < b.size : a.id < b.id;
    };
    for (const PubKey& key : nodes) {
      const std::size_t v = ss[pct * (ss.size() - 1) / 100].size;
      const auto past_v = std::upper_bound(ss.begin(), ss.end(), v,
                                           [](std::size_t x, const SizeAndId& e) { return x < e.size; });
      const auto upper = static_cast<std::size_t>(std::distance(ss.begin(), past_v)) - 1;
      const std::size_t chosen = rng_.uniform(upper + 1);
      SizeAndId grown{ss[chosen].size + 1, ss[chosen].id};
      add_member(grown.id, key);
      ss.erase(ss.begin() + static_cast<std::ptrdiff_t>(chosen));
      ss.insert(std::upper_bound(ss.begin(), ss.end(), grown, by_size_then_id), grown);
      if (split()) ss = sorted_sizes();
    }
  }

  void fill() {
    if (small_ == 0) return;
    std::vector<SwarmId> poor;
    for (const SizeAndId& e : sorted_sizes())
      if (e.size < min_) poor.push_back(e.id);
    for (const SwarmId id : poor) {
      // fill never erases a swarm, so `id` stays in swarms_.
      for (std::size_t size; (size = swarms_[position_of(id)].size) < min_;) {
        const std::vector<SizeAndId> ss = sorted_sizes();
        const std::size_t at_75 = ss[75 * (ss.size() - 1) / 100].size;
        const std::size_t pv = std::max(min_, at_75 > 0 ? at_75 - 1 : 0);
        if (excess_over(pv) < min_ - size) return;  // ends step 2 entirely
        // Donors have size > pv >= MIN > size, so the target is never a donor.
        add_member(id, take_from_pool([pv](std::size_t s) { return s > pv; }));
      }
    }
  }

  void dissolve() {
    while (swarms_.size() > 1 && small_ > 0) {
      const auto it = std::find_if(swarms_.begin(), swarms_.end(),
                                   [this](const IdAndSize& e) { return e.size < min_; });
      const auto pos = static_cast<std::size_t>(it - swarms_.begin());
      std::vector<PubKey> nodes = std::move(members(it->id));
      erase_swarm(pos);
      assign(std::move(nodes), 0);
    }
  }

  const SwarmTable& base_;
  SwarmTableDiff touched_;
  std::vector<IdAndSize> swarms_;
  std::size_t excess_ = 0;  // sum(max(0, size - MIN)) over swarms_
  std::size_t small_ = 0;   // swarms with size < MIN
  SwarmRng rng_;
  std::size_t min_;
  std::size_t ideal_;
};

}  // namespace

SwarmTable remove_from_swarms(SwarmTable table, const std::vector<PubKey>& leaving) {
  if (leaving.empty()) return table;  // the table's swarms are never empty (swarm_id.h)
  std::vector<PubKey> gone = leaving;
  std::sort(gone.begin(), gone.end());
  for (auto& [id, nodes] : table)
    std::erase_if(nodes, [&](const PubKey& k) { return std::binary_search(gone.begin(), gone.end(), k); });
  std::erase_if(table, [](const auto& kv) { return kv.second.empty(); });
  return table;
}

SwarmTable assign_swarms(SwarmTable before_minus_removed, std::vector<PubKey> unassigned,
                         const Hash& block_hash, const SwarmParams& p) {
  // Nodes filed under the UNASSIGNED id are unassigned by definition (as in Oxen).
  if (auto it = before_minus_removed.find(kUnassignedSwarm); it != before_minus_removed.end()) {
    unassigned.insert(unassigned.end(), it->second.begin(), it->second.end());
    before_minus_removed.erase(it);
  }
  std::erase_if(before_minus_removed, [](const auto& kv) { return kv.second.empty(); });
  for (auto& kv : before_minus_removed)
    if (!std::is_sorted(kv.second.begin(), kv.second.end()))
      std::sort(kv.second.begin(), kv.second.end());
  SwarmTableDiff diff =
      AssignmentRun(before_minus_removed, block_hash, p).run(std::move(unassigned));
  apply_swarm_diff(before_minus_removed, std::move(diff));
  return before_minus_removed;
}

SwarmTableDiff assign_swarms_diff(const SwarmTable& base,
                                  const std::vector<std::pair<SwarmId, PubKey>>& leaving,
                                  std::vector<PubKey> unassigned, const Hash& block_hash,
                                  const SwarmParams& p) {
  AssignmentRun run(base, block_hash, p);
  for (const auto& [id, key] : leaving) run.remove(id, key);
  return std::move(run).run(std::move(unassigned));
}

void apply_swarm_diff(SwarmTable& table, SwarmTableDiff diff) {
  for (auto& [id, nodes] : diff) {
    if (nodes.empty()) {
      table.erase(id);
    } else {
      table.insert_or_assign(id, std::move(nodes));
    }
  }
}

SwarmId new_swarm_id(const std::vector<SwarmId>& sorted_ids) {
  if (sorted_ids.empty()) return 0;  // not reached from the assigner (step 0 runs first)
  uint64_t best_gap = 0;
  std::size_t best = 0;
  for (std::size_t i = 0; i + 1 < sorted_ids.size(); ++i) {
    const uint64_t gap = sorted_ids[i + 1] - sorted_ids[i];
    if (gap > best_gap) {
      best_gap = gap;
      best = i;
    }
  }
  // Cannot overflow: front <= back, so the sum is at most MAX_ID + 1 = 2^64 - 1.
  const uint64_t wrap_gap = kMaxSwarmId - sorted_ids.back() + sorted_ids.front() + 1;
  if (wrap_gap > best_gap) {
    best_gap = wrap_gap;
    best = sorted_ids.size() - 1;
  }
  const uint64_t half = best_gap / 2;
  const uint64_t room = kMaxSwarmId - sorted_ids[best];
  if (room < half) return half - room - 1;
  return sorted_ids[best] + half;
}

}  // namespace swarmchain

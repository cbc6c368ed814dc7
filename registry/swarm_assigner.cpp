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

// One run of design §5.6 over a private copy of the table. Not shared; lives for one call.
class AssignmentRun {
 public:
  AssignmentRun(SwarmTable table, const Hash& block_hash, const SwarmParams& p)
      : table_(std::move(table)), rng_(block_hash), min_(p.min_swarm_size),
        ideal_(p.ideal_swarm_size) {}

  SwarmTable run(std::vector<PubKey> unassigned) && {
    if (table_.empty()) table_.emplace(SwarmId{0}, std::vector<PubKey>{});  // step 0
    assign(std::move(unassigned), 25);                                      // step 1
    fill();                                                                 // step 2
    (void)split();                                                          // step 3
    dissolve();                                                             // step 4
    std::erase_if(table_, [](const auto& kv) { return kv.second.empty(); });
    return std::move(table_);
  }

 private:
  // Ascending by (size, id); never by size alone (see the header). table_ iterates by ascending
  // id, so a counting sort on size (stable) gives exactly the (size, id) order in O(S).
  std::vector<SizeAndId> sorted_sizes() const {
    std::size_t max_size = 0;
    for (const auto& [id, nodes] : table_) max_size = std::max(max_size, nodes.size());
    std::vector<std::size_t> start(max_size + 2, 0);
    for (const auto& [id, nodes] : table_) ++start[nodes.size() + 1];
    for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    std::vector<SizeAndId> ss(table_.size());
    for (const auto& [id, nodes] : table_) ss[start[nodes.size()]++] = {nodes.size(), id};
    return ss;
  }

  // Moves pool(pred)[uniform(|pool|)] out of its swarm and returns it. Equivalent to building
  // the pool list (swarms by ascending id, pubkeys ascending within) and indexing it, without
  // materialising it. REQUIRES: the pool is not empty.
  template <typename SizePred>
  PubKey take_from_pool(SizePred pred) {
    std::size_t pool_size = 0;
    for (const auto& [id, nodes] : table_)
      if (pred(nodes.size())) pool_size += nodes.size();
    std::size_t index = rng_.uniform(pool_size);
    for (auto& [id, nodes] : table_) {
      if (!pred(nodes.size())) continue;
      if (index < nodes.size()) {
        const auto it = nodes.begin() + static_cast<std::ptrdiff_t>(index);
        PubKey key = *it;
        nodes.erase(it);
        return key;
      }
      index -= nodes.size();
    }
    return PubKey{};  // unreachable while the REQUIRES holds
  }

  std::size_t excess_over(std::size_t threshold) const {
    std::size_t excess = 0;
    for (const auto& [id, nodes] : table_)
      if (nodes.size() > threshold) excess += nodes.size() - min_;
    return excess;
  }

  // Returns whether it added a swarm.
  bool split() {
    std::size_t excess = 0;
    for (const auto& [id, nodes] : table_) {
      if (nodes.size() < min_) return false;
      excess += nodes.size() - min_;
    }
    bool added = false;
    // The first test uses the excess summed above (the same value excess_over(min_) gives).
    while ((added ? excess_over(min_) : excess) >= ideal_ + 2 * table_.size()) {
      added = true;
      std::vector<SwarmId> ids;
      ids.reserve(table_.size());
      for (const auto& kv : table_) ids.push_back(kv.first);
      const SwarmId id = new_swarm_id(ids);
      std::vector<PubKey> moved;
      moved.reserve(ideal_);
      for (std::size_t i = 0; i < ideal_; ++i)
        moved.push_back(take_from_pool([this](std::size_t size) { return size > min_; }));
      std::sort(moved.begin(), moved.end());
      // new_id is strictly inside a gap >= 2 unless ~2^63 swarms exist, so it is free.
      table_.emplace(id, std::move(moved));
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
      insert_sorted(table_.at(grown.id), key);
      ss.erase(ss.begin() + static_cast<std::ptrdiff_t>(chosen));
      ss.insert(std::upper_bound(ss.begin(), ss.end(), grown, by_size_then_id), grown);
      if (split()) ss = sorted_sizes();
    }
  }

  void fill() {
    if (std::none_of(table_.begin(), table_.end(),
                     [this](const auto& kv) { return kv.second.size() < min_; }))
      return;
    std::vector<SwarmId> poor;
    for (const SizeAndId& e : sorted_sizes())
      if (e.size < min_) poor.push_back(e.id);
    for (const SwarmId id : poor) {
      std::vector<PubKey>& target = table_.at(id);
      while (target.size() < min_) {
        const std::vector<SizeAndId> ss = sorted_sizes();
        const std::size_t at_75 = ss[75 * (ss.size() - 1) / 100].size;
        const std::size_t pv = std::max(min_, at_75 > 0 ? at_75 - 1 : 0);
        if (excess_over(pv) < min_ - target.size()) return;  // ends step 2 entirely
        // Donors have size > pv >= MIN > target.size(), so the target is never a donor.
        insert_sorted(target, take_from_pool([pv](std::size_t size) { return size > pv; }));
      }
    }
  }

  void dissolve() {
    while (table_.size() > 1) {
      const auto it = std::find_if(table_.begin(), table_.end(),
                                   [this](const auto& kv) { return kv.second.size() < min_; });
      if (it == table_.end()) return;
      std::vector<PubKey> nodes = std::move(it->second);
      table_.erase(it);
      assign(std::move(nodes), 0);
    }
  }

  SwarmTable table_;
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
  return AssignmentRun(std::move(before_minus_removed), block_hash, p).run(std::move(unassigned));
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

#include "rpc/explorer_history_api.h"

#include <algorithm>
#include <map>

#include "common/hex.h"
#include "rpc/params.h"
#include "rpc/store_failure.h"

namespace swarmchain::rpc {

using nlohmann::json;

namespace {

// The time and tx count of committed blocks: from their stats when the index has them (no
// block read), else from the block itself. Remembers what it read.
class BlockFacts {
 public:
  struct Facts {
    uint64_t time_ms = 0;
    uint64_t tx_count = 0;
    std::optional<BlockStats> stats;
  };
  explicit BlockFacts(const BlockStore& store) : store_(store) {}
  void add(Height h, const BlockStats& s) { known_[h.value] = Facts{s.time_ms, s.tx_count, s}; }
  Expected<Facts> at(Height h) {
    if (auto it = known_.find(h.value); it != known_.end()) return it->second;
    auto stats = store_.block_stats(h);
    if (!stats) return unexpected(stats.error());
    Facts f;
    if (*stats) {
      f = Facts{(*stats)->time_ms, (*stats)->tx_count, *stats};
    } else {
      auto b = store_.block_at(h);
      if (!b) return unexpected(b.error());
      f = Facts{b->header.time_ms, b->txs.size(), std::nullopt};
    }
    known_[h.value] = f;
    return f;
  }

 private:
  const BlockStore& store_;
  std::map<uint64_t, Facts> known_;
};

json or_null(const std::optional<BlockStats>& s, uint64_t BlockStats::*field) {
  return s ? json((*s).*field) : json(nullptr);
}

RpcResult get_chain_stats(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"count", "before_height"});
  const uint64_t count = p.optional_u64("count", kDefaultChainStatsCount);
  const std::optional<uint64_t> before_height = p.optional_u64("before_height");
  if (!p.error() && (count == 0 || count > kMaxChainStatsCount))
    p.fail("'count' must be in 1.." + std::to_string(kMaxChainStatsCount));
  if (auto err = p.error()) return unexpected(*err);
  const Height tip = chain.tip().header.height;
  // Heights [from, end): the `count` blocks below before_height, the tip at most.
  const uint64_t end = std::min(before_height.value_or(tip.value + 1), tip.value + 1);
  const uint64_t from = end > count ? end - count : 0;
  auto indexed = chain.store().block_stats_range(Height(from), Height(end));
  if (!indexed) return store_failure(indexed.error());
  BlockFacts blocks(chain.store());
  for (const auto& [h, s] : *indexed) blocks.add(h, s);
  json points = json::array();
  std::optional<uint64_t> previous_time;
  if (from > 0 && from < end) {
    auto parent = blocks.at(Height(from - 1));
    if (!parent) return store_failure(parent.error());
    previous_time = parent->time_ms;
  }
  for (uint64_t h = from; h < end; ++h) {
    auto f = blocks.at(Height(h));
    if (!f) return store_failure(f.error());
    const std::optional<BlockStats>& s = f->stats;
    points.push_back(
        {{"height", h},
         {"time_ms", f->time_ms},
         {"interval_ms", previous_time ? json(f->time_ms - *previous_time) : json(nullptr)},
         {"tx_count", f->tx_count},
         {"active", or_null(s, &BlockStats::active)},
         {"decommissioned", or_null(s, &BlockStats::decommissioned)},
         {"awaiting", or_null(s, &BlockStats::awaiting)},
         {"swarms", or_null(s, &BlockStats::swarms)},
         {"rewards_paid", s ? json(s->rewards_paid.atomic()) : json(nullptr)}});
    previous_time = f->time_ms;
  }
  return json{{"tip_height", tip.value}, {"points", std::move(points)}};
}

RpcResult get_service_node_history(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"pubkey", "limit", "before_height"});
  const std::string text = p.required_string("pubkey");
  const uint64_t limit = p.optional_u64("limit", kDefaultSnHistoryLimit);
  const std::optional<uint64_t> before_height = p.optional_u64("before_height");
  std::optional<PubKey> pk;
  if (!p.error()) pk = fixed_hex_param<PubKey>(p, "pubkey", text);
  if (!p.error() && (limit == 0 || limit > kMaxSnHistoryLimit))
    p.fail("'limit' must be in 1.." + std::to_string(kMaxSnHistoryLimit));
  if (auto err = p.error()) return unexpected(*err);
  const std::optional<Height> before =
      before_height ? std::optional<Height>(Height(*before_height)) : std::nullopt;
  auto page = chain.store().sn_events(*pk, limit, before);
  if (!page) return store_failure(page.error());
  BlockFacts blocks(chain.store());
  json events = json::array();
  for (const SnEvent& e : page->events) {
    auto f = blocks.at(e.height);
    if (!f) return store_failure(f.error());
    json j{{"height", e.height.value},
           {"time_ms", f->time_ms},
           {"kind", sn_event_kind_name(e.kind)},
           {"reason", e.reason}};
    if (e.amount) j["amount"] = e.amount->atomic();
    events.push_back(std::move(j));
  }
  return json{{"pubkey", to_hex(*pk)},
              {"events", std::move(events)},
              {"next_before",
               page->next_before ? json(page->next_before->value) : json(nullptr)}};
}

}  // namespace

void register_explorer_history_methods(Dispatcher& d, const Blockchain& chain) {
  d.add("get_chain_stats", [&](const json& p) { return get_chain_stats(chain, p); });
  d.add("get_service_node_history",
        [&](const json& p) { return get_service_node_history(chain, p); });
}

}  // namespace swarmchain::rpc

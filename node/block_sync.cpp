#include "node/block_sync.h"

#include <algorithm>
#include <limits>

namespace swarmchain {

void BlockSync::note_height(PeerId peer, Height height) {
  Height& h = peer_height_[peer];
  h = std::max(h, height);
}

void BlockSync::peer_gone(PeerId peer) {
  peer_height_.erase(peer);
  std::erase_if(outstanding_, [&](const auto& kv) { return kv.second.peer == peer; });
}

std::size_t BlockSync::in_flight(PeerId peer) const {
  return static_cast<std::size_t>(std::count_if(outstanding_.begin(), outstanding_.end(),
                                                [&](const auto& kv) { return kv.second.peer == peer; }));
}

std::optional<PeerId> BlockSync::pick_peer(Height first, PeerId avoid) const {
  std::optional<PeerId> best, fallback;
  std::size_t best_load = std::numeric_limits<std::size_t>::max();
  for (const auto& [peer, height] : peer_height_) {
    if (height < first) continue;
    if (peer == avoid) {
      fallback = peer;
      continue;
    }
    const std::size_t load = in_flight(peer);
    if (load < best_load) {
      best = peer;
      best_load = load;
    }
  }
  return best ? best : fallback;
}

std::map<Height, BlockSync::Buffered>::iterator BlockSync::erase_buffered(
    std::map<Height, Buffered>::iterator it) {
  if (auto b = batches_.find(it->second.batch); b != batches_.end() && --b->second.blocks == 0)
    batches_.erase(b);
  return buffered_.erase(it);
}

void BlockSync::drop_below(Height tip) {
  for (auto it = buffered_.begin(); it != buffered_.end() && it->first <= tip;)
    it = erase_buffered(it);
  std::erase_if(outstanding_, [&](const auto& kv) { return kv.second.last <= tip; });
}

std::vector<std::pair<PeerId, wire::BlockRequest>> BlockSync::requests(Height tip,
                                                                       uint64_t now_ms) {
  drop_below(tip);
  std::vector<std::pair<PeerId, wire::BlockRequest>> out;
  const Height target = progress(tip).target;
  if (target <= tip) return out;

  // Requests nobody answered in time go to another peer (or the same, if it is the only one).
  for (auto& [from, r] : outstanding_) {
    if (now_ms - r.sent_ms < config_.request_timeout_ms) continue;
    auto peer = pick_peer(from, r.peer);
    if (!peer) continue;
    r.peer = *peer;
    r.sent_ms = now_ms;
    out.emplace_back(*peer, wire::BlockRequest{from, static_cast<uint32_t>(r.last.value - from.value + 1)});
  }

  // New ranges, in height order, while the pipeline has room.
  const uint64_t limit = std::min(target.value, tip.value + config_.max_buffered);
  uint64_t h = tip.value + 1;
  while (h <= limit && outstanding_.size() < config_.max_outstanding) {
    if (buffered_.contains(Height(h))) {
      ++h;
      continue;
    }
    // Skip heights that an outstanding request covers.
    auto it = outstanding_.upper_bound(Height(h));
    if (it != outstanding_.begin() && std::prev(it)->second.last.value >= h) {
      h = std::prev(it)->second.last.value + 1;
      continue;
    }
    // The range: from h up to the batch size, the next outstanding request or the limit.
    uint64_t last = std::min(limit, h + config_.batch - 1);
    if (it != outstanding_.end()) last = std::min(last, it->first.value - 1);
    auto peer = pick_peer(Height(h), 0);
    if (!peer) break;
    outstanding_[Height(h)] = Request{*peer, now_ms, Height(last)};
    out.emplace_back(*peer, wire::BlockRequest{Height(h), static_cast<uint32_t>(last - h + 1)});
    h = last + 1;
  }
  return out;
}

uint64_t BlockSync::add(PeerId peer, wire::Blocks blocks, Height tip, bool ready) {
  drop_below(tip);
  if (blocks.blocks.empty()) return 0;
  const Height first = blocks.blocks.front().block.header.height;
  const Height last = blocks.blocks.back().block.header.height;
  note_height(peer, last);
  // The peer answered for these heights: its requests that cover them are done (what it did not
  // send is asked again by the next requests()).
  std::erase_if(outstanding_, [&](const auto& kv) {
    return kv.second.peer == peer && kv.first <= last && kv.second.last >= first;
  });
  const uint64_t id = next_batch_;
  std::size_t count = 0;
  for (auto& cb : blocks.blocks) {
    const Height h = cb.block.header.height;
    if (h <= tip || h.value > tip.value + config_.max_buffered || buffered_.contains(h)) continue;
    buffered_.emplace(h, Buffered{peer, id, std::move(cb)});
    ++count;
  }
  if (count == 0) return 0;
  ++next_batch_;
  batches_[id] = Batch{ready, count};
  return id;
}

void BlockSync::mark_ready(uint64_t batch_id) {
  if (auto it = batches_.find(batch_id); it != batches_.end()) it->second.ready = true;
}

std::optional<std::pair<PeerId, wire::CertifiedBlock>> BlockSync::take_next(Height tip) {
  drop_below(tip);
  auto it = buffered_.find(tip.next());
  if (it == buffered_.end()) return std::nullopt;
  auto batch = batches_.find(it->second.batch);
  if (batch == batches_.end() || !batch->second.ready) return std::nullopt;
  std::optional<std::pair<PeerId, wire::CertifiedBlock>> out;
  out.emplace(it->second.peer, std::move(it->second.block));
  erase_buffered(it);
  return out;
}

void BlockSync::refused(PeerId peer, Height) {
  for (auto it = buffered_.begin(); it != buffered_.end();)
    it = it->second.peer == peer ? erase_buffered(it) : std::next(it);
  std::erase_if(outstanding_, [&](const auto& kv) { return kv.second.peer == peer; });
}

SyncProgress BlockSync::progress(Height tip) const {
  SyncProgress p;
  for (const auto& [peer, h] : peer_height_) p.target = std::max(p.target, h);
  p.target = std::max(p.target, tip);
  p.syncing = p.target.value > tip.value + 1;
  p.outstanding = outstanding_.size();
  p.buffered = buffered_.size();
  return p;
}

}  // namespace swarmchain

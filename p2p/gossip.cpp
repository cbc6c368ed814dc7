#include "p2p/gossip.h"

#include <sodium.h>

#include <algorithm>

#include "common/crypto.h"

namespace swarmchain::p2p {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);

GossipHasher::GossipHasher() { random_bytes(key_.data(), key_.size()); }

uint64_t GossipHasher::operator()(ByteView payload) const {
  std::array<uint8_t, 8> out{};
  crypto_shorthash(out.data(), payload.data(), payload.size(), key_.data());
  uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h |= uint64_t(out[static_cast<std::size_t>(i)]) << (8 * i);
  return h;
}

void SeenFilter::expire(uint64_t now_ms) {
  while (!order_.empty() && (order_.front().first + window_ <= now_ms || order_.size() > cap_)) {
    auto [t, h] = order_.front();
    order_.pop_front();
    auto it = last_seen_.find(h);
    if (it != last_seen_.end() && it->second == t) last_seen_.erase(it);
  }
}

bool SeenFilter::insert(uint64_t h, uint64_t now_ms) {
  expire(now_ms);
  auto it = last_seen_.find(h);
  if (it != last_seen_.end() && it->second + window_ > now_ms) return false;
  // A re-insert leaves the old (time, hash) behind in order_; expire() skips it since the
  // stored time differs. Both containers stay at or below cap_ after expire().
  last_seen_[h] = now_ms;
  order_.emplace_back(now_ms, h);
  expire(now_ms);
  return true;
}

void KnownSet::insert(uint64_t h) {
  if (!set_.insert(h).second) return;
  order_.push_back(h);
  if (order_.size() > cap_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
}

bool TokenBucket::take(uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  if (now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now_ms - last_ms_) / 1000.0);
    last_ms_ = now_ms;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace swarmchain::p2p

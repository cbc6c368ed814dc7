#include "rpc/http_limits.h"

#include <algorithm>

namespace swarmchain::rpc {

std::size_t ClientLimits::KeyHash::operator()(const Key& k) const {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: addresses are not attacker-chosen at scale
  for (uint8_t b : k) h = (h ^ b) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

ClientLimits::Key ClientLimits::key_of(const Address& addr) {
  if (addr.is_v4()) return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, addr.to_v4()).to_bytes();
  return addr.to_v6().to_bytes();
}

bool ClientLimits::make_room() {
  if (clients_.size() < config_.max_tracked) return true;
  for (auto it = clients_.begin(); it != clients_.end();) {
    // Nothing is lost by forgetting an address with no connection and a full bucket.
    if (it->second.connections == 0 && it->second.tokens >= config_.burst) {
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
  return clients_.size() < config_.max_tracked;
}

bool ClientLimits::try_open(const Address& addr, std::string& why) {
  std::lock_guard lock(mu_);
  if (open_ >= config_.max_connections) {
    why = "the RPC server has " + std::to_string(open_) + " connections, its limit; retry later";
    return false;
  }
  const Key key = key_of(addr);
  auto it = clients_.find(key);
  if (it == clients_.end()) {
    if (!make_room()) {
      why = "the RPC server tracks too many clients; retry later";
      return false;
    }
    it = clients_.emplace(key, Entry{0, config_.burst, Clock::now()}).first;
  }
  if (it->second.connections >= config_.max_connections_per_ip) {
    why = "too many connections from " + addr.to_string() + " (limit " +
          std::to_string(config_.max_connections_per_ip) + ")";
    return false;
  }
  ++it->second.connections;
  ++open_;
  return true;
}

void ClientLimits::close(const Address& addr) {
  std::lock_guard lock(mu_);
  auto it = clients_.find(key_of(addr));
  if (it == clients_.end() || it->second.connections == 0) return;
  --it->second.connections;
  --open_;
}

bool ClientLimits::allow_request(const Address& addr, Clock::time_point now) {
  if (config_.rate_per_s <= 0) return true;
  if (config_.exempt_loopback && addr.is_loopback()) return true;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped() &&
      addr.to_v6().to_v4().is_loopback() && config_.exempt_loopback)
    return true;
  std::lock_guard lock(mu_);
  auto it = clients_.find(key_of(addr));
  if (it == clients_.end()) return false;  // only connected clients send requests
  Entry& e = it->second;
  const double elapsed = std::chrono::duration<double>(now - e.refilled).count();
  if (elapsed > 0) {
    e.tokens = std::min(config_.burst, e.tokens + elapsed * config_.rate_per_s);
    e.refilled = now;
  }
  if (e.tokens < 1) return false;
  e.tokens -= 1;
  return true;
}

std::size_t ClientLimits::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

std::size_t ClientLimits::tracked() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

}  // namespace swarmchain::rpc

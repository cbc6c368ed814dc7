// ClientLimits: what one client address may hold of the RPC server (issue 11's hostile
// clients): connections overall and per address, and a per-address request rate.
//
// The rate is a token bucket per address: `rate_per_s` tokens a second up to `burst`; a request
// takes one. Loopback clients (the operator's own tools, a local storage server) are exempt
// from the rate when `exempt_loopback`, never from the connection caps. The table of addresses
// is bounded: at `max_tracked` entries, addresses with no open connection and a full bucket are
// dropped first; if none can be dropped, an unknown address is refused a connection.
//
// Thread-safety: every call may run concurrently from any thread (one mutex).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

namespace swarmchain::rpc {

struct ClientLimitsConfig {
  std::size_t max_connections = 512;
  std::size_t max_connections_per_ip = 64;
  double rate_per_s = 200;  // 0: no rate limit
  double burst = 400;
  bool exempt_loopback = true;
  std::size_t max_tracked = 8192;
};

class ClientLimits {
 public:
  using Clock = std::chrono::steady_clock;
  using Address = boost::asio::ip::address;

  explicit ClientLimits(ClientLimitsConfig config) : config_(config) {}

  // A new connection from `addr`: true if it may be served (and is then counted until
  // close()); false with `why` set to what the client is told.
  bool try_open(const Address& addr, std::string& why);
  // REQUIRES: a matching successful try_open().
  void close(const Address& addr);
  // One request from `addr` at `now`: false when over its rate.
  bool allow_request(const Address& addr, Clock::time_point now);

  std::size_t open_connections() const;
  std::size_t tracked() const;

 private:
  using Key = std::array<uint8_t, 16>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct Entry {
    std::size_t connections = 0;
    double tokens = 0;
    Clock::time_point refilled{};
  };
  static Key key_of(const Address& addr);
  bool make_room();  // REQUIRES: mu_ held

  const ClientLimitsConfig config_;
  mutable std::mutex mu_;
  std::unordered_map<Key, Entry, KeyHash> clients_;
  std::size_t open_ = 0;
};

}  // namespace swarmchain::rpc

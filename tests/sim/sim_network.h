// The simulated network: every message a driver sends becomes a kDeliver event on the queue,
// after a delay drawn from the seed. The fault model (LinkFaults) drops, duplicates and delays
// messages; two different delays reorder them. A partition splits the nodes into sides that
// cannot reach each other until heal(). A node's outgoing filter lets a byzantine node send
// something else than what its driver sent (two proposals, a second signed vote).
//
// Broadcast is a send to every other node (the driver handles its own messages itself).
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "node/driver.h"
#include "tests/sim/sim_clock.h"

namespace swarmchain::sim {

struct LinkFaults {
  double drop = 0;       // probability that one copy is lost
  double duplicate = 0;  // probability that a message is delivered twice
  uint64_t min_delay_ms = 5;
  uint64_t max_delay_ms = 5;  // one-way delay, uniform in [min, max]
};

// What `from` really sends to `to` when its driver sends `bytes` (default: bytes itself).
using OutgoingFilter = std::function<std::vector<Bytes>(NodeIndex to, ByteView bytes)>;

struct NetworkStats {
  uint64_t sent = 0;        // copies handed to the network (after filters)
  uint64_t dropped = 0;     // lost to drops or partitions
  uint64_t duplicated = 0;  // extra copies
};

class SimNetwork {
 public:
  SimNetwork(EventQueue& queue, uint64_t seed, std::size_t nodes);
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;
  ~SimNetwork();

  // The Network a node's driver is given.
  Network& endpoint(NodeIndex i);
  std::size_t size() const { return endpoints_.size(); }

  void set_faults(const LinkFaults& f) { faults_ = f; }
  const LinkFaults& faults() const { return faults_; }
  // side[i] is node i's side; messages cross no side boundary until heal().
  void set_partition(std::vector<uint32_t> side);
  void heal() { side_.clear(); }
  bool partitioned() const { return !side_.empty(); }
  bool connected(NodeIndex a, NodeIndex b) const;
  void set_filter(NodeIndex from, OutgoingFilter f) { filters_[from] = std::move(f); }

  void send(NodeIndex from, NodeIndex to, ByteView bytes);
  void broadcast(NodeIndex from, ByteView bytes);
  const NetworkStats& stats() const { return stats_; }

 private:
  class Endpoint;
  void send_one(NodeIndex from, NodeIndex to, Bytes bytes);
  uint64_t draw_delay();

  EventQueue& queue_;
  std::mt19937_64 rng_;
  LinkFaults faults_;
  std::vector<uint32_t> side_;
  std::vector<OutgoingFilter> filters_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  NetworkStats stats_;
};

}  // namespace swarmchain::sim

// SimWorld: the event loop of a simulation. It owns the queue and the network, gives each node
// a Scheduler over the queue, dispatches every event to the node it is for, and hashes every
// event it delivers into the trace hash (two runs of one seed must give the same hash).
//
// A node is a SimHost while it is up. detach() is a crash: the node's pending timers become
// stale (its incarnation moves on) and messages that reach it while it is down are lost.
//
// Thread-safety: none; one thread runs the whole simulation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "node/driver.h"
#include "tests/sim/sim_clock.h"
#include "tests/sim/sim_network.h"

namespace swarmchain::sim {

class SimHost {
 public:
  virtual ~SimHost() = default;
  virtual void on_message(NodeIndex from, ByteView bytes) = 0;
  virtual void on_timer(const DriverTimer& t) = 0;
};

class SimWorld {
 public:
  SimWorld(uint64_t seed, std::size_t nodes);
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;
  ~SimWorld();

  EventQueue& queue() { return queue_; }
  uint64_t now_ms() const { return queue_.now_ms(); }
  SimNetwork& net() { return net_; }
  std::size_t size() const { return hosts_.size(); }

  Scheduler& scheduler(NodeIndex i);
  void attach(NodeIndex i, SimHost* host) { hosts_[i] = host; }
  void detach(NodeIndex i);
  bool up(NodeIndex i) const { return hosts_[i] != nullptr; }
  // Moves on at every detach(): a callback armed by one incarnation of a node must not reach
  // the next (its driver is gone).
  uint64_t incarnation(NodeIndex i) const { return incarnation_[i]; }

  // Runs `action` at simulated time `at_ms` (>= now).
  void at(uint64_t at_ms, std::string label, std::function<void()> action);

  // Pops and runs the next event; false when the queue is empty.
  bool step();
  uint64_t steps() const { return steps_; }
  uint64_t lost_to_crash() const { return lost_to_crash_; }
  Hash trace_hash() const;

  // Called with a one-line description of every event (for --verbose).
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }

 private:
  class NodeScheduler;
  void hash_event(const Event& e);

  EventQueue queue_;
  SimNetwork net_;
  std::vector<SimHost*> hosts_;
  std::vector<uint64_t> incarnation_;
  std::vector<std::unique_ptr<NodeScheduler>> schedulers_;
  Hasher trace_;
  uint64_t steps_ = 0;
  uint64_t lost_to_crash_ = 0;
  std::function<void(const std::string&)> log_;
};

std::string describe(const Event& e);

}  // namespace swarmchain::sim

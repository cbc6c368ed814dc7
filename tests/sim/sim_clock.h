// The simulator's time: one event queue ordered by (time, sequence number), and the clocks the
// nodes read. There is no thread and no wall clock: time moves only when the next event is
// popped, so a run is a pure function of its seed.
//
// Event kinds:
//   kDeliver  a message from `from` reaches `node` (the network put it there)
//   kTimer    a timer of `node`'s driver expires; ignored if the node restarted since it was
//             started (`incarnation` differs), as a real process loses its timers on a crash
//   kAction   a scripted step of the scenario (crash, restart, heal, a tx to submit): `action`
//
// Thread-safety: none; the simulation's one thread owns everything here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "node/driver.h"

namespace swarmchain::sim {

using NodeIndex = uint32_t;

struct Event {
  enum class Kind : uint8_t { kDeliver, kTimer, kAction };
  uint64_t time_ms = 0;
  uint64_t seq = 0;  // ties in time are broken by the order of scheduling
  Kind kind = Kind::kAction;
  NodeIndex node = 0;
  NodeIndex from = 0;           // kDeliver
  Bytes bytes;                  // kDeliver
  DriverTimer timer;            // kTimer
  uint64_t incarnation = 0;     // kTimer
  std::string label;            // kAction: what it does, for the trace and --verbose
  std::function<void()> action; // kAction
};

class EventQueue {
 public:
  uint64_t now_ms() const { return now_ms_; }
  // REQUIRES: at >= now_ms() (no event in the past).
  void push(uint64_t at_ms, Event e);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  uint64_t next_time() const { return heap_.front().time_ms; }
  // Removes the earliest event and moves the clock to its time.
  Event pop();

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time_ms != b.time_ms) return a.time_ms > b.time_ms;
      return a.seq > b.seq;
    }
  };
  std::vector<Event> heap_;  // a binary heap under Later: front() is the earliest
  uint64_t now_ms_ = 0;
  uint64_t next_seq_ = 0;
};

// A node's clock: the simulated time since genesis plus the node's own skew (may be negative),
// so that block-time rules (max_clock_drift_ms) see clocks that disagree.
class NodeClock final : public Clock {
 public:
  NodeClock(const EventQueue& q, uint64_t genesis_time_ms, int64_t skew_ms)
      : q_(q), genesis_time_ms_(genesis_time_ms), skew_ms_(skew_ms) {}
  uint64_t now_ms() const override {
    return static_cast<uint64_t>(static_cast<int64_t>(genesis_time_ms_ + q_.now_ms()) + skew_ms_);
  }
  int64_t skew_ms() const { return skew_ms_; }

 private:
  const EventQueue& q_;
  uint64_t genesis_time_ms_;
  int64_t skew_ms_;
};

// Splits one seed into independent streams (SplitMix64), so that e.g. the fault plan does not
// shift when the network draws one more number.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

}  // namespace swarmchain::sim

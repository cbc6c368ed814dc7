// EventLoop: the node's chain strand (conventions rule 7: the single chain writer is a
// structure, not a comment). One thread runs the closures posted to it, one at a time in the
// order they were posted, and the timers due on the injected Clock; everything that writes
// the chain (the Driver) runs there.
//
// Timers: post_after(delay, fn) runs fn once clock.now_ms() >= the time it was posted +
// delay; timers due at the same time run in the order they were set. Posted closures run
// before due timers.
//
// stop() lets the closure in flight finish (a block being committed is committed), then run()
// returns; what is still queued is dropped, and posts after stop() are ignored.
//
// Thread-safety: post(), post_after() and stop() from any thread; run() on the loop's own
// thread (one caller); run_ready() instead of run() by a test that drives time itself.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "common/clock.h"

namespace swarmchain {

class EventLoop {
 public:
  explicit EventLoop(const Clock& clock) : clock_(clock) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void post(std::function<void()> fn);
  void post_after(uint64_t delay_ms, std::function<void()> fn);

  // Runs closures and timers until stop(); waits on a condition variable in between (timers
  // wake it at their due time as the clock reads it, so a real clock is needed here).
  void run();
  void stop();
  bool stopped() const;

  // Runs every posted closure and every timer due now, without waiting; returns how many ran.
  std::size_t run_ready();

 private:
  // The next closure to run now, if any (REQUIRES: mu_ held).
  std::function<void()> take_ready_locked(uint64_t now);

  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> posted_;
  std::map<std::pair<uint64_t, uint64_t>, std::function<void()>> timers_;  // (due, seq)
  uint64_t seq_ = 0;
  bool stopping_ = false;
};

}  // namespace swarmchain

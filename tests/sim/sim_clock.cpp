#include "tests/sim/sim_clock.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace swarmchain::sim {

void EventQueue::push(uint64_t at_ms, Event e) {
  assert(at_ms >= now_ms_);
  e.time_ms = at_ms;
  e.seq = next_seq_++;
  heap_.push_back(std::move(e));
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

Event EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Event e = std::move(heap_.back());
  heap_.pop_back();
  now_ms_ = e.time_ms;
  return e;
}

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace swarmchain::sim

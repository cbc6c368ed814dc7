// parallel_for: splits [0, n) into contiguous chunks over up to hardware_concurrency threads.
// Used for signature verification (design §4.5). Not for the pure cores.
#pragma once

#include <cstddef>
#include <functional>

namespace swarmchain {

// Calls fn(i) for every i in [0, n); returns when all calls returned. fn must be thread-safe.
// Runs inline when n is small or only one core is available.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                  std::size_t min_per_thread = 64);

}  // namespace swarmchain

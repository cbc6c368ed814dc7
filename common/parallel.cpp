#include "common/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace swarmchain {

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                  std::size_t min_per_thread) {
  std::size_t cores = std::max<unsigned>(1, std::thread::hardware_concurrency());
  std::size_t threads = std::min(cores, std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_per_thread)));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  std::size_t chunk = (n + threads - 1) / threads;
  for (std::size_t t = 1; t < threads; ++t) {
    std::size_t begin = t * chunk, end = std::min(n, begin + chunk);
    pool.emplace_back([&fn, begin, end] {
      for (std::size_t i = begin; i < end; ++i) fn(i);
    });
  }
  for (std::size_t i = 0; i < std::min(n, chunk); ++i) fn(i);
  for (auto& th : pool) th.join();
}

}  // namespace swarmchain

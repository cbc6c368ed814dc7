#include "common/clock.h"

#include <chrono>

namespace swarmchain {

uint64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace swarmchain

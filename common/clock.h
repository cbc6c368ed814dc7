// Clock interface: the node reads time through it so that tests and the simulator can
// drive time themselves. Pure cores never read a clock; they get times as arguments.
#pragma once

#include <cstdint>

namespace swarmchain {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t now_ms() const = 0;  // milliseconds since the unix epoch
};

// The real wall clock (defined in clock.cpp).
class SystemClock final : public Clock {
 public:
  uint64_t now_ms() const override;
};

}  // namespace swarmchain

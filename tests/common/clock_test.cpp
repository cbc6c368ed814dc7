#include "common/clock.h"

#include <gtest/gtest.h>

namespace swarmchain {
namespace {

TEST(SystemClock, ReturnsMillisecondsSinceUnixEpoch) {
  SystemClock clock;
  const uint64_t now = clock.now_ms();
  EXPECT_GT(now, 1'600'000'000'000ULL);  // after September 2020
  EXPECT_LT(now, 4'102'444'800'000ULL);  // before 2100: milliseconds, not micro/nanoseconds
}

}  // namespace
}  // namespace swarmchain

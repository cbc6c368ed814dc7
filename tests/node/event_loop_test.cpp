#include "node/event_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tests/node/driver_test_net.h"

namespace swarmchain::test {
namespace {

TEST(EventLoop, PostedClosuresRunInOrderBeforeDueTimers) {
  ManualClock clock(1000);
  EventLoop loop(clock);
  std::vector<std::string> ran;
  loop.post_after(0, [&] { ran.push_back("timer"); });
  loop.post([&] { ran.push_back("a"); });
  loop.post([&] { ran.push_back("b"); });
  EXPECT_EQ(loop.run_ready(), 3u);
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "b", "timer"}));
}

TEST(EventLoop, ATimerRunsOnlyOnceItsTimeHasComeOnTheClock) {
  ManualClock clock(1000);
  EventLoop loop(clock);
  std::vector<int> ran;
  loop.post_after(200, [&] { ran.push_back(2); });
  loop.post_after(100, [&] { ran.push_back(1); });
  loop.post_after(100, [&] { ran.push_back(11); });  // same time: in the order set
  EXPECT_EQ(loop.run_ready(), 0u);
  clock.advance(99);
  EXPECT_EQ(loop.run_ready(), 0u);
  clock.advance(1);
  EXPECT_EQ(loop.run_ready(), 2u);
  clock.advance(100);
  EXPECT_EQ(loop.run_ready(), 1u);
  EXPECT_EQ(ran, (std::vector<int>{1, 11, 2}));
}

TEST(EventLoop, ClosuresPostedFromOtherThreadsRunOnTheLoopThread) {
  SystemClock clock;
  EventLoop loop(clock);
  std::thread runner([&] { loop.run(); });
  std::promise<std::thread::id> where;
  std::thread poster([&] { loop.post([&] { where.set_value(std::this_thread::get_id()); }); });
  auto f = where.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(f.get(), runner.get_id());
  std::promise<void> timer_ran;
  loop.post_after(5, [&] { timer_ran.set_value(); });
  EXPECT_EQ(timer_ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  loop.stop();
  runner.join();
  poster.join();
}

TEST(EventLoop, StopLetsTheClosureInFlightFinishAndDropsTheRest) {
  SystemClock clock;
  EventLoop loop(clock);
  std::promise<void> entered;
  std::promise<void> release;
  bool finished = false, later_ran = false;
  loop.post([&] {
    entered.set_value();
    release.get_future().wait();
    finished = true;
  });
  loop.post([&] { later_ran = true; });
  std::thread runner([&] { loop.run(); });
  entered.get_future().wait();
  loop.stop();
  release.set_value();
  runner.join();
  EXPECT_TRUE(finished);
  EXPECT_FALSE(later_ran);
  loop.post([&] { later_ran = true; });  // ignored after stop
  EXPECT_EQ(loop.run_ready(), 0u);
  EXPECT_FALSE(later_ran);
}

}  // namespace
}  // namespace swarmchain::test

// ThreadPool and parallel_for (common/parallel.h): every index once, concurrent callers, nested
// calls from pool tasks, exceptions reaching the caller, background jobs, no thread per call.
#include "common/parallel.h"

#include <gtest/gtest.h>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <latch>
#endif

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace swarmchain {
namespace {

using namespace std::chrono_literals;

// Calls every index exactly once, whatever n and the grain.
TEST(ThreadPoolTest, ParallelForCallsEveryIndexExactlyOnce) {
  ThreadPool pool(4);
  for (std::size_t n : {0u, 1u, 7u, 64u, 1000u, 100'003u}) {
    for (std::size_t grain : {1u, 16u, 64u}) {
      std::vector<std::atomic<int>> seen(n);
      pool.parallel_for(n, [&](std::size_t i) { seen[i].fetch_add(1); }, grain);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(seen[i].load(), 1) << "n=" << n << " grain=" << grain << " i=" << i;
    }
  }
}

TEST(ThreadPoolTest, ParallelForUsesSeveralThreadsForLargeWork) {
  ThreadPool pool(4);
  std::mutex mu;
  std::set<std::thread::id> ids;
  // Each item waits a little, so the helpers have time to join in.
  pool.parallel_for(
      1000,
      [&](std::size_t) {
        std::this_thread::sleep_for(200us);
        std::lock_guard lock(mu);
        ids.insert(std::this_thread::get_id());
      },
      1);
  EXPECT_GE(ids.size(), 2u);
  EXPECT_LE(ids.size(), pool.size());  // the caller + at most size() - 1 helpers
}

// The pool's threads are reused: 200 calls see at most size() workers plus the caller.
TEST(ThreadPoolTest, RepeatedCallsStartNoNewThreads) {
  ThreadPool pool(3);
  std::mutex mu;
  std::set<std::thread::id> ids;
  for (int call = 0; call < 200; ++call) {
    pool.parallel_for(
        64,
        [&](std::size_t) {
          std::lock_guard lock(mu);
          ids.insert(std::this_thread::get_id());
        },
        1);
  }
  EXPECT_LE(ids.size(), pool.size() + 1);
}

TEST(ThreadPoolTest, ConcurrentCallersEachGetTheirOwnCompleteResult) {
  ThreadPool pool(4);
  constexpr int kCallers = 6;
  constexpr std::size_t kN = 20'000;
  std::vector<uint64_t> sums(kCallers, 0);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 10; ++round) {
        std::atomic<uint64_t> sum{0};
        pool.parallel_for(kN, [&](std::size_t i) { sum.fetch_add(i + c); }, 8);
        sums[c] = sum.load();
        if (sums[c] != kN * (kN - 1) / 2 + kN * static_cast<uint64_t>(c)) return;
      }
    });
  }
  for (auto& t : callers) t.join();
  for (int c = 0; c < kCallers; ++c)
    EXPECT_EQ(sums[c], kN * (kN - 1) / 2 + kN * static_cast<uint64_t>(c)) << "caller " << c;
}

// A pool task that calls parallel_for on the same pool (every worker busy doing so) finishes:
// the callers do their own chunks.
TEST(ThreadPoolTest, NestedParallelForFromEveryWorkerDoesNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<uint64_t> total{0};
  std::vector<std::future<void>> jobs;
  for (int j = 0; j < 8; ++j) {
    jobs.push_back(pool.submit([&] {
      pool.parallel_for(1000, [&](std::size_t i) { total.fetch_add(i); }, 1);
    }));
  }
  for (auto& f : jobs) {
    ASSERT_EQ(f.wait_for(30s), std::future_status::ready) << "nested parallel_for deadlocked";
    f.get();
  }
  EXPECT_EQ(total.load(), 8u * (1000u * 999u / 2));
}

TEST(ThreadPoolTest, ParallelForInsideParallelForCompletes) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> cells(50 * 50);
  pool.parallel_for(
      50,
      [&](std::size_t i) {
        pool.parallel_for(50, [&](std::size_t j) { cells[i * 50 + j].fetch_add(1); }, 1);
      },
      1);
  for (auto& c : cells) ASSERT_EQ(c.load(), 1);
}

TEST(ThreadPoolTest, AnExceptionInFnReachesTheCallerNotAWorker) {
  ThreadPool pool(4);
  std::atomic<int> calls{0};
  EXPECT_THROW(pool.parallel_for(
                   10'000,
                   [&](std::size_t i) {
                     calls.fetch_add(1);
                     if (i == 5000) throw std::runtime_error("boom");
                   },
                   1),
               std::runtime_error);
  EXPECT_GE(calls.load(), 1);
  // The pool still works afterwards.
  std::atomic<int> after{0};
  pool.parallel_for(1000, [&](std::size_t) { after.fetch_add(1); }, 1);
  EXPECT_EQ(after.load(), 1000);
}

TEST(ThreadPoolTest, AnExceptionOnTheInlinePathReachesTheCaller) {
  ThreadPool pool(4);
  EXPECT_THROW(pool.parallel_for(3, [](std::size_t) { throw std::logic_error("x"); }, 64),
               std::logic_error);
}

TEST(ThreadPoolTest, SubmitReturnsTheResultAndTheException) {
  ThreadPool pool(2);
  auto value = pool.submit([] { return 42; });
  auto error = pool.submit([]() -> int { throw std::runtime_error("job failed"); });
  ASSERT_EQ(value.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(value.get(), 42);
  ASSERT_EQ(error.wait_for(30s), std::future_status::ready);
  EXPECT_THROW(error.get(), std::runtime_error);
}

TEST(ThreadPoolTest, DestructionRunsTheJobsStillQueued) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    for (int i = 0; i < 100; ++i) (void)pool.submit([&] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(ThreadPoolTest, SharedPoolHasOneWorkerPerCoreAndTheFreeFunctionUsesIt) {
  EXPECT_EQ(ThreadPool::shared().size(),
            std::max<std::size_t>(1, std::thread::hardware_concurrency()));
  EXPECT_EQ(&ThreadPool::shared(), &ThreadPool::shared());
  std::vector<int> out(5000, 0);
  parallel_for(out.size(), [&](std::size_t i) { out[i] = static_cast<int>(i) * 2; }, 1);
  for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], static_cast<int>(i) * 2);
}

#ifdef __linux__
int own_nice() {
  errno = 0;
  const int n = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  EXPECT_EQ(errno, 0);
  return n;
}

// The nice value each worker of `pool` runs at: one job per worker, held until all of them have
// started, so each worker runs exactly one.
std::multiset<int> worker_nices(ThreadPool& pool) {
  std::latch all_started(static_cast<std::ptrdiff_t>(pool.size()));
  std::vector<std::future<int>> nices;
  for (std::size_t i = 0; i < pool.size(); ++i)
    nices.push_back(pool.submit([&] {
      all_started.arrive_and_wait();
      return own_nice();
    }));
  std::multiset<int> out;
  for (auto& f : nices) out.insert(f.get());
  return out;
}

// A node lowers its verify workers' priority (--verify-nice) so that its chain strand runs
// first on a busy machine; the caller's own priority is untouched, and a second call with the
// same value (a second node in the same process) does not lower it further.
TEST(ThreadPoolTest, LowerWorkerPriorityNicesEveryWorkerOnceAndNotTheCaller) {
  const int base = own_nice();
  if (base > 19 - 3) GTEST_SKIP() << "this process already runs at nice " << base;
  ThreadPool pool(3);
  EXPECT_EQ(worker_nices(pool), (std::multiset<int>{base, base, base}));
  ASSERT_TRUE(pool.lower_worker_priority(3));
  EXPECT_EQ(worker_nices(pool), (std::multiset<int>{base + 3, base + 3, base + 3}));
  EXPECT_TRUE(pool.lower_worker_priority(3));
  EXPECT_EQ(worker_nices(pool), (std::multiset<int>{base + 3, base + 3, base + 3}));
  EXPECT_EQ(own_nice(), base);
  // The work still gets done, on every worker.
  std::vector<int> out(2000, 0);
  pool.parallel_for(out.size(), [&](std::size_t i) { out[i] = 1; }, 1);
  EXPECT_EQ(std::accumulate(out.begin(), out.end(), 0), 2000);
}

TEST(ThreadPoolTest, LowerWorkerPriorityRefusesANonPositiveStep) {
  ThreadPool pool(2);
  EXPECT_FALSE(pool.lower_worker_priority(0));
  EXPECT_FALSE(pool.lower_worker_priority(-5));
  EXPECT_EQ(worker_nices(pool), (std::multiset<int>{own_nice(), own_nice()}));
}
#endif

}  // namespace
}  // namespace swarmchain

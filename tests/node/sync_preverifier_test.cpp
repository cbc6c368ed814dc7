// SyncPreverifier (node/sync_preverifier.h): sync's batches are verified one at a time, in the
// order they arrived, and handed back in that order; stop() drops what is queued and waits for
// the batch being verified.
#include "node/sync_preverifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

namespace swarmchain {
namespace {

// A batch told apart by its number of blocks (1, 2, 3, ...).
std::shared_ptr<const SyncBatch> batch_of(std::size_t n) {
  auto b = std::make_shared<SyncBatch>();
  b->blocks.resize(n);
  return b;
}

// What the preverifier did: which batches it verified and handed back, in order, and whether
// two verifies ever overlapped. A verify can be held until the test releases it.
struct Recorder {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<std::size_t> verified, handed_back;
  int running = 0, max_running = 0;
  bool hold = false;

  void verify(const SyncBatch& b) {
    std::unique_lock lock(mu);
    max_running = std::max(max_running, ++running);
    verified.push_back(b.blocks.size());
    changed.notify_all();
    changed.wait(lock, [&] { return !hold; });
    --running;
  }
  void handed(std::size_t n) {
    std::lock_guard lock(mu);
    handed_back.push_back(n);
    changed.notify_all();
  }
  template <typename Pred>
  void wait_for(Pred pred) {
    std::unique_lock lock(mu);
    changed.wait(lock, pred);
  }
  void release() {
    std::lock_guard lock(mu);
    hold = false;
    changed.notify_all();
  }
};

TEST(SyncPreverifierTest, VerifiesBatchesOneAtATimeAndHandsThemBackInArrivalOrder) {
  ThreadPool pool(4);
  Recorder r;
  SyncPreverifier pv([&](const SyncBatch& b) { r.verify(b); },
                     [](std::function<void()> ready) { ready(); }, pool);
  constexpr std::size_t kBatches = 40;
  for (std::size_t i = 1; i <= kBatches; ++i)
    pv.enqueue(batch_of(i), [&r, i] { r.handed(i); });
  r.wait_for([&] { return r.handed_back.size() == kBatches; });
  std::vector<std::size_t> expected;
  for (std::size_t i = 1; i <= kBatches; ++i) expected.push_back(i);
  std::lock_guard lock(r.mu);
  EXPECT_EQ(r.verified, expected);
  EXPECT_EQ(r.handed_back, expected);
  EXPECT_EQ(r.max_running, 1);  // four workers, yet never two batches at once
}

// What Node::stop relies on before the chain closes: once stop() returned, no verify is running
// and none starts later.
TEST(SyncPreverifierTest, StopWaitsForTheRunningBatchAndNothingRunsAfterIt) {
  Recorder r;
  r.hold = true;
  std::size_t verified_at_stop = 0;
  {
    ThreadPool pool(2);
    SyncPreverifier pv([&](const SyncBatch& b) { r.verify(b); },
                       [](std::function<void()> ready) { ready(); }, pool);
    for (std::size_t i = 1; i <= 3; ++i) pv.enqueue(batch_of(i), [&r, i] { r.handed(i); });
    r.wait_for([&] { return r.running == 1; });  // batch 1 is held in its verify
    auto stopped = std::async(std::launch::async, [&] {
      pv.stop();
      std::lock_guard lock(r.mu);
      EXPECT_EQ(r.running, 0);  // stop() returned only once the verify did
      verified_at_stop = r.verified.size();
    });
    r.release();
    stopped.get();
    pv.enqueue(batch_of(4), [&r] { r.handed(4); });  // after stop: dropped
  }  // the pool runs whatever is still queued on it, then joins
  std::lock_guard lock(r.mu);
  EXPECT_EQ(r.verified.size(), verified_at_stop);
  ASSERT_GE(r.verified.size(), 1u);
  EXPECT_EQ(r.verified.front(), 1u);
  EXPECT_LE(r.handed_back.size(), r.verified.size());
}

TEST(SyncPreverifierTest, ABatchQueuedAfterStopIsNeitherVerifiedNorHandedBack) {
  Recorder r;
  {
    ThreadPool pool(2);
    SyncPreverifier pv([&](const SyncBatch& b) { r.verify(b); },
                       [](std::function<void()> ready) { ready(); }, pool);
    pv.stop();
    pv.enqueue(batch_of(1), [&r] { r.handed(1); });
  }
  EXPECT_TRUE(r.verified.empty());
  EXPECT_TRUE(r.handed_back.empty());
}

}  // namespace
}  // namespace swarmchain

// SyncPreverifier: runs block sync's signature preverify (chain/preverify.h) on the shared
// ThreadPool ONE BATCH AT A TIME, in the order the batches arrived, each spread over the whole
// pool (preverify's parallel_for), then hands the batch back to the chain strand (`post`).
//
// Why one at a time: a syncing node receives up to BlockSyncConfig::max_outstanding batches of
// 64 blocks at once. Submitted as separate pool jobs they ran side by side, one per worker, so
// the lowest batch (the only one the chain strand can apply next) was ready only after a whole
// batch's worth of verifies on ONE core, and the chain strand sat idle meanwhile (at the start
// of a sync, and after every stall). In order and with every core, the batch the strand needs
// is ready first, in a fraction of that time, while the strand applies the one before it.
//
// A batch is dropped, unverified and without its ready(), once stop() was called.
//
// Thread-safety: every method is thread-safe. `verify` runs on a pool worker; `post` is called
// from a pool worker. stop() waits for the batch being verified (it reads the chain), so call
// it before the chain closes; the destructor calls it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "common/parallel.h"
#include "node/driver.h"

namespace swarmchain {

class SyncPreverifier {
 public:
  using Verify = std::function<void(const SyncBatch&)>;
  // Runs a ready() callback on the chain strand.
  using Post = std::function<void(std::function<void()>)>;

  SyncPreverifier(Verify verify, Post post, ThreadPool& pool = ThreadPool::shared());
  ~SyncPreverifier();
  SyncPreverifier(const SyncPreverifier&) = delete;
  SyncPreverifier& operator=(const SyncPreverifier&) = delete;

  // Queues `batch`; `ready` is posted once its signatures were verified (a Preverifier, see
  // node/driver.h).
  void enqueue(std::shared_ptr<const SyncBatch> batch, std::function<void()> ready);
  // Drops the queued batches and waits for the one being verified, if any. Idempotent.
  void stop();

 private:
  struct Item {
    std::shared_ptr<const SyncBatch> batch;
    std::function<void()> ready;
  };
  void start_next_locked();  // REQUIRES: mu_ held, nothing running
  void run(Item item);       // on a pool worker

  Verify verify_;
  Post post_;
  ThreadPool& pool_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  bool running_ = false;
  bool stopped_ = false;
};

}  // namespace swarmchain

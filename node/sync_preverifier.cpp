#include "node/sync_preverifier.h"

#include <utility>

namespace swarmchain {

SyncPreverifier::SyncPreverifier(Verify verify, Post post, ThreadPool& pool)
    : verify_(std::move(verify)), post_(std::move(post)), pool_(pool) {}

SyncPreverifier::~SyncPreverifier() { stop(); }

void SyncPreverifier::enqueue(std::shared_ptr<const SyncBatch> batch,
                              std::function<void()> ready) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  queue_.push_back(Item{std::move(batch), std::move(ready)});
  if (!running_) start_next_locked();
}

void SyncPreverifier::start_next_locked() {
  if (queue_.empty() || stopped_) {
    running_ = false;
    idle_.notify_all();
    return;
  }
  running_ = true;
  Item item = std::move(queue_.front());
  queue_.pop_front();
  // One job per batch (not one job looping over the queue), so that other work queued on the
  // pool meanwhile (a mempool admission's helpers) is not held back for a whole sync.
  (void)pool_.submit([this, item = std::move(item)]() mutable { run(std::move(item)); });
}

void SyncPreverifier::run(Item item) {
  // Preverify decides nothing (commit checks every signature it does not find cached), so a
  // batch whose pass failed (out of memory) is still handed on: commit verifies it itself.
  try {
    verify_(*item.batch);
  } catch (...) {
  }
  bool hand_on = false;
  {
    std::lock_guard lock(mu_);
    hand_on = !stopped_;
  }
  // Outside the lock: post_ takes the loop's. stop() still waits for it (running_ is set).
  if (hand_on) post_(std::move(item.ready));
  std::lock_guard lock(mu_);
  start_next_locked();
}

void SyncPreverifier::stop() {
  std::unique_lock lock(mu_);
  stopped_ = true;
  queue_.clear();
  idle_.wait(lock, [this] { return !running_; });
}

}  // namespace swarmchain

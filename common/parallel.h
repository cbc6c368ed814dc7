// ThreadPool: a fixed set of worker threads, started once and joined when the pool is
// destroyed, and parallel_for on it. Used for signature verification (design §4.5: mempool
// admission, block validation, sync's preverify); not for the pure cores (registry/,
// consensus/ start no thread and call none of this).
//
// ThreadPool::shared() is the process's one pool: hardware_concurrency() workers, created on
// first use, joined at exit (static destruction). A parallel_for never starts a thread.
//
// parallel_for(n, fn): the caller takes part in its own work. The range is cut into chunks
// handed out through an atomic cursor, to the caller and to at most (workers - 1) helper tasks
// queued on the pool; the caller only waits for chunks a helper has already claimed (and is
// running). So:
//   - several threads may call parallel_for at once (each call is its own job);
//   - a pool task may call parallel_for (nested) without deadlock: if every worker is busy, the
//     caller simply does all the chunks itself, and a helper that starts late finds none left;
//   - a helper that starts after the call returned touches nothing of it but a shared counter.
// Exceptions: fn should not throw. If it does, the remaining unclaimed chunks are skipped and
// the first exception is rethrown to the caller of parallel_for once every claimed chunk has
// finished; it never escapes on a worker thread.
//
// submit(fn): a background job; its result (or exception) arrives through the future. A job
// that waits on another submitted job can deadlock a full pool: jobs must not block on each
// other (parallel_for inside a job is fine, see above). Jobs still queued when the pool is
// destroyed run before the workers exit.
//
// Worker priority: lower_worker_priority(n) puts every worker n nice levels below its start (Linux:
// setpriority on each worker's thread id; an unprivileged process may always lower its own
// threads' priority). A node does this to its shared pool so that, on a saturated machine, the
// threads that must run promptly (the chain strand: consensus, applying blocks; p2p; RPC) get
// a core before the bulk signature verifies queued on the pool. The verifies still use every
// core left idle: nice only orders who runs first, it reserves nothing.
//
// Thread-safety: every method is thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace swarmchain {

class ThreadPool {
 public:
  // `threads` workers (at least 1).
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();  // runs the jobs still queued, then joins the workers
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The process-wide pool: hardware_concurrency() workers (at least 1).
  static ThreadPool& shared();

  std::size_t size() const { return workers_.size(); }

  // Sets every worker's nice value to the one it started with plus `by` (> 0; capped at 19, the
  // lowest priority), so calling it again with the same value changes nothing (several nodes
  // in one test process share the pool). Never raises a priority. True if every worker is now
  // at that value; false if the platform cannot (not Linux) or the kernel refused.
  bool lower_worker_priority(int by);

  // Calls fn(i) for every i in [0, n); returns when all calls returned. fn must be thread-safe.
  // Runs inline when n < 2 * min_per_thread or the pool has one worker. See above for nesting
  // and exceptions.
  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                    std::size_t min_per_thread = 64);

  // Queues fn to run on a worker.
  template <typename F>
  auto submit(F fn) -> std::future<decltype(fn())> {
    using R = decltype(fn());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
    std::future<R> result = task->get_future();
    post([task] { (*task)(); });
    return result;
  }

 private:
  void post(std::function<void()> job);
  void worker_loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable started_;  // a worker recorded its thread id
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  struct WorkerId {
    int tid = 0;         // kernel thread id (Linux)
    int start_nice = 0;  // its nice value when it started
  };
  std::vector<WorkerId> worker_ids_;  // guarded by mu_
};

// ThreadPool::shared().parallel_for(n, fn, min_per_thread).
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                  std::size_t min_per_thread = 64);

}  // namespace swarmchain

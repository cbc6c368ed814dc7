#include "common/parallel.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <memory>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace swarmchain {

namespace {

// One parallel_for call. Shared (shared_ptr) with its helper tasks, so that a helper that starts
// after the call returned only reads the cursor and leaves.
struct ForJob {
  ForJob(std::size_t n_, std::size_t chunk_, const std::function<void(std::size_t)>& fn_)
      : fn(&fn_), n(n_), chunk(chunk_) {}

  const std::function<void(std::size_t)>* fn;  // valid while a claimed chunk runs (see work())
  const std::size_t n;
  const std::size_t chunk;
  std::atomic<std::size_t> cursor{0};
  std::atomic<std::size_t> done{0};  // items finished or skipped
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable all_done;
  std::exception_ptr error;  // the first exception fn threw; guarded by mu

  // Claims and runs chunks until none are left. fn is dereferenced only for a claimed chunk
  // (begin < n), and the caller does not return before every claimed chunk has been counted in
  // `done`, so fn is alive whenever it is called.
  void work() {
    for (;;) {
      const std::size_t begin = cursor.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= n) return;
      const std::size_t end = std::min(n, begin + chunk);
      if (!failed.load(std::memory_order_relaxed)) {
        try {
          for (std::size_t i = begin; i < end; ++i) (*fn)(i);
        } catch (...) {
          std::lock_guard lock(mu);
          if (!error) error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
      const std::size_t count = end - begin;
      if (done.fetch_add(count, std::memory_order_acq_rel) + count == n) {
        std::lock_guard lock(mu);  // under the lock: the waiter cannot miss the wake-up
        all_done.notify_all();
      }
    }
  }
};

}  // namespace

ThreadPool::ThreadPool(std::size_t threads) {
  threads = std::max<std::size_t>(1, threads);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
#ifdef __linux__
  // Each worker records its thread id first thing; wait for all, so that
  // lower_worker_priority() can reach every worker from the moment the pool exists.
  std::unique_lock lock(mu_);
  started_.wait(lock, [&] { return worker_ids_.size() == threads; });
#endif
}

bool ThreadPool::lower_worker_priority(int by) {
  if (by <= 0) return false;
#ifdef __linux__
  std::lock_guard lock(mu_);
  bool all = !worker_ids_.empty();
  for (const WorkerId& w : worker_ids_) {
    const auto who = static_cast<id_t>(w.tid);
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, who);  // -1 is a valid nice value: errno says
    if (current == -1 && errno != 0) {
      all = false;
      continue;
    }
    const int target = std::min(19, w.start_nice + std::min(by, 40));
    if (current < target && setpriority(PRIO_PROCESS, who, target) != 0) all = false;
  }
  return all;
#else
  return false;
#endif
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) {
    // exit() called from a job runs the shared pool's destructor on one of its own workers.
    if (t.get_id() == std::this_thread::get_id())
      t.detach();
    else
      t.join();
  }
}

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
  return pool;
}

void ThreadPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ThreadPool::worker_loop() {
#ifdef __linux__
  {
    const int tid = static_cast<int>(gettid());
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
    if (nice == -1 && errno != 0) nice = 0;
    std::lock_guard lock(mu_);
    worker_ids_.push_back(WorkerId{tid, nice});
  }
  started_.notify_all();
#endif
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();  // never throws: helpers catch, submit() wraps in a packaged_task
  }
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                              std::size_t min_per_thread) {
  const std::size_t per = std::max<std::size_t>(1, min_per_thread);
  const std::size_t runners = std::min(size(), n / per);  // the caller + helpers
  if (runners <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  // Small chunks (about 32 per runner) so that a runner that is descheduled or starts late
  // leaves little work behind for the others to wait on.
  const std::size_t chunk = std::max<std::size_t>(1, n / (runners * 32));
  auto job = std::make_shared<ForJob>(n, chunk, fn);
  for (std::size_t t = 1; t < runners; ++t) post([job] { job->work(); });
  job->work();
  {
    std::unique_lock lock(job->mu);
    job->all_done.wait(lock, [&] { return job->done.load(std::memory_order_acquire) == n; });
    if (job->error) std::rethrow_exception(job->error);
  }
}

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn,
                  std::size_t min_per_thread) {
  ThreadPool::shared().parallel_for(n, fn, min_per_thread);
}

}  // namespace swarmchain

#include "node/event_loop.h"

#include <chrono>

namespace swarmchain {

void EventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    posted_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

void EventLoop::post_after(uint64_t delay_ms, std::function<void()> fn) {
  const uint64_t due = clock_.now_ms() + delay_ms;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    timers_.emplace(std::make_pair(due, seq_++), std::move(fn));
  }
  cv_.notify_one();
}

std::function<void()> EventLoop::take_ready_locked(uint64_t now) {
  if (!posted_.empty()) {
    auto fn = std::move(posted_.front());
    posted_.pop_front();
    return fn;
  }
  if (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto fn = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    return fn;
  }
  return {};
}

void EventLoop::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (auto fn = take_ready_locked(clock_.now_ms())) {
      lock.unlock();
      fn();  // the closure in flight always finishes; stop() is looked at after it
      lock.lock();
      continue;
    }
    if (timers_.empty()) {
      cv_.wait(lock);
    } else {
      const uint64_t due = timers_.begin()->first.first;
      const uint64_t now = clock_.now_ms();
      if (due > now) cv_.wait_for(lock, std::chrono::milliseconds(due - now));
    }
  }
  posted_.clear();
  timers_.clear();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

bool EventLoop::stopped() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

std::size_t EventLoop::run_ready() {
  std::size_t ran = 0;
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return ran;
      fn = take_ready_locked(clock_.now_ms());
    }
    if (!fn) return ran;
    fn();
    ++ran;
  }
}

}  // namespace swarmchain

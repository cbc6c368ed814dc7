#include "tests/sim/sim_world.h"

#include <utility>

#include "common/codec.h"

namespace swarmchain::sim {

class SimWorld::NodeScheduler final : public Scheduler {
 public:
  NodeScheduler(SimWorld& w, NodeIndex i) : w_(w), i_(i) {}
  void schedule(uint64_t delay_ms, const DriverTimer& t) override {
    Event e;
    e.kind = Event::Kind::kTimer;
    e.node = i_;
    e.timer = t;
    e.incarnation = w_.incarnation_[i_];
    w_.queue_.push(w_.queue_.now_ms() + delay_ms, std::move(e));
  }

 private:
  SimWorld& w_;
  NodeIndex i_;
};

SimWorld::SimWorld(uint64_t seed, std::size_t nodes)
    : net_(queue_, derive_seed(seed, 1), nodes),
      hosts_(nodes, nullptr),
      incarnation_(nodes, 0),
      trace_("swarmchain/sim/trace/v1") {
  for (std::size_t i = 0; i < nodes; ++i)
    schedulers_.push_back(std::make_unique<NodeScheduler>(*this, static_cast<NodeIndex>(i)));
}

SimWorld::~SimWorld() = default;

Scheduler& SimWorld::scheduler(NodeIndex i) { return *schedulers_[i]; }

void SimWorld::detach(NodeIndex i) {
  hosts_[i] = nullptr;
  ++incarnation_[i];
}

void SimWorld::at(uint64_t at_ms, std::string label, std::function<void()> action) {
  Event e;
  e.kind = Event::Kind::kAction;
  e.label = std::move(label);
  e.action = std::move(action);
  queue_.push(at_ms, std::move(e));
}

void SimWorld::hash_event(const Event& e) {
  Writer w;
  w.u64(e.time_ms);
  w.u8(static_cast<uint8_t>(e.kind));
  w.u32(e.node);
  switch (e.kind) {
    case Event::Kind::kDeliver:
      w.u32(e.from);
      w.bytes(e.bytes);
      break;
    case Event::Kind::kTimer:
      w.u8(static_cast<uint8_t>(e.timer.kind));
      w.height(e.timer.height);
      w.height(e.timer.timeout.height);
      w.u32(e.timer.timeout.round);
      w.u8(static_cast<uint8_t>(e.timer.timeout.step));
      break;
    case Event::Kind::kAction:
      w.str(e.label);
      break;
  }
  trace_.update(w.data());
}

Hash SimWorld::trace_hash() const {
  Hasher copy = trace_;
  return copy.final();
}

bool SimWorld::step() {
  if (queue_.empty()) return false;
  Event e = queue_.pop();
  ++steps_;
  switch (e.kind) {
    case Event::Kind::kDeliver:
      if (hosts_[e.node] == nullptr) {
        ++lost_to_crash_;
        return true;
      }
      break;
    case Event::Kind::kTimer:
      if (hosts_[e.node] == nullptr || e.incarnation != incarnation_[e.node]) return true;
      break;
    case Event::Kind::kAction:
      break;
  }
  hash_event(e);
  if (log_) log_(describe(e));
  switch (e.kind) {
    case Event::Kind::kDeliver:
      hosts_[e.node]->on_message(e.from, e.bytes);
      break;
    case Event::Kind::kTimer:
      hosts_[e.node]->on_timer(e.timer);
      break;
    case Event::Kind::kAction:
      e.action();
      break;
  }
  return true;
}

std::string describe(const Event& e) {
  std::string s = "t=" + std::to_string(e.time_ms) + " ";
  switch (e.kind) {
    case Event::Kind::kDeliver:
      return s + "deliver " + std::to_string(e.from) + "->" + std::to_string(e.node) + " " +
             std::to_string(e.bytes.size()) + "B";
    case Event::Kind::kTimer:
      return s + "timer node " + std::to_string(e.node) + " kind " +
             std::to_string(static_cast<int>(e.timer.kind)) + " h " +
             std::to_string(e.timer.timeout.height.value) + "/" + e.timer.height.to_string() +
             " r " + std::to_string(e.timer.timeout.round);
    case Event::Kind::kAction:
      return s + "action " + e.label;
  }
  return s;
}

}  // namespace swarmchain::sim

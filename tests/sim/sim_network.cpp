#include "tests/sim/sim_network.h"

#include <utility>

namespace swarmchain::sim {

class SimNetwork::Endpoint final : public Network {
 public:
  Endpoint(SimNetwork& net, NodeIndex self) : net_(net), self_(self) {}
  void broadcast(ByteView message) override { net_.broadcast(self_, message); }
  void send(PeerId to, ByteView message) override {
    if (to < net_.size()) net_.send(self_, to, message);
  }

 private:
  SimNetwork& net_;
  NodeIndex self_;
};

SimNetwork::SimNetwork(EventQueue& queue, uint64_t seed, std::size_t nodes)
    : queue_(queue), rng_(seed), filters_(nodes) {
  for (std::size_t i = 0; i < nodes; ++i)
    endpoints_.push_back(std::make_unique<Endpoint>(*this, static_cast<NodeIndex>(i)));
}

SimNetwork::~SimNetwork() = default;

Network& SimNetwork::endpoint(NodeIndex i) { return *endpoints_[i]; }

void SimNetwork::set_partition(std::vector<uint32_t> side) { side_ = std::move(side); }

bool SimNetwork::connected(NodeIndex a, NodeIndex b) const {
  return side_.empty() || side_[a] == side_[b];
}

void SimNetwork::broadcast(NodeIndex from, ByteView bytes) {
  for (NodeIndex to = 0; to < size(); ++to)
    if (to != from) send(from, to, bytes);
}

void SimNetwork::send(NodeIndex from, NodeIndex to, ByteView bytes) {
  if (filters_[from]) {
    for (Bytes& b : filters_[from](to, bytes)) send_one(from, to, std::move(b));
  } else {
    send_one(from, to, Bytes(bytes.begin(), bytes.end()));
  }
}

uint64_t SimNetwork::draw_delay() {
  if (faults_.max_delay_ms <= faults_.min_delay_ms) return faults_.min_delay_ms;
  std::uniform_int_distribution<uint64_t> d(faults_.min_delay_ms, faults_.max_delay_ms);
  return d(rng_);
}

void SimNetwork::send_one(NodeIndex from, NodeIndex to, Bytes bytes) {
  ++stats_.sent;
  // Every draw is made whatever the outcome, so that one fault does not shift the later draws
  // of an otherwise equal run.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const bool lost = u(rng_) < faults_.drop;
  const bool twice = u(rng_) < faults_.duplicate;
  const uint64_t delay = draw_delay();
  const uint64_t delay2 = draw_delay();
  if (lost || !connected(from, to)) {
    ++stats_.dropped;
    return;
  }
  Event e;
  e.kind = Event::Kind::kDeliver;
  e.node = to;
  e.from = from;
  if (twice) {
    ++stats_.duplicated;
    Event copy = e;
    copy.bytes = bytes;
    queue_.push(queue_.now_ms() + delay2, std::move(copy));
  }
  e.bytes = std::move(bytes);
  queue_.push(queue_.now_ms() + delay, std::move(e));
}

}  // namespace swarmchain::sim

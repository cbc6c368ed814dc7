#include "tests/sim/sim_prober.h"

#include <string>
#include <utility>

#include "tests/sim/sim_genesis.h"

namespace swarmchain::sim {

SimProber::SimProber(SimWorld& world, std::vector<PubKey> keys, ProbeModel model)
    : world_(world), keys_(std::move(keys)), model_(model) {}

Prober SimProber::prober(NodeIndex from) {
  return [this, from](const std::string& host_port, const PubKey& key,
                      std::function<void(Status)> done) {
    probe(from, host_port, key, std::move(done));
  };
}

void SimProber::probe(NodeIndex from, const std::string& host_port, const PubKey& key,
                      std::function<void(Status)> done) {
  ++stats_.probes;
  const std::optional<std::size_t> target = sim_node_of(host_port);
  Status result = Status::ok();
  uint64_t delay = model_.rtt_ms;
  if (!target || *target >= world_.size() || *target >= keys_.size()) {
    ++stats_.bad_target;
    result = Status::error("probe " + host_port + ": no such host");
  } else if (!world_.up(static_cast<NodeIndex>(*target))) {
    ++stats_.refused;
    result = Status::error("probe " + host_port + ": connection refused");
  } else if (!world_.net().connected(from, static_cast<NodeIndex>(*target))) {
    ++stats_.timed_out;
    result = Status::error("probe " + host_port + ": timed out");
    delay = model_.timeout_ms;
  } else if (keys_[*target] != key) {
    ++stats_.bad_target;
    result = Status::error("probe " + host_port + ": the handshake proved another key");
  } else {
    ++stats_.ok;
  }
  const uint64_t incarnation = world_.incarnation(from);
  world_.at(world_.now_ms() + delay,
            "probe " + std::to_string(from) + " -> " + host_port + (result ? " ok" : " failed"),
            [this, from, incarnation, result, done = std::move(done)] {
              if (!world_.up(from) || world_.incarnation(from) != incarnation) {
                ++stats_.callbacks_lost;
                return;
              }
              done(result);
            });
}

}  // namespace swarmchain::sim

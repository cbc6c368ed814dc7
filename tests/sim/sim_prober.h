// SimProber: the simulator's model of p2p::Host::probe (the DriverConfig::probe of a sim node,
// node/driver.h), so that sim nodes test each other in the reachability quorums
// (node/reach_tester.h). A probe from node F of "host:port" for key K:
//   - names no sim node (sim_node_of) or that node's key is not K: the handshake fails after
//     a round trip ("wrong key" / "no such host");
//   - the node's process is down (crashed, not restarted): "connection refused" after a round
//     trip;
//   - the node is up but on the other side of a partition from F: "timed out" after the
//     connect timeout;
//   - else ok after a round trip.
// The outcome is decided when the probe starts. `done` runs as an event of the world's queue,
// so on F's strand (the simulation's one thread), and only if F is still the incarnation that
// asked (a crashed node's driver is gone, as a killed process's callbacks are).
//
// Thread-safety: none; the simulation's one thread. Must outlive the drivers it serves.
#pragma once

#include <cstdint>
#include <vector>

#include "common/crypto.h"
#include "node/driver.h"
#include "tests/sim/sim_world.h"

namespace swarmchain::sim {

struct ProbeModel {
  uint64_t rtt_ms = 10;        // connect + handshake of a reachable (or refusing) host
  uint64_t timeout_ms = 2000;  // what a probe of an unreachable address waits
};

struct ProbeStats {
  uint64_t probes = 0;
  uint64_t ok = 0;
  uint64_t refused = 0;    // the target's process is down
  uint64_t timed_out = 0;  // partitioned away
  uint64_t bad_target = 0; // unknown address or wrong key
  uint64_t callbacks_lost = 0;  // the prober crashed before the answer
};

class SimProber {
 public:
  // `keys[i]`: the key node i runs with.
  SimProber(SimWorld& world, std::vector<PubKey> keys, ProbeModel model = {});
  SimProber(const SimProber&) = delete;
  SimProber& operator=(const SimProber&) = delete;

  // The DriverConfig::probe of node `from`.
  Prober prober(NodeIndex from);
  const ProbeStats& stats() const { return stats_; }

 private:
  void probe(NodeIndex from, const std::string& host_port, const PubKey& key,
             std::function<void(Status)> done);

  SimWorld& world_;
  std::vector<PubKey> keys_;
  ProbeModel model_;
  ProbeStats stats_;
};

}  // namespace swarmchain::sim

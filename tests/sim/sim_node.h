// SimNode: one full node of the simulation: its own store (an in-memory RocksDB disk that
// survives a crash), the real Blockchain, Mempool and Driver (which runs the real consensus
// engine), and a sign-state guard whose record also survives a crash. crash() destroys the
// Driver, Mempool and Blockchain as a killed process loses them; restart() reopens the chain
// from the node's own disk and starts a new Driver.
//
// Every block the node commits goes to the InvariantChecker (the block, its certificate, the
// parent's certificate inside it, the roots of the state it leads to, the next committee), and
// to the SimObserver if a test set one (with the state it leads to, and the block's liveness
// changes). set_proofs(false) stops the node's uptime proofs without stopping the node: its
// proof timer still fires, re-armed, but sends nothing until set_proofs(true) (a crash-free
// "proof sender is down"); a restart proves at start as the driver does.
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "node/driver.h"
#include "node/sign_state.h"
#include "node/signer.h"
#include "tests/sim/faults.h"
#include "tests/sim/invariants.h"
#include "tests/sim/sim_world.h"

namespace swarmchain::sim {


struct SimNodeSetup {
  NodeIndex index = 0;
  KeyPair key;
  Role role = Role::kHonest;
  int64_t skew_ms = 0;
  DriverConfig config;
  bool verbose = false;  // print every commit
};

// What a test sees of a node's commits (tests/sim only). Called on the simulation's thread,
// inside the chain's state lock: read `state`, do not call back into the node.
struct SimObserver {
  std::function<void(NodeIndex, const Block&, const ChainState&)> committed;
  std::function<void(NodeIndex, Height, const std::vector<LivenessChange>&)> liveness;
};

class SimNode final : public SimHost, private ChainListener {
 public:
  SimNode(SimWorld& world, const Genesis& genesis, SimNodeSetup setup, InvariantChecker& checker,
          const std::set<PubKey>& never_proved);
  ~SimNode() override;

  Status start();  // opens the chain from this node's disk and starts a driver
  void crash();
  bool up() const { return driver_ != nullptr; }

  void on_message(NodeIndex from, ByteView bytes) override;
  void on_timer(const DriverTimer& t) override;

  // Adds `tx` to this node's mempool and gossips it (what an RPC client's tx does).
  Status submit(const Tx& tx);
  uint64_t next_nonce(const PubKey& sender) const;

  void set_observer(SimObserver o) { observer_ = std::move(o); }
  void set_proofs(bool on) { proofs_on_ = on; }
  // The driver's prober (tests/sim/sim_prober.h) from the next start() on.
  void set_probe(Prober p) { setup_.config.probe = std::move(p); }
  bool proofs_on() const { return proofs_on_; }

  NodeIndex index() const { return setup_.index; }
  Role role() const { return setup_.role; }
  const KeyPair& key() const { return setup_.key; }
  Height height() const;
  // REQUIRES: up().
  const Blockchain& chain() const { return *chain_; }
  const Driver& driver() const { return *driver_; }
  const Mempool& mempool() const { return *mempool_; }

 private:
  void on_block_committed(const Block& block, const CommitCertificate& cert) override;
  void on_liveness_changes(Height h, const std::vector<LivenessChange>& changes) override;

  SimWorld& world_;
  Genesis genesis_;
  SimNodeSetup setup_;
  bool verbose_ = false;
  InvariantChecker& checker_;
  const std::set<PubKey>& never_proved_;
  SimObserver observer_;
  bool proofs_on_ = true;
  NodeClock clock_;
  std::shared_ptr<MemoryDisk> disk_;
  std::unique_ptr<MemorySignStateStore> sign_state_;  // kept across a crash, as a file
  std::unique_ptr<Blockchain> chain_;
  std::unique_ptr<Mempool> mempool_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<Driver> driver_;
};

}  // namespace swarmchain::sim

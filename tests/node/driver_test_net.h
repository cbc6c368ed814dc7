// A pure, deterministic in-test network of Drivers over real chains (stores on memory disks):
// one manual clock, a FIFO of messages in flight (delivered without delay) and a timer queue
// ordered by (due time, arrival). Nothing runs unless the test asks; step() delivers the next
// message, or else advances the clock to the next timer and fires it.
//
// Node i holds key(i) (test_key(210 + i)); the genesis makes nodes 0..n-1 the service nodes, so
// the committee of every height is all of them. A node that is `down` neither sends nor
// receives, and its timers wait until it is up again.
//
// The Signer here is the real GuardedSigner (node/sign_state.h) over a MemorySignStateStore,
// behind a switch that makes it refuse everything. restart(i) recreates node i's Driver and
// Mempool and reopens its guard from the kept store (the chain on its memory disk is kept too):
// a crash and restart of the process.
//
// Thread-safety: single-threaded test helper.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/clock.h"
#include "node/driver.h"
#include "node/sign_state.h"
#include "node/signer.h"

namespace swarmchain::test {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(uint64_t start) : now_(start) {}
  uint64_t now_ms() const override { return now_; }
  void set(uint64_t ms) { now_ = ms; }
  void advance(uint64_t ms) { now_ += ms; }

 private:
  uint64_t now_;
};

class TestSigner final : public Signer {
 public:
  TestSigner(KeyPair key, Hash chain_id);
  const PubKey& pubkey() const override { return key_.pubkey(); }
  Expected<consensus::Message> sign(consensus::Message m) override;
  Status note_committed(Height h) override { return guard_->note_committed(h); }
  Height committed_height() const override { return guard_->committed_height(); }
  std::optional<SignedRound> last_signed() const override { return guard_->last_signed(); }
  // A new GuardedSigner from the kept store (what a restarted process does).
  void reopen();

  // The kept sign state's disk fails every write from now on (or works again).
  void set_disk_failing(bool failing) { store_.set_failing(failing); }

  bool refuse = false;  // refuse every signature (as a guard that found a conflict)
  std::size_t signed_count = 0;
  std::size_t guard_refusals = 0;  // requests the guard itself refused

 private:
  KeyPair key_;
  Hash chain_id_;
  MemorySignStateStore store_;
  std::unique_ptr<GuardedSigner> guard_;
};

KeyPair node_key(std::size_t i);
// Dev params; accounts 1..4 funded; nodes 0..n-1 the genesis service nodes (the committee).
Genesis driver_genesis(std::size_t n);

class DriverNet {
 public:
  // `disk_dirs`: when not empty, node i's store is on the real disk in disk_dirs[i].
  explicit DriverNet(std::size_t n, DriverConfig config = {},
                     std::vector<std::filesystem::path> disk_dirs = {});
  ~DriverNet();

  void start();  // starts every node that is up
  // Node i crashes and starts again at once: its timers and the messages in flight to and from
  // it are lost, its Driver and Mempool are new, its guard is reopened; then its driver starts.
  void restart(std::size_t i);
  // Delivers the next message, or fires the next timer (advancing the clock); false if idle.
  bool step();
  // Steps until pred() holds or max_steps were taken; returns pred().
  bool run_until(const std::function<bool()>& pred, std::size_t max_steps = 100'000);

  std::size_t size() const { return nodes_.size(); }
  Driver& driver(std::size_t i);
  Blockchain& chain(std::size_t i);
  Mempool& mempool(std::size_t i);
  TestSigner& signer(std::size_t i);
  Height tip(std::size_t i) { return chain(i).tip().header.height; }
  ManualClock& clock() { return clock_; }
  const Genesis& genesis() const { return genesis_; }
  std::vector<bool> down;
  // Every message sent, for tests that look at the traffic: (from, to, bytes); a `to` outside
  // the net (a peer id the test made up) is recorded and not delivered.
  struct Packet {
    std::size_t from = 0;
    std::size_t to = 0;
    Bytes bytes;
  };
  std::vector<Packet> sent;

 private:
  struct Node;
  struct Timer {
    std::size_t node = 0;
    DriverTimer timer;
  };
  void push(std::size_t from, std::size_t to, ByteView bytes);
  void make_driver(std::size_t i);

  Genesis genesis_;
  ManualClock clock_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<Packet> in_flight_;
  std::map<std::pair<uint64_t, uint64_t>, Timer> timers_;  // (due, seq) -> timer
  uint64_t timer_seq_ = 0;
  DriverConfig config_;
};

}  // namespace swarmchain::test

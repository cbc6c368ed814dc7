// Helpers of the crash-loop, full-disk and partition tests (docs/testing.md "Crash loops, a
// full disk, partitions"):
//   TxLoad        a thread that signs transfers from a dev key and sends them over RPC
//                 (send_raw_transactions) to whichever node `target` names, in small batches.
//   CommitLedger  remembers which txids the RPC reported committed (and at what height), and
//                 checks later that a node still has them there.
//   replay_store  runs `swarmchaind replay` on a stopped node's datadir and parses its summary.
//   soak_budget   the loop bounds: SWARMCHAIN_SOAK_SECONDS (CI: 20) and SWARMCHAIN_CRASH_KILLS.
//
// Thread-safety: TxLoad's public methods from the test thread (its own thread sends);
// CommitLedger, replay_store: the test thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "rpc/client.h"

namespace swarmchain::test {

struct SoakBudget {
  std::chrono::seconds time;  // SWARMCHAIN_SOAK_SECONDS, or 30 minutes when unset
  int kills;                  // SWARMCHAIN_CRASH_KILLS, or 50
};
SoakBudget soak_budget();

// The seed of a randomised test: SWARMCHAIN_SEED if set, else from the clock; printed.
uint64_t test_seed(const char* test);

rpc::RpcClient rpc_client(const std::string& url);

class TxLoad {
 public:
  // `key`: the funded dev key; `target`: the RPC URL to send to now, or nullopt (pause);
  // `batch` txs per call, `pause` between calls (the default, at most ~80 txs/s, keeps a long
  // crash loop's chain, hence its replays, short).
  TxLoad(KeyPair key, std::function<std::optional<std::string>()> target, std::size_t batch = 8,
         std::chrono::milliseconds pause = std::chrono::milliseconds(100));
  ~TxLoad();
  TxLoad(const TxLoad&) = delete;
  TxLoad& operator=(const TxLoad&) = delete;
  void start();
  void stop();
  // The txids accepted (status pending) since the last call.
  std::vector<std::string> take_accepted();
  uint64_t accepted_total() const { return accepted_total_.load(); }

 private:
  void run();
  KeyPair key_;
  std::function<std::optional<std::string>()> target_;
  std::size_t batch_;
  std::chrono::milliseconds pause_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> accepted_total_{0};
  std::mutex mu_;
  std::vector<std::string> accepted_;  // guarded by mu_
  std::thread thread_;
};

class CommitLedger {
 public:
  void add_accepted(const std::vector<std::string>& txids);
  // Asks `node` about every accepted tx not yet seen committed; records the confirmed ones.
  // A tx the node no longer knows three times in a row is forgotten (it was lost with a killed
  // node's mempool, never committed). Returns how many were newly confirmed.
  std::size_t confirm(const rpc::RpcClient& node);
  // Every tx confirmed since the last check, and `sample` older ones, are confirmed on `node`
  // at the height recorded.
  ::testing::AssertionResult still_committed(const rpc::RpcClient& node, std::mt19937_64& rng,
                                             std::size_t sample);
  std::size_t committed() const { return committed_.size(); }
  uint64_t max_height() const { return max_height_; }

 private:
  std::map<std::string, int> pending_;           // txid -> times it was unknown
  std::map<std::string, uint64_t> committed_;    // txid -> height
  std::vector<std::string> unchecked_;           // confirmed since the last still_committed
  uint64_t max_height_ = 0;
};

struct ReplayReport {
  int exit_code = -1;
  std::string out;
  uint64_t blocks = 0;
  uint64_t evidence = 0;
  uint64_t signed_height = 0;  // the sign state's last signature (0: none)
  uint32_t signed_round = 0;
  std::string precommit;  // the block hash it precommitted at (signed_height, signed_round), or ""
};
ReplayReport replay_store(const std::filesystem::path& datadir,
                          const std::filesystem::path& genesis = {});

// The block `node` committed at the height of `r`'s last signature, if it committed that height
// in the same round, is the one the sign state says this node precommitted there: a restarted
// validator did not sign another block at a height and round it had signed.
::testing::AssertionResult precommit_honoured(const rpc::RpcClient& node, const ReplayReport& r);

uint64_t rpc_height(const rpc::RpcClient& node);  // 0 if unreachable
std::optional<std::string> rpc_hash_at(const rpc::RpcClient& node, uint64_t h);

}  // namespace swarmchain::test

// The fixture of the registry scenario (registry_scenario_itest.cpp): one devnet node, the
// accounts and the plan of forty service nodes, the phases of the scenario as methods that share
// that state, the tools they use (wallet runs, RPC reads, the swarm and supply checks), and a
// brute-force pubkey -> swarm reference written from design §5.7 alone.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

inline constexpr uint64_t kCoin = 1'000'000'000ULL;
inline constexpr int kDevAccounts = 12;
inline constexpr uint64_t kUnassigned = UINT64_MAX;  // swarm id of a node without a swarm

// ---- small helpers --------------------------------------------------------------------------

// Runs `tasks` on `workers` threads (each task once). Used to run the wallets of different
// accounts side by side; one account's commands stay in one task, in order (nonces).
void run_parallel(std::size_t workers, const std::vector<std::function<void()>>& tasks);

// The JSON object a `--json` command printed (stdout and stderr are interleaved in `out`).
std::optional<json> json_line(const std::string& out);

std::vector<std::string> nonempty_lines(const std::string& out);

Bytes hex_bytes(const json& j);

std::string tail(const std::string& text, std::size_t lines);

std::string hex_of(const uint8_t* p, std::size_t n, bool upper = false);

// ---- pubkey -> swarm, written from design §5.7 alone (a brute-force reference) --------------

// 32-byte key (a 33-byte one has already lost its network byte): XOR of four big-endian u64.
uint64_t reference_space(const std::array<uint8_t, 32>& key);

// Nearest swarm on the ring mod 2^64: the closest id clockwise (id − space) and the closest
// counter-clockwise (space − id), by scanning every id; the clockwise one only if strictly
// nearer (ties go left).
uint64_t reference_swarm(uint64_t space, const std::vector<uint64_t>& ids, bool* tie = nullptr);

// ---- the scenario ---------------------------------------------------------------------------

struct Account {
  std::string keystore;
  std::string address;
};

enum class Kind { kSolo, kMulti, kReserved, kAwaiting };

struct PlannedStake {
  int account;
  std::string amount_text;  // as typed after `sn stake <pk>`
  uint64_t expected;        // atomic
};

struct PlannedNode {
  Kind kind = Kind::kSolo;
  int op = 0;       // account index (0 = dev wallet)
  std::string fee;  // "" = prepare-registration's default (0%)
  uint16_t fee_bps = 0;
  std::string operator_stake;    // "" = the default (everything the reserved spots leave)
  uint64_t operator_amount = 0;  // atomic
  int reserved_account = -1;     // kReserved: the account holding the 30-coin spot
  std::vector<PlannedStake> stakes;
  // filled in while running
  std::filesystem::path datadir;
  std::string pubkey;
  std::string registration;
  std::string register_txid;
};

struct TxRecord {
  std::string txid;
  int account;
  std::string what;
};

class RegistryScenario : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // ---- the phases, in the order the scenario runs them --------------------------------------
  // Each is one SCOPED_TRACE section. A phase that returns early because a wallet run failed
  // leaves HasFailure() set, and the scenario stops there. Phases 1 and 2 are defined in
  // registry_scenario_staking.cpp, 3 to 7 in registry_scenario_checks.cpp.

  // 1. swarmchaind --dev --dev-accounts 12: the accounts' addresses and the genesis.
  void start_devnet();
  // 2. forty nodes: 31 solo, 6 with several contributors, one with a reserved spot, two awaiting.
  void plan_forty_nodes();
  void prepare_registrations();          // keygen and prepare-registration for each
  void register_nodes();                 // sn register, one wallet run per node
  void refuse_partial_reserved_stake();  // a reserved spot is filled entirely or not at all
  void stake_on_multi_and_reserved();    // the contributors' sn stake
  // 3. the registry and the swarms over RPC.
  void check_states_and_contributors();  // get_service_nodes
  void check_swarm_table();              // get_swarms
  void check_get_swarm_against_reference();
  // 4. a registry proof checked by the light client, and refused once a byte changes.
  void check_registry_proof();
  // 5. a contributor unlocks a multi-contributor node; it leaves at the announced height.
  void unlock_and_see_the_node_leave();
  // 6. Σ balances + Σ stakes = genesis + H · reward − Σ fees.
  void check_every_coin_accounted_for();
  // 7. SIGTERM, restart: the same registry, and the chain goes on.
  void restart_with_the_same_registry();
  // SIGTERM at the end: a clean exit.
  void stop_node();

  // ---- tools (registry_scenario.cpp) ---------------------------------------------------------

  // Time since start_devnet() began, as "<n> ms".
  std::string elapsed() const;

  void start_node(const std::string& log);

  std::filesystem::path datadir() const { return dir_ / "data"; }
  rpc::RpcClient rpc() const { return rpc::RpcClient(url_); }

  // An RPC that must succeed; a failure is recorded and null returned.
  json call(const std::string& method, const json& params = json::object()) const;

  uint64_t height() const;

  RunResult wallet(int account, std::vector<std::string> args, bool json_out = true) const;

  // Runs a tx-sending wallet command that must succeed; remembers the txid for the fee sum.
  std::optional<json> send(int account, const std::vector<std::string>& args,
                           const std::string& what);

  // Waits until every tx in txs_[from..] is in a block.
  void wait_confirmed(std::size_t from, std::chrono::seconds timeout);

  json tx(const std::string& txid) const { return call("get_transaction", {{"txid", txid}}); }

  // Index in plan_ of the first kMulti node, and of the kReserved one.
  std::size_t first_multi_index() const;
  std::size_t reserved_index() const;

  // -- registry reads --

  // get_service_nodes as pubkey -> entry, with its height.
  std::map<std::string, json> service_nodes(uint64_t* at_height = nullptr) const;

  // get_swarms as id -> members.
  std::map<uint64_t, std::vector<std::string>> swarms(uint64_t* at_height = nullptr) const;

  // A registry and a swarm table read at one height (retried if a block lands in between).
  void consistent_registry(std::map<std::string, json>& nodes,
                           std::map<uint64_t, std::vector<std::string>>& table, uint64_t& h);

  // The swarm invariants over one consistent read: every active node in exactly one swarm (the
  // one its record names), every swarm has >= min_swarm_size members, which are all active
  // nodes; non-active nodes in no swarm.
  void check_swarm_invariants(const std::map<std::string, json>& nodes,
                              const std::map<uint64_t, std::vector<std::string>>& table);

  // Σ balances of every account + Σ stakes in records == genesis + H · reward − Σ fees, read at
  // one height H. Returns H.
  uint64_t check_supply();

  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::string url_;
  std::unique_ptr<Process> node_;
  Clock::time_point t0_;
  json genesis_;
  std::vector<Account> accounts_;  // [0] the dev wallet, [i] dev-accounts/account-i.json
  std::vector<PlannedNode> plan_;
  std::mutex txs_mu_;
  std::vector<TxRecord> txs_;
  // The registry read by check_states_and_contributors(), replaced after the unlock.
  std::map<std::string, json> nodes_;
  std::map<uint64_t, std::vector<std::string>> table_;
  uint64_t registry_height_ = 0;
};

}  // namespace swarmchain::test

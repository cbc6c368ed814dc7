// One end-to-end registry scenario with the real binaries, driven the way a user would:
// `swarmchaind --dev --dev-accounts 12`, `swarmchaind keygen` / `prepare-registration` for 40
// service nodes, `swarmchain-wallet sn register | stake | unlock`, then checks over JSON-RPC:
//   1. states and contributors of every node (solo, multi-contributor, reserved spot, awaiting);
//   2. swarms: every active node in exactly one swarm of >= MIN members, awaiting nodes in none;
//      get_swarm for a few hundred user pubkeys against a brute-force reference written here
//      from design §5.7 (not the registry's own code), including ties and wrap-around;
//   3. a registry proof checked with the light client, and refused once a byte changes;
//   4. an unlock by a (non-operator) contributor: the node leaves at the announced height,
//      swarms stay valid, nobody's locked_stakes lists it any more;
//   5. the supply: Σ balances + Σ stakes = genesis + H · reward − Σ fees, exactly, at one height;
//   6. SIGTERM and restart: the same registry, and the chain goes on.
//
// It is one TEST_F because ctest runs every TEST_F in its own process (gtest_discover_tests),
// and the steps share one node. Each step is a SCOPED_TRACE section.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/codec.h"
#include "common/commit.h"
#include "common/hex.h"
#include "common/merkle.h"
#include "registry/light_client.h"
#include "registry/service_node.h"
#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kCoin = 1'000'000'000ULL;
constexpr int kDevAccounts = 12;
constexpr uint64_t kUnassigned = UINT64_MAX;  // swarm id of a node without a swarm

// ---- small helpers --------------------------------------------------------------------------

// Runs `tasks` on `workers` threads (each task once). Used to run the wallets of different
// accounts side by side; one account's commands stay in one task, in order (nonces).
void run_parallel(std::size_t workers, const std::vector<std::function<void()>>& tasks) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < std::min(workers, tasks.size()); ++w)
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
    });
  for (auto& t : threads) t.join();
}

// The JSON object a `--json` command printed (stdout and stderr are interleaved in `out`).
std::optional<json> json_line(const std::string& out) {
  std::istringstream in(out);
  std::string line;
  std::optional<json> found;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    try {
      found = json::parse(line);
    } catch (...) {
    }
  }
  return found;
}

std::vector<std::string> nonempty_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  return lines;
}

Bytes hex_bytes(const json& j) {
  auto b = from_hex(j.get<std::string>());
  EXPECT_TRUE(b.has_value()) << "not hex: " << j;
  return b.value_or(Bytes{});
}

std::string tail(const std::string& text, std::size_t lines) {
  auto all = nonempty_lines(text);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += all[i] + "\n";
  return out;
}

// ---- pubkey -> swarm, written from design §5.7 alone (a brute-force reference) --------------

// 32-byte key (a 33-byte one has already lost its network byte): XOR of four big-endian u64.
uint64_t reference_space(const std::array<uint8_t, 32>& key) {
  uint64_t space = 0;
  for (int chunk = 0; chunk < 4; ++chunk) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v = (v << 8) | key[static_cast<std::size_t>(8 * chunk + b)];
    space ^= v;
  }
  return space;
}

// Nearest swarm on the ring mod 2^64: the closest id clockwise (id − space) and the closest
// counter-clockwise (space − id), by scanning every id; the clockwise one only if strictly
// nearer (ties go left).
uint64_t reference_swarm(uint64_t space, const std::vector<uint64_t>& ids, bool* tie = nullptr) {
  std::optional<uint64_t> right, left;
  uint64_t d_right = 0, d_left = 0;
  for (uint64_t id : ids) {
    const uint64_t dr = id - space;  // unsigned: mod 2^64
    const uint64_t dl = space - id;
    if (!right || dr < d_right) {
      right = id;
      d_right = dr;
    }
    if (!left || dl < d_left) {
      left = id;
      d_left = dl;
    }
  }
  if (tie) *tie = *right != *left && d_right == d_left;
  return d_right < d_left ? *right : *left;
}

std::string hex_of(const uint8_t* p, std::size_t n, bool upper = false) {
  static const char* lo = "0123456789abcdef";
  static const char* up = "0123456789ABCDEF";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += (upper ? up : lo)[p[i] >> 4];
    s += (upper ? up : lo)[p[i] & 15];
  }
  return s;
}

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
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = make_temp_dir("registry-scenario");
    port_ = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    std::ofstream(dir_ / "pw") << "dev\n";
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const char* log : {"node.log", "node2.log"})
        if (std::filesystem::exists(dir_ / log))
          std::cerr << "---- last lines of " << log << " ----\n" << tail(read_text(dir_ / log), 40);
    }
    node_.reset();  // SIGKILL if still running, and reaped
    std::filesystem::remove_all(dir_);
  }

  // -- processes --

  void start_node(const std::string& log) {
    node_ = std::make_unique<Process>(
        std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir", datadir().string(),
                                 "--dev-accounts", std::to_string(kDevAccounts), "--rpc-bind",
                                 "127.0.0.1:" + std::to_string(port_), "--log-level", "info"},
        dir_ / log);
    ASSERT_TRUE(wait_until([&] { return rpc().call("get_info").has_value(); }, 60s))
        << "node did not answer; log:\n"
        << read_text(dir_ / log);
  }

  std::filesystem::path datadir() const { return dir_ / "data"; }
  rpc::RpcClient rpc() const { return rpc::RpcClient(url_); }

  // An RPC that must succeed; a failure is recorded and null returned.
  json call(const std::string& method, const json& params = json::object()) const {
    auto r = rpc().call(method, params);
    if (!r) {
      ADD_FAILURE() << method << " " << params.dump() << " failed: " << r.error().message;
      return json();
    }
    return *r;
  }

  uint64_t height() const {
    auto r = rpc().call("get_info");
    return r ? (*r)["height"].get<uint64_t>() : 0;
  }

  RunResult wallet(int account, std::vector<std::string> args, bool json_out = true) const {
    std::vector<std::string> argv{bin_path("swarmchain-wallet"),
                                  "--keystore",
                                  accounts_[static_cast<std::size_t>(account)].keystore,
                                  "--node",
                                  url_,
                                  "--password-file",
                                  (dir_ / "pw").string()};
    if (json_out) argv.push_back("--json");
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  // Runs a tx-sending wallet command that must succeed; remembers the txid for the fee sum.
  std::optional<json> send(int account, const std::vector<std::string>& args,
                           const std::string& what) {
    RunResult r = wallet(account, args);
    auto j = json_line(r.out);
    if (r.exit_code != 0 || !j || !j->contains("txid")) {
      ADD_FAILURE() << what << ": wallet exit " << r.exit_code << ": " << r.out;
      return std::nullopt;
    }
    std::lock_guard lock(txs_mu_);
    txs_.push_back({(*j)["txid"].get<std::string>(), account, what});
    return j;
  }

  // Waits until every tx in txs_[from..] is in a block.
  void wait_confirmed(std::size_t from, std::chrono::seconds timeout) {
    std::set<std::string> pending;
    for (std::size_t i = from; i < txs_.size(); ++i) pending.insert(txs_[i].txid);
    bool ok = wait_until(
        [&] {
          for (auto it = pending.begin(); it != pending.end();) {
            auto r = rpc().call("get_transaction", {{"txid", *it}});
            if (r && (*r)["status"] == "confirmed")
              it = pending.erase(it);
            else
              ++it;
          }
          return pending.empty();
        },
        timeout);
    ASSERT_TRUE(ok) << pending.size() << " tx(s) not included, e.g. " << *pending.begin();
  }

  json tx(const std::string& txid) const { return call("get_transaction", {{"txid", txid}}); }

  // -- registry reads --

  // get_service_nodes as pubkey -> entry, with its height.
  std::map<std::string, json> service_nodes(uint64_t* at_height = nullptr) const {
    json r = call("get_service_nodes");
    std::map<std::string, json> out;
    if (r.is_null()) return out;
    for (const json& e : r["service_node_states"])
      out[e["service_node_pubkey"].get<std::string>()] = e;
    if (at_height) *at_height = r["height"].get<uint64_t>();
    return out;
  }

  // get_swarms as id -> members.
  std::map<uint64_t, std::vector<std::string>> swarms(uint64_t* at_height = nullptr) const {
    json r = call("get_swarms");
    std::map<uint64_t, std::vector<std::string>> out;
    if (r.is_null()) return out;
    for (const json& s : r["swarms"]) {
      const uint64_t id = s["swarm_id"].get<uint64_t>();
      EXPECT_FALSE(out.count(id)) << "swarm " << id << " listed twice";
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(id));
      EXPECT_EQ(s["swarm"], std::string(hex));
      out[id] = s["members"].get<std::vector<std::string>>();
    }
    if (at_height) *at_height = r["height"].get<uint64_t>();
    return out;
  }

  // A registry and a swarm table read at one height (retried if a block lands in between).
  void consistent_registry(std::map<std::string, json>& nodes,
                           std::map<uint64_t, std::vector<std::string>>& table, uint64_t& h) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      uint64_t h1 = 0, h2 = 1;
      nodes = service_nodes(&h1);
      table = swarms(&h2);
      if (h1 == h2) {
        h = h1;
        return;
      }
    }
    FAIL() << "could not read get_service_nodes and get_swarms at one height";
  }

  // The swarm invariants over one consistent read: every active node in exactly one swarm (the
  // one its record names), every swarm has >= min_swarm_size members, which are all active
  // nodes; non-active nodes in no swarm.
  void check_swarm_invariants(const std::map<std::string, json>& nodes,
                              const std::map<uint64_t, std::vector<std::string>>& table) {
    const uint64_t min_size = genesis_["params"]["min_swarm_size"].get<uint64_t>();
    std::map<std::string, std::vector<uint64_t>> seen;
    ASSERT_FALSE(table.empty());
    for (const auto& [id, members] : table) {
      EXPECT_NE(id, kUnassigned);
      EXPECT_GE(members.size(), min_size) << "swarm " << id << " is below the minimum size";
      for (const std::string& pk : members) seen[pk].push_back(id);
    }
    std::size_t active = 0;
    for (const auto& [pk, e] : nodes) {
      if (e["state"] == "active") {
        ++active;
        EXPECT_TRUE(e["active"].get<bool>()) << pk;
        ASSERT_EQ(seen[pk].size(), 1u)
            << "active node " << pk << " is in " << seen[pk].size() << " swarms";
        EXPECT_EQ(e["swarm_id"].get<uint64_t>(), seen[pk][0]) << pk;
      } else {
        EXPECT_FALSE(e["active"].get<bool>()) << pk;
        EXPECT_EQ(seen.count(pk), 0u) << "non-active node " << pk << " is in a swarm";
        EXPECT_EQ(e["swarm_id"].get<uint64_t>(), kUnassigned) << pk;
      }
    }
    for (const auto& [pk, ids] : seen)
      EXPECT_TRUE(nodes.count(pk)) << "swarm member " << pk << " has no record";
    EXPECT_EQ(seen.size(), active);
  }

  // Σ balances of every account + Σ stakes in records == genesis + H · reward − Σ fees, read at
  // one height H. Returns H.
  uint64_t check_supply() {
    const uint64_t reward = genesis_["params"]["block_reward"].get<uint64_t>();
    uint64_t genesis_total = 0;
    for (const json& a : genesis_["accounts"]) genesis_total += a["balance"].get<uint64_t>();
    for (const json& s : genesis_["service_nodes"]) genesis_total += s["stake"].get<uint64_t>();
    uint64_t fees = 0;
    for (const TxRecord& t : txs_) {
      json j = tx(t.txid);
      EXPECT_EQ(j["status"], "confirmed") << t.what;
      EXPECT_EQ(j["from"], accounts_[static_cast<std::size_t>(t.account)].address) << t.what;
      fees += j["fee"].get<uint64_t>();
    }
    std::set<std::string> known;
    for (const Account& a : accounts_) known.insert(a.address);

    for (int attempt = 0; attempt < 50; ++attempt) {
      uint64_t h = 0;
      auto nodes = service_nodes(&h);
      bool same_height = true;
      uint64_t balances = 0;
      for (const Account& a : accounts_) {
        json acct = call("get_account", {{"address", a.address}});
        if (acct.is_null()) return 0;
        same_height = same_height && acct["height"].get<uint64_t>() == h;
        balances += acct["balance"].get<uint64_t>();
      }
      if (!same_height) continue;  // a block landed while reading: read again
      uint64_t staked = 0, rewards = 0;
      for (const auto& [pk, e] : nodes) {
        staked += e["total_contributed"].get<uint64_t>();
        rewards += e["rewards_earned"].get<uint64_t>();
        uint64_t sum = 0;
        for (const json& c : e["contributors"]) {
          sum += c["amount"].get<uint64_t>();
          // Rewards and returned stakes go to contributors only: they must be accounts we sum.
          EXPECT_TRUE(known.count(c["address"].get<std::string>()))
              << "contributor " << c["address"] << " of " << pk << " is not a known account";
        }
        EXPECT_EQ(sum, e["total_contributed"].get<uint64_t>()) << pk;
      }
      EXPECT_EQ(balances + staked, genesis_total + h * reward - fees)
          << "at height " << h << ": balances " << balances << " + staked " << staked
          << " vs genesis " << genesis_total << " + " << h << " x " << reward << " - fees " << fees
          << " (difference "
          << static_cast<int64_t>(balances + staked - (genesis_total + h * reward - fees))
          << " atomic units)";
      EXPECT_LE(rewards, h * reward) << "Σ rewards_earned over the records exceeds the issuance";
      EXPECT_GT(rewards, 0u);
      return h;
    }
    ADD_FAILURE() << "could not read every account at one height";
    return 0;
  }

  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::string url_;
  std::unique_ptr<Process> node_;
  json genesis_;
  std::vector<Account> accounts_;  // [0] the dev wallet, [i] dev-accounts/account-i.json
  std::vector<PlannedNode> plan_;
  std::mutex txs_mu_;
  std::vector<TxRecord> txs_;
};

TEST_F(RegistryScenario, FortyNodesStakeSwarmProveUnlockAddUpAndSurviveARestart) {
  const auto t0 = Clock::now();
  auto elapsed = [&] {
    return std::to_string(
               std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()) +
           " ms";
  };

  // ---- 1. the devnet, its accounts and genesis ----------------------------------------------
  {
    SCOPED_TRACE("step 1: start swarmchaind --dev --dev-accounts 12");
    ASSERT_NO_FATAL_FAILURE(start_node("node.log"));
    genesis_ = json::parse(read_text(datadir() / "genesis.json"));
    accounts_.push_back({(datadir() / "dev-wallet.json").string(), ""});
    for (int i = 1; i <= kDevAccounts; ++i)
      accounts_.push_back(
          {(datadir() / "dev-accounts" / ("account-" + std::to_string(i) + ".json")).string(), ""});
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
      RunResult r = wallet(static_cast<int>(i), {"address"});
      auto j = json_line(r.out);
      ASSERT_TRUE(r.exit_code == 0 && j) << r.out;
      accounts_[i].address = (*j)["address"].get<std::string>();
    }
    // The genesis funds exactly these 13 accounts, and its one node is the dev wallet's:
    // nobody else can hold coins unless one of them sends some (the test sends no transfers).
    ASSERT_EQ(genesis_["accounts"].size(), accounts_.size());
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
      EXPECT_EQ(genesis_["accounts"][i]["address"], accounts_[i].address);
      EXPECT_EQ(genesis_["accounts"][i]["balance"].get<uint64_t>(),
                (i == 0 ? 1'000'000 : 100'000) * kCoin);
    }
    ASSERT_EQ(genesis_["service_nodes"].size(), 1u);
    EXPECT_EQ(genesis_["service_nodes"][0]["operator"], accounts_[0].address);
    EXPECT_EQ(genesis_["service_nodes"][0]["stake"].get<uint64_t>(), 100 * kCoin);
    const json& p = genesis_["params"];
    EXPECT_EQ(p["staking_requirement"].get<uint64_t>(), 100 * kCoin);
    EXPECT_EQ(p["min_operator_stake"].get<uint64_t>(), 25 * kCoin);
    EXPECT_EQ(p["block_reward"].get<uint64_t>(), kCoin);
    EXPECT_EQ(p["unlock_delay_blocks"].get<uint64_t>(), 40u);
    EXPECT_EQ(p["min_swarm_size"].get<uint64_t>(), 5u);
    if (HasFailure()) return;
  }

  // ---- 2. forty node keys, registrations, stakes --------------------------------------------
  // 31 solo nodes over the 13 accounts, 6 nodes with several contributors (operator 25, fee
  // 10%), one with a reserved spot, two left awaiting.
  for (int i = 0; i < 31; ++i) {
    PlannedNode n;
    n.kind = Kind::kSolo;
    n.op = i % 13;
    if (i % 3 == 1) n.fee = "5%", n.fee_bps = 500;
    if (i % 3 == 2) n.fee = "2.5%", n.fee_bps = 250;
    n.operator_amount = 100 * kCoin;
    plan_.push_back(n);
  }
  auto account_mod = [](int a) { return (a - 1) % kDevAccounts + 1; };  // into 1..12
  for (int k = 0; k < 6; ++k) {
    PlannedNode n;
    n.kind = Kind::kMulti;
    n.op = 1 + k;
    n.fee = "10%", n.fee_bps = 1000;
    n.operator_stake = "25", n.operator_amount = 25 * kCoin;
    if (k % 2 == 0) {
      for (int c = 0; c < 3; ++c) n.stakes.push_back({account_mod(7 + k + c), "25%", 25 * kCoin});
    } else {
      n.stakes.push_back({account_mod(7 + k), "35", 35 * kCoin});
      n.stakes.push_back({account_mod(8 + k), "40%", 40 * kCoin});
    }
    plan_.push_back(n);
  }
  {
    PlannedNode n;
    n.kind = Kind::kReserved;
    n.op = 7;
    n.fee = "5%", n.fee_bps = 500;
    n.operator_stake = "70", n.operator_amount = 70 * kCoin;
    n.reserved_account = 8;
    n.stakes.push_back({8, "30", 30 * kCoin});
    plan_.push_back(n);
  }
  for (int op : {9, 10}) {
    PlannedNode n;
    n.kind = Kind::kAwaiting;
    n.op = op;
    n.operator_stake = "25", n.operator_amount = 25 * kCoin;
    plan_.push_back(n);
  }
  ASSERT_EQ(plan_.size(), 40u);

  {
    SCOPED_TRACE("step 2a: keygen and prepare-registration for 40 nodes");
    std::vector<std::function<void()>> tasks;
    for (std::size_t i = 0; i < plan_.size(); ++i)
      tasks.push_back([this, i] {
        PlannedNode& n = plan_[i];
        n.datadir = dir_ / ("sn-" + std::to_string(i));
        RunResult k = run({bin_path("swarmchaind"), "keygen", "--datadir", n.datadir.string()});
        std::smatch m;
        if (k.exit_code != 0 ||
            !std::regex_search(k.out, m, std::regex("public key: ([0-9a-f]{64})"))) {
          ADD_FAILURE() << "keygen " << i << ": " << k.out;
          return;
        }
        n.pubkey = m[1];
        std::vector<std::string> argv{bin_path("swarmchaind"),
                                      "prepare-registration",
                                      "--datadir",
                                      n.datadir.string(),
                                      "--node",
                                      url_,
                                      "--operator",
                                      accounts_[static_cast<std::size_t>(n.op)].address};
        if (!n.operator_stake.empty())
          argv.insert(argv.end(), {"--operator-stake", n.operator_stake});
        if (!n.fee.empty()) argv.insert(argv.end(), {"--fee", n.fee});
        if (n.reserved_account >= 0)
          argv.insert(argv.end(),
                      {"--reserve",
                       accounts_[static_cast<std::size_t>(n.reserved_account)].address + ":30"});
        RunResult p = run(argv);
        std::vector<std::string> regs;
        for (const std::string& line : nonempty_lines(p.out))
          if (line.rfind("swreg1", 0) == 0) regs.push_back(line);
        if (p.exit_code != 0 || regs.size() != 1) {
          ADD_FAILURE() << "prepare-registration " << i << ": exit " << p.exit_code << ": "
                        << p.out;
          return;
        }
        n.registration = regs[0];
      });
    run_parallel(2, tasks);
    if (HasFailure()) return;
    std::set<std::string> unique;
    for (const PlannedNode& n : plan_) unique.insert(n.pubkey);
    ASSERT_EQ(unique.size(), plan_.size()) << "keygen made the same key twice";
    std::cerr << "[scenario] keys and registrations ready at " << elapsed() << "\n";
  }

  {
    SCOPED_TRACE("step 2b: sn register x40 (one wallet run per node, accounts in parallel)");
    std::map<int, std::vector<std::size_t>> by_operator;
    for (std::size_t i = 0; i < plan_.size(); ++i) by_operator[plan_[i].op].push_back(i);
    std::vector<std::function<void()>> tasks;
    for (const auto& [op, nodes] : by_operator)
      tasks.push_back([this, op = op, nodes = nodes] {
        for (std::size_t i : nodes) {
          PlannedNode& n = plan_[i];
          auto j =
              send(op, {"sn", "register", n.registration}, "register node " + std::to_string(i));
          if (!j) return;
          n.register_txid = (*j)["txid"].get<std::string>();
          EXPECT_EQ((*j)["sn_pubkey"], n.pubkey);
          EXPECT_EQ((*j)["amount"].get<uint64_t>(), n.operator_amount) << "node " << i;
        }
      });
    run_parallel(3, tasks);
    if (HasFailure()) return;
    ASSERT_NO_FATAL_FAILURE(wait_confirmed(0, 60s));
    std::cerr << "[scenario] 40 registrations included at " << elapsed() << ", height " << height()
              << "\n";
  }

  std::size_t reserved_index = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    if (plan_[i].kind == Kind::kReserved) reserved_index = i;

  {
    SCOPED_TRACE("step 2c: a reserved spot is filled entirely or not at all");
    const PlannedNode& n = plan_[reserved_index];
    RunResult r = wallet(n.reserved_account, {"sn", "stake", n.pubkey, "10"}, /*json_out=*/false);
    EXPECT_NE(r.exit_code, 0) << r.out;
    auto lines = nonempty_lines(r.out);
    EXPECT_EQ(lines.size(), 1u) << "a refusal is explained in one line, got:\n" << r.out;
    EXPECT_NE(r.out.find("30"), std::string::npos)
        << "the refusal should name the 30 reserved: " << r.out;
    // Nothing was sent: the account's nonce and its pending nonce did not move.
    json acct =
        call("get_account",
             {{"address", accounts_[static_cast<std::size_t>(n.reserved_account)].address}});
    EXPECT_EQ(acct["nonce"], acct["pending_nonce"]);
  }

  {
    SCOPED_TRACE("step 2d: contributors stake on the multi-contributor and reserved nodes");
    const std::size_t first_stake_tx = txs_.size();
    std::map<int, std::vector<std::pair<std::size_t, std::size_t>>> by_staker;  // (node, stake)
    for (std::size_t i = 0; i < plan_.size(); ++i)
      for (std::size_t s = 0; s < plan_[i].stakes.size(); ++s)
        by_staker[plan_[i].stakes[s].account].push_back({i, s});
    std::vector<std::function<void()>> tasks;
    for (const auto& [acct, items] : by_staker)
      tasks.push_back([this, acct = acct, items = items] {
        for (auto [i, s] : items) {
          const PlannedStake& st = plan_[i].stakes[s];
          auto j = send(acct, {"sn", "stake", plan_[i].pubkey, st.amount_text},
                        "stake " + st.amount_text + " on node " + std::to_string(i));
          if (j) {
            EXPECT_EQ((*j)["amount"].get<uint64_t>(), st.expected) << st.amount_text;
          }
        }
      });
    run_parallel(3, tasks);
    if (HasFailure()) return;
    ASSERT_NO_FATAL_FAILURE(wait_confirmed(first_stake_tx, 60s));
    std::cerr << "[scenario] " << (txs_.size() - first_stake_tx) << " stakes included at "
              << elapsed() << "\n";
  }

  // ---- 3. registry and swarms over RPC ------------------------------------------------------
  std::map<std::string, json> nodes;
  std::map<uint64_t, std::vector<std::string>> table;
  uint64_t registry_height = 0;
  {
    SCOPED_TRACE("step 3a: get_service_nodes: states and contributors");
    ASSERT_NO_FATAL_FAILURE(consistent_registry(nodes, table, registry_height));
    ASSERT_EQ(nodes.size(), plan_.size() + 1) << "40 registered nodes plus the genesis node";
    const std::string genesis_pk = genesis_["service_nodes"][0]["pubkey"].get<std::string>();
    ASSERT_TRUE(nodes.count(genesis_pk));
    EXPECT_EQ(nodes[genesis_pk]["state"], "active");
    for (std::size_t i = 0; i < plan_.size(); ++i) {
      const PlannedNode& n = plan_[i];
      SCOPED_TRACE("node " + std::to_string(i) + " " + n.pubkey);
      ASSERT_TRUE(nodes.count(n.pubkey));
      const json& e = nodes[n.pubkey];
      const bool funded = n.kind != Kind::kAwaiting;
      EXPECT_EQ(e["state"], funded ? "active" : "awaiting");
      EXPECT_EQ(e["active"].get<bool>(), funded);
      EXPECT_EQ(e["funded"].get<bool>(), funded);
      EXPECT_EQ(e["pubkey_ed25519"], n.pubkey);
      EXPECT_EQ(e["operator_address"], accounts_[static_cast<std::size_t>(n.op)].address);
      EXPECT_EQ(e["operator_fee"].get<uint64_t>(), n.fee_bps);
      EXPECT_EQ(e["staking_requirement"].get<uint64_t>(), 100 * kCoin);
      EXPECT_EQ(e["requested_unlock_height"].get<uint64_t>(), 0u);
      EXPECT_EQ(e["registration_height"], tx(n.register_txid)["height"]);
      // x25519 key: the birational map of the ed25519 key, computed here with libsodium.
      std::array<uint8_t, 32> ed{}, x{};
      ASSERT_EQ(from_hex(n.pubkey)->size(), 32u);
      std::copy_n(from_hex(n.pubkey)->begin(), 32, ed.begin());
      ASSERT_EQ(crypto_sign_ed25519_pk_to_curve25519(x.data(), ed.data()), 0);
      EXPECT_EQ(e["pubkey_x25519"], hex_of(x.data(), 32));
      // Contributors: address -> (amount, reserved).
      std::map<std::string, std::pair<uint64_t, uint64_t>> want;
      want[accounts_[static_cast<std::size_t>(n.op)].address] = {n.operator_amount,
                                                                 n.operator_amount};
      for (const PlannedStake& s : n.stakes)
        want[accounts_[static_cast<std::size_t>(s.account)].address] = {
            s.expected, s.account == n.reserved_account ? 30 * kCoin : 0};
      std::map<std::string, std::pair<uint64_t, uint64_t>> got;
      for (const json& c : e["contributors"])
        got[c["address"].get<std::string>()] = {c["amount"].get<uint64_t>(),
                                                c["reserved"].get<uint64_t>()};
      EXPECT_EQ(got, want);
      ASSERT_FALSE(e["contributors"].empty());
      EXPECT_EQ(e["contributors"][0]["address"], accounts_[static_cast<std::size_t>(n.op)].address)
          << "the operator is contributor 0";
      uint64_t total = n.operator_amount;
      for (const PlannedStake& s : n.stakes) total += s.expected;
      EXPECT_EQ(e["total_contributed"].get<uint64_t>(), total);
      if (n.kind == Kind::kSolo) {
        EXPECT_EQ(e["active_since_height"], e["registration_height"]);
      }
      if (n.kind == Kind::kAwaiting) {
        EXPECT_TRUE(e["active_since_height"].is_null());
      }
    }
  }

  {
    SCOPED_TRACE("step 3b: get_swarms: every active node in one swarm, swarms >= 5");
    ASSERT_NO_FATAL_FAILURE(check_swarm_invariants(nodes, table));
    std::size_t members = 0;
    for (const auto& [id, m] : table) members += m.size();
    std::size_t funded = 1;  // the genesis node
    for (const PlannedNode& n : plan_) funded += n.kind != Kind::kAwaiting;
    EXPECT_EQ(funded, 39u) << "the genesis node, 31 solo, 6 multi and 1 reserved-spot node";
    EXPECT_EQ(members, funded);
    std::cerr << "[scenario] " << table.size() << " swarms over " << members
              << " active nodes at height " << registry_height << "\n";
  }

  {
    SCOPED_TRACE("step 3c: get_swarm for user pubkeys vs a brute-force reference");
    std::vector<uint64_t> ids;
    for (const auto& [id, m] : table) ids.push_back(id);  // ascending (std::map)
    std::mt19937_64 rng(0x5eed5eedULL ^ static_cast<uint64_t>(port_));
    // Keys whose space is a chosen value: three random chunks, the fourth fixed by the XOR.
    auto key_with_space = [&](uint64_t space) {
      std::array<uint8_t, 32> k{};
      uint64_t x = space;
      for (int c = 0; c < 3; ++c) {
        uint64_t v = rng();
        x ^= v;
        for (int b = 0; b < 8; ++b)
          k[static_cast<std::size_t>(8 * c + b)] = uint8_t(v >> (56 - 8 * b));
      }
      for (int b = 0; b < 8; ++b) k[static_cast<std::size_t>(24 + b)] = uint8_t(x >> (56 - 8 * b));
      return k;
    };
    std::vector<std::array<uint8_t, 32>> keys;
    for (int i = 0; i < 220; ++i) {
      std::array<uint8_t, 32> k{};
      for (auto& b : k) b = static_cast<uint8_t>(rng());
      keys.push_back(k);
    }
    // The edges: each id, its neighbours, the midpoints between neighbouring ids (a tie when
    // the gap is even: it goes left), the wrap-around gap, and both ends of the ring.
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const uint64_t a = ids[i], b = ids[(i + 1) % ids.size()];
      const uint64_t mid = a + (b - a) / 2;  // mod 2^64, also across the wrap
      for (uint64_t s : {a, a - 1, a + 1, mid - 1, mid, mid + 1}) keys.push_back(key_with_space(s));
    }
    for (uint64_t s : {uint64_t{0}, UINT64_MAX}) keys.push_back(key_with_space(s));

    std::size_t ties = 0, checked = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto& k = keys[i];
      std::string text;
      switch (i % 4) {
        case 0:
          text = hex_of(k.data(), 32);
          break;
        case 1:
          text = "05" + hex_of(k.data(), 32);
          break;  // Session id
        case 2:
          text = hex_of(k.data(), 32, /*upper=*/true);
          break;  // one case is fine
        default:
          text = "05" + hex_of(k.data(), 32, true);
          break;
      }
      const uint64_t space = reference_space(k);
      bool tie = false;
      const uint64_t want = reference_swarm(space, ids, &tie);
      ties += tie;
      json r = call("get_swarm", {{"pubkey", text}});
      ASSERT_FALSE(r.is_null());
      ASSERT_EQ(r["swarm_id"].get<uint64_t>(), want)
          << "pubkey " << text << " space " << space << ": node says " << r["swarm_id"]
          << ", the reference says " << want;
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(want));
      EXPECT_EQ(r["swarm"], std::string(hex));
      EXPECT_GE(r["height"].get<uint64_t>(), registry_height);
      // snodes: exactly the swarm's members, with their x25519 keys, no contact data yet.
      std::multiset<std::string> got;
      for (const json& s : r["snodes"]) {
        const std::string pk = s["pubkey_ed25519"].get<std::string>();
        got.insert(pk);
        ASSERT_TRUE(nodes.count(pk)) << pk;
        EXPECT_EQ(s["pubkey_x25519"], nodes[pk]["pubkey_x25519"]);
        EXPECT_TRUE(s.contains("ip") && s["ip"].is_null()) << s;
        EXPECT_TRUE(s.contains("port_https") && s["port_https"].is_null()) << s;
        EXPECT_TRUE(s.contains("port_omq") && s["port_omq"].is_null()) << s;
      }
      const auto& members = table[want];
      EXPECT_EQ(got, std::multiset<std::string>(members.begin(), members.end()))
          << "snodes of swarm " << want;
      ++checked;
    }
    EXPECT_GE(checked, 200u);
    // An even gap between two neighbours makes an exact tie; with random ids about half of
    // them are even, so a table of a few swarms almost always has one. Not required.
    std::cerr << "[scenario] get_swarm checked for " << checked << " pubkeys (" << ties
              << " exact ties) at " << elapsed() << "\n";

    // The wallet's `swarm` command shows the same answer.
    RunResult w = wallet(3, {"swarm", "05" + hex_of(keys[0].data(), 32)});
    auto j = json_line(w.out);
    ASSERT_TRUE(w.exit_code == 0 && j) << w.out;
    EXPECT_EQ((*j)["swarm_id"].get<uint64_t>(), reference_swarm(reference_space(keys[0]), ids));
    // The swarm table did not move while we asked (nothing was changing the active set).
    uint64_t h_after = 0;
    EXPECT_EQ(swarms(&h_after), table);
  }

  // ---- 4. a registry proof, checked by the light client -------------------------------------
  std::size_t first_multi = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    if (plan_[i].kind == Kind::kMulti) {
      first_multi = i;
      break;
    }
  {
    SCOPED_TRACE("step 4: get_registry_proof + verify_registry_answer");
    const PlannedNode& n = plan_[first_multi + 1];  // two contributors besides the operator
    json r = call("get_registry_proof", {{"pubkey", n.pubkey}});
    ASSERT_FALSE(r.is_null());
    auto record = decode_exact<ServiceNode>(hex_bytes(r["record_hex"]));
    ASSERT_TRUE(record) << record.error().message();
    auto proof = decode_exact<MerkleProof>(hex_bytes(r["proof_hex"]));
    ASSERT_TRUE(proof) << proof.error().message();
    const Bytes header = hex_bytes(r["header_hex"]);
    ASSERT_FALSE(r["certificate_hex"].is_null())
        << "the tip is past genesis, so it has a certificate";
    auto cert = decode_exact<CommitCertificate>(hex_bytes(r["certificate_hex"]));
    ASSERT_TRUE(cert) << cert.error().message();
    // Trust anchors a light client would hold: the chain id and the committee. In the dev net
    // the committee is the genesis node; check the answer's against genesis.json, not itself.
    json info = call("get_info");
    EXPECT_EQ(r["chain_id"], info["chain_id"]);
    auto chain_id = fixed_from_hex<Hash>(r["chain_id"].get<std::string>());
    ASSERT_TRUE(chain_id);
    std::vector<PubKey> committee;
    for (const json& m : r["committee"])
      committee.push_back(*fixed_from_hex<PubKey>(m.get<std::string>()));
    ASSERT_EQ(committee.size(), 1u);
    EXPECT_EQ(to_hex(committee[0]), genesis_["service_nodes"][0]["pubkey"].get<std::string>());
    // The decoded record is the node we asked for, as get_service_nodes shows it.
    EXPECT_EQ(to_hex(record->pubkey), n.pubkey);
    EXPECT_EQ(record->contributors.size(), 3u);
    EXPECT_EQ(record->total_contributed.atomic(), 100 * kCoin);
    EXPECT_EQ(r["record"]["swarm_id"], nodes[n.pubkey]["swarm_id"]);
    EXPECT_EQ(to_hex(record->to_bytes()), r["record_hex"]);

    Status ok = verify_registry_answer(*record, *proof, header, *cert, *chain_id, committee);
    EXPECT_TRUE(ok) << ok.message();

    // One flipped byte anywhere in the record: it either no longer decodes or no longer verifies.
    const Bytes bytes = record->to_bytes();
    std::size_t decodable = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      Bytes changed = bytes;
      changed[i] ^= 0x01;
      auto other = decode_exact<ServiceNode>(changed);
      if (!other) continue;
      ++decodable;
      EXPECT_FALSE(verify_registry_answer(*other, *proof, header, *cert, *chain_id, committee))
          << "a record with byte " << i << " flipped still verifies";
    }
    EXPECT_GT(decodable, bytes.size() / 2);
    // And a flipped byte of the header (its registry_root) or of a proof step.
    Bytes bad_header = header;
    bad_header[144] ^= 0x80;
    EXPECT_FALSE(verify_registry_answer(*record, *proof, bad_header, *cert, *chain_id, committee));
    ASSERT_FALSE(proof->steps.empty());
    MerkleProof bad_proof = *proof;
    bad_proof.steps[0].sibling.data[0] ^= 1;
    EXPECT_FALSE(verify_registry_answer(*record, bad_proof, header, *cert, *chain_id, committee));
  }

  // ---- 5. a contributor unlocks a multi-contributor node ------------------------------------
  {
    SCOPED_TRACE("step 5: sn unlock by a contributor, then the node leaves");
    const PlannedNode& n = plan_[first_multi];  // operator + three 25% contributors
    ASSERT_EQ(n.stakes.size(), 3u);
    const int contributor = n.stakes[1].account;
    ASSERT_NE(contributor, n.op);
    const std::size_t unlock_tx = txs_.size();
    ASSERT_TRUE(send(contributor, {"sn", "unlock", n.pubkey}, "unlock node " + n.pubkey));
    ASSERT_NO_FATAL_FAILURE(wait_confirmed(unlock_tx, 30s));
    const uint64_t tx_height = tx(txs_[unlock_tx].txid)["height"].get<uint64_t>();
    json e =
        call("get_service_nodes", {{"service_node_pubkeys", {n.pubkey}}})["service_node_states"][0];
    const uint64_t unlock_at = e["requested_unlock_height"].get<uint64_t>();
    EXPECT_EQ(unlock_at, tx_height + 40)
        << "request_unlock applies at the tx's height + unlock delay";
    ASSERT_NE(unlock_at, 0u);
    EXPECT_EQ(e["state"], "active") << "it keeps serving until the unlock height";
    // Once per node: another contributor's request is refused, in one line, and not sent.
    RunResult again = wallet(n.stakes[2].account, {"sn", "unlock", n.pubkey}, false);
    EXPECT_NE(again.exit_code, 0) << again.out;
    EXPECT_EQ(nonempty_lines(again.out).size(), 1u) << again.out;
    EXPECT_NE(again.out.find(std::to_string(unlock_at)), std::string::npos) << again.out;
    // Everyone's locked_stakes shows the date.
    for (const json& c : e["contributors"]) {
      json acct = call("get_account", {{"address", c["address"]}});
      bool listed = false;
      for (const json& s : acct["locked_stakes"])
        if (s["sn_pubkey"] == n.pubkey) {
          listed = true;
          EXPECT_EQ(s["requested_unlock_height"].get<uint64_t>(), unlock_at);
          EXPECT_EQ(s["amount"], c["amount"]);
        }
      EXPECT_TRUE(listed) << c["address"];
    }

    ASSERT_TRUE(wait_until([&] { return height() >= unlock_at; }, 60s))
        << "height " << height() << " never reached " << unlock_at;
    std::map<std::string, json> after;
    std::map<uint64_t, std::vector<std::string>> after_table;
    uint64_t h = 0;
    ASSERT_NO_FATAL_FAILURE(consistent_registry(after, after_table, h));
    EXPECT_GE(h, unlock_at);
    EXPECT_EQ(after.count(n.pubkey), 0u) << "the node is still registered at height " << h;
    EXPECT_EQ(after.size(), plan_.size());
    ASSERT_NO_FATAL_FAILURE(check_swarm_invariants(after, after_table));
    for (const json& c : e["contributors"]) {
      json acct = call("get_account", {{"address", c["address"]}});
      for (const json& s : acct["locked_stakes"])
        EXPECT_NE(s["sn_pubkey"], n.pubkey) << c["address"] << " still lists the unlocked node";
    }
    nodes = std::move(after);
    table = std::move(after_table);
    std::cerr << "[scenario] unlocked node left at height " << unlock_at << " (" << elapsed()
              << ")\n";
  }

  // ---- 6. every coin accounted for ----------------------------------------------------------
  {
    SCOPED_TRACE("step 6: supply invariant");
    const uint64_t h = check_supply();
    EXPECT_GT(h, 40u);
    std::cerr << "[scenario] supply adds up at height " << h << " over " << txs_.size() << " txs ("
              << elapsed() << ")\n";
  }

  // ---- 7. SIGTERM, restart, same registry ---------------------------------------------------
  {
    SCOPED_TRACE("step 7: SIGTERM and restart");
    auto before = service_nodes();
    auto before_table = swarms();
    node_->signal(SIGTERM);
    ASSERT_EQ(node_->wait(30s), 0) << tail(read_text(dir_ / "node.log"), 20);
    const std::string log = read_text(dir_ / "node.log");
    EXPECT_NE(log.find("stopped cleanly"), std::string::npos) << tail(log, 20);
    uint64_t last = 0;
    std::string last_hash;
    std::regex re("\\bblock (\\d+) ([0-9a-f]{64}) txs");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
         ++it)
      last = std::stoull((*it)[1]), last_hash = (*it)[2];
    ASSERT_GT(last, 0u) << "no block lines in the log";

    ASSERT_NO_FATAL_FAILURE(start_node("node2.log"));
    json block = call("get_block", {{"height", last}});
    EXPECT_EQ(block["header"]["hash"], last_hash)
        << "block " << last << " changed across the restart";
    auto again = service_nodes();
    auto again_table = swarms();
    ASSERT_EQ(again.size(), before.size());
    for (const auto& [pk, e] : before) {
      ASSERT_TRUE(again.count(pk)) << pk << " lost across the restart";
      const json& a = again[pk];
      for (const char* field : {"state", "contributors", "swarm_id", "total_contributed",
                                "operator_address", "operator_fee", "registration_height",
                                "requested_unlock_height", "pubkey_x25519", "active_since_height"})
        EXPECT_EQ(a[field], e[field]) << pk << " field " << field;
      EXPECT_GE(a["rewards_earned"].get<uint64_t>(), e["rewards_earned"].get<uint64_t>()) << pk;
    }
    EXPECT_EQ(again_table, before_table);
    ASSERT_TRUE(wait_until([&] { return height() >= last + 3; }, 20s))
        << "the chain did not go on after the restart: height " << height();
    // And the books still balance on the restarted node.
    EXPECT_GE(check_supply(), last + 3);
  }

  node_->signal(SIGTERM);
  EXPECT_EQ(node_->wait(30s), 0);
  std::cerr << "[scenario] done in " << elapsed() << "\n";
}

}  // namespace
}  // namespace swarmchain::test

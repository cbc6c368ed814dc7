// The registry scenario's tools (registry_scenario.h): the fixture's set-up and tear-down, the
// node process, wallet runs and RPC reads, the swarm and supply checks, and the brute-force
// pubkey -> swarm reference.
#include "tests/node/registry_scenario.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "common/hex.h"

namespace swarmchain::test {

using namespace std::chrono_literals;

// ---- small helpers --------------------------------------------------------------------------

void run_parallel(std::size_t workers, const std::vector<std::function<void()>>& tasks) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < std::min(workers, tasks.size()); ++w)
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
    });
  for (auto& t : threads) t.join();
}

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

std::string hex_of(const uint8_t* p, std::size_t n, bool upper) {
  static const char* lo = "0123456789abcdef";
  static const char* up = "0123456789ABCDEF";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += (upper ? up : lo)[p[i] >> 4];
    s += (upper ? up : lo)[p[i] & 15];
  }
  return s;
}

// ---- pubkey -> swarm, written from design §5.7 alone (a brute-force reference) --------------

uint64_t reference_space(const std::array<uint8_t, 32>& key) {
  uint64_t space = 0;
  for (int chunk = 0; chunk < 4; ++chunk) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v = (v << 8) | key[static_cast<std::size_t>(8 * chunk + b)];
    space ^= v;
  }
  return space;
}

uint64_t reference_swarm(uint64_t space, const std::vector<uint64_t>& ids, bool* tie) {
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

// ---- RegistryScenario: set-up, tear-down, processes ----------------------------------------

void RegistryScenario::SetUp() {
  ASSERT_GE(sodium_init(), 0);
  dir_ = make_temp_dir("registry-scenario");
  port_ = free_port();
  url_ = "http://127.0.0.1:" + std::to_string(port_);
  std::ofstream(dir_ / "pw") << "dev\n";
}

void RegistryScenario::TearDown() {
  if (HasFailure()) {
    for (const char* log : {"node.log", "node2.log"})
      if (std::filesystem::exists(dir_ / log))
        std::cerr << "---- last lines of " << log << " ----\n" << tail(read_text(dir_ / log), 40);
  }
  node_.reset();  // SIGKILL if still running, and reaped
  std::filesystem::remove_all(dir_);
}

std::string RegistryScenario::elapsed() const {
  return std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0_).count()) +
         " ms";
}

void RegistryScenario::start_node(const std::string& log) {
  node_ = std::make_unique<Process>(
      std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir", datadir().string(),
                               "--dev-accounts", std::to_string(kDevAccounts), "--rpc-bind",
                               "127.0.0.1:" + std::to_string(port_), "--log-level", "info"},
      dir_ / log);
  ASSERT_TRUE(wait_until([&] { return rpc().call("get_info").has_value(); }, 60s))
      << "node did not answer; log:\n"
      << read_text(dir_ / log);
}

json RegistryScenario::call(const std::string& method, const json& params) const {
  auto r = rpc().call(method, params);
  if (!r) {
    ADD_FAILURE() << method << " " << params.dump() << " failed: " << r.error().message;
    return json();
  }
  return *r;
}

uint64_t RegistryScenario::height() const {
  auto r = rpc().call("get_info");
  return r ? (*r)["height"].get<uint64_t>() : 0;
}

RunResult RegistryScenario::wallet(int account, std::vector<std::string> args,
                                   bool json_out) const {
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

std::optional<json> RegistryScenario::send(int account, const std::vector<std::string>& args,
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

void RegistryScenario::wait_confirmed(std::size_t from, std::chrono::seconds timeout) {
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

std::size_t RegistryScenario::first_multi_index() const {
  std::size_t first_multi = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    if (plan_[i].kind == Kind::kMulti) {
      first_multi = i;
      break;
    }
  return first_multi;
}

std::size_t RegistryScenario::reserved_index() const {
  std::size_t reserved_index = 0;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    if (plan_[i].kind == Kind::kReserved) reserved_index = i;
  return reserved_index;
}

// ---- registry reads and checks -----------------------------------------------------------

std::map<std::string, json> RegistryScenario::service_nodes(uint64_t* at_height) const {
  json r = call("get_service_nodes");
  std::map<std::string, json> out;
  if (r.is_null()) return out;
  for (const json& e : r["service_node_states"])
    out[e["service_node_pubkey"].get<std::string>()] = e;
  if (at_height) *at_height = r["height"].get<uint64_t>();
  return out;
}

std::map<uint64_t, std::vector<std::string>> RegistryScenario::swarms(uint64_t* at_height) const {
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

void RegistryScenario::consistent_registry(std::map<std::string, json>& nodes,
                                           std::map<uint64_t, std::vector<std::string>>& table,
                                           uint64_t& h) {
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

void RegistryScenario::check_swarm_invariants(
    const std::map<std::string, json>& nodes,
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

uint64_t RegistryScenario::check_supply() {
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

}  // namespace swarmchain::test

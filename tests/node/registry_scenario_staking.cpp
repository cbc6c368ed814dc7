// The registry scenario, phases 1 and 2: the devnet and its genesis, then forty service nodes
// prepared with `swarmchaind keygen` / `prepare-registration` and funded with
// `swarmchain-wallet sn register | stake`, the accounts' wallets running side by side.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "tests/node/registry_scenario.h"

namespace swarmchain::test {

using namespace std::chrono_literals;

// ---- 1. the devnet, its accounts and genesis ----------------------------------------------

void RegistryScenario::start_devnet() {
  t0_ = Clock::now();
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
}

// ---- 2. forty node keys, registrations, stakes --------------------------------------------

// 31 solo nodes over the 13 accounts, 6 nodes with several contributors (operator 25, fee
// 10%), one with a reserved spot, two left awaiting.
void RegistryScenario::plan_forty_nodes() {
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
}

void RegistryScenario::prepare_registrations() {
  SCOPED_TRACE("step 2a: keygen and prepare-registration for 40 nodes");
  // Compiled once, before the threads: compiling a std::regex writes libstdc++'s shared
  // ctype<char>::narrow cache, a race TSan reports (searching a const regex does not).
  const std::regex public_key("public key: ([0-9a-f]{64})");
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < plan_.size(); ++i)
    tasks.push_back([this, i, &public_key] {
      PlannedNode& n = plan_[i];
      n.datadir = dir_ / ("sn-" + std::to_string(i));
      RunResult k = run({bin_path("swarmchaind"), "keygen", "--datadir", n.datadir.string()});
      std::smatch m;
      if (k.exit_code != 0 ||
          !std::regex_search(k.out, m, public_key)) {
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
        argv.insert(
            argv.end(),
            {"--reserve", accounts_[static_cast<std::size_t>(n.reserved_account)].address + ":30"});
      RunResult p = run(argv);
      std::vector<std::string> regs;
      for (const std::string& line : nonempty_lines(p.out))
        if (line.rfind("swreg1", 0) == 0) regs.push_back(line);
      if (p.exit_code != 0 || regs.size() != 1) {
        ADD_FAILURE() << "prepare-registration " << i << ": exit " << p.exit_code << ": " << p.out;
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

void RegistryScenario::register_nodes() {
  SCOPED_TRACE("step 2b: sn register x40 (one wallet run per node, accounts in parallel)");
  std::map<int, std::vector<std::size_t>> by_operator;
  for (std::size_t i = 0; i < plan_.size(); ++i) by_operator[plan_[i].op].push_back(i);
  std::vector<std::function<void()>> tasks;
  for (const auto& [op, nodes] : by_operator)
    tasks.push_back([this, op = op, nodes = nodes] {
      for (std::size_t i : nodes) {
        PlannedNode& n = plan_[i];
        auto j = send(op, {"sn", "register", n.registration}, "register node " + std::to_string(i));
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

void RegistryScenario::refuse_partial_reserved_stake() {
  SCOPED_TRACE("step 2c: a reserved spot is filled entirely or not at all");
  const PlannedNode& n = plan_[reserved_index()];
  RunResult r = wallet(n.reserved_account, {"sn", "stake", n.pubkey, "10"}, /*json_out=*/false);
  EXPECT_NE(r.exit_code, 0) << r.out;
  auto lines = nonempty_lines(r.out);
  EXPECT_EQ(lines.size(), 1u) << "a refusal is explained in one line, got:\n" << r.out;
  EXPECT_NE(r.out.find("30"), std::string::npos)
      << "the refusal should name the 30 reserved: " << r.out;
  // Nothing was sent: the account's nonce and its pending nonce did not move.
  json acct = call("get_account",
                   {{"address", accounts_[static_cast<std::size_t>(n.reserved_account)].address}});
  EXPECT_EQ(acct["nonce"], acct["pending_nonce"]);
}

void RegistryScenario::stake_on_multi_and_reserved() {
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

}  // namespace swarmchain::test

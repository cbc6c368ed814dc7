#include "tests/net/crash_support.h"

#include <cstdlib>
#include <iostream>
#include <regex>

#include "chain/tx.h"
#include "common/address.h"
#include "common/hex.h"
#include "tests/node/process.h"

namespace swarmchain::test {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::optional<long> env_number(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n <= 0) return std::nullopt;
  return n;
}

const Amount kFee(100'000);

}  // namespace

SoakBudget soak_budget() {
  SoakBudget b{std::chrono::seconds(env_number("SWARMCHAIN_SOAK_SECONDS").value_or(1800)),
               static_cast<int>(env_number("SWARMCHAIN_CRASH_KILLS").value_or(50))};
  return b;
}

uint64_t test_seed(const char* test) {
  const auto given = env_number("SWARMCHAIN_SEED");
  const uint64_t seed =
      given ? uint64_t(*given) : uint64_t(std::chrono::system_clock::now().time_since_epoch().count());
  std::cout << test << ": seed " << seed << " (rerun with SWARMCHAIN_SEED=" << seed << ")\n";
  return seed;
}

rpc::RpcClient rpc_client(const std::string& url) {
  rpc::RpcClientOptions o;
  o.connect_timeout_s = 2;
  o.read_timeout_s = 10;
  return rpc::RpcClient(url, o);
}

uint64_t rpc_height(const rpc::RpcClient& node) {
  auto r = node.call("get_height");
  return r ? (*r)["height"].get<uint64_t>() : 0;
}

std::optional<std::string> rpc_hash_at(const rpc::RpcClient& node, uint64_t h) {
  auto r = node.call("get_block", json{{"height", h}});
  if (!r) return std::nullopt;
  return (*r)["header"]["hash"].get<std::string>();
}

// ---- TxLoad ----

TxLoad::TxLoad(KeyPair key, std::function<std::optional<std::string>()> target,
               std::size_t batch, std::chrono::milliseconds pause)
    : key_(std::move(key)), target_(std::move(target)), batch_(batch), pause_(pause) {}

TxLoad::~TxLoad() { stop(); }

void TxLoad::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void TxLoad::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> TxLoad::take_accepted() {
  std::lock_guard lock(mu_);
  return std::exchange(accepted_, {});
}

void TxLoad::run() {
  const PubKey to = KeyPair::generate().pubkey();
  std::optional<Hash> chain_id;
  while (!stop_) {
    std::this_thread::sleep_for(pause_);
    const auto url = target_();
    if (!url) continue;
    const auto node = rpc_client(*url);
    if (!chain_id) {
      auto info = node.call("get_info");
      if (!info) continue;
      chain_id = fixed_from_hex<Hash>((*info)["chain_id"].get<std::string>());
      if (!chain_id) return;
    }
    auto acct = node.call("get_account", json{{"address", address_from_pubkey(key_.pubkey())}});
    if (!acct) continue;
    // The node's next nonce: after a kill its pool may have lost what was pending.
    uint64_t nonce = (*acct)["pending_nonce"].get<uint64_t>();
    json hexes = json::array();
    for (std::size_t i = 0; i < batch_; ++i) {
      Tx tx;
      tx.chain_id = *chain_id;
      tx.sender = key_.pubkey();
      tx.nonce = nonce++;
      tx.fee = kFee;
      tx.payload = TransferPayload{to, Amount(1 + i)};
      tx.sign(key_);
      hexes.push_back(to_hex(tx.to_bytes()));
    }
    auto r = node.call("send_raw_transactions", json{{"txs_hex", hexes}});
    if (!r) continue;
    std::vector<std::string> ok;
    for (const auto& item : (*r)["results"])
      if (item.contains("txid")) ok.push_back(item["txid"].get<std::string>());
    accepted_total_ += ok.size();
    std::lock_guard lock(mu_);
    accepted_.insert(accepted_.end(), ok.begin(), ok.end());
  }
}

// ---- CommitLedger ----

void CommitLedger::add_accepted(const std::vector<std::string>& txids) {
  for (const auto& id : txids) pending_.emplace(id, 0);
}

std::size_t CommitLedger::confirm(const rpc::RpcClient& node) {
  std::size_t n = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto r = node.call("get_transaction", json{{"txid", it->first}});
    if (r && (*r)["status"] == "confirmed") {
      const uint64_t h = (*r)["height"].get<uint64_t>();
      committed_.emplace(it->first, h);
      unchecked_.push_back(it->first);
      max_height_ = std::max(max_height_, h);
      ++n;
      it = pending_.erase(it);
    } else if (!r && r.error().message.find("unknown transaction") != std::string::npos &&
               ++it->second >= 3) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return n;
}

::testing::AssertionResult CommitLedger::still_committed(const rpc::RpcClient& node,
                                                         std::mt19937_64& rng,
                                                         std::size_t sample) {
  std::vector<std::string> ids = std::exchange(unchecked_, {});
  if (!committed_.empty())
    for (std::size_t i = 0; i < sample; ++i) {
      auto it = committed_.begin();
      std::advance(it, static_cast<long>(rng() % committed_.size()));
      ids.push_back(it->first);
    }
  for (const auto& id : ids) {
    auto r = node.call("get_transaction", json{{"txid", id}});
    const uint64_t want = committed_.at(id);
    if (!r)
      return ::testing::AssertionFailure()
             << "tx " << id << " was reported committed at height " << want
             << " and is now unknown: " << r.error().message;
    if ((*r)["status"] != "confirmed" || (*r)["height"].get<uint64_t>() != want)
      return ::testing::AssertionFailure() << "tx " << id << " was reported committed at height "
                                           << want << ", now: " << r->dump();
  }
  return ::testing::AssertionSuccess() << ids.size() << " txs checked";
}

// ---- replay ----

ReplayReport replay_store(const std::filesystem::path& datadir,
                          const std::filesystem::path& genesis) {
  std::vector<std::string> argv{bin_path("swarmchaind"), "replay", "--datadir", datadir.string()};
  if (!genesis.empty()) argv.insert(argv.end(), {"--genesis", genesis.string()});
  RunResult run_result = run(argv, 600s);  // a long run on a loaded machine: minutes
  ReplayReport r;
  r.exit_code = run_result.exit_code;
  r.out = run_result.out;
  std::smatch m;
  static const std::regex summary(R"(replayed (\d+) blocks \((\d+) txs, (\d+) evidence\))");
  if (std::regex_search(r.out, m, summary)) {
    r.blocks = std::stoull(m[1]);
    r.evidence = std::stoull(m[3]);
  }
  static const std::regex sign(R"(signed height (\d+) round (\d+))");
  if (std::regex_search(r.out, m, sign)) {
    r.signed_height = std::stoull(m[1]);
    r.signed_round = static_cast<uint32_t>(std::stoul(m[2]));
  }
  static const std::regex precommit(R"(precommit ([0-9a-f]{64}))");
  if (std::regex_search(r.out, m, precommit)) r.precommit = m[1];
  return r;
}

::testing::AssertionResult precommit_honoured(const rpc::RpcClient& node, const ReplayReport& r) {
  if (r.signed_height == 0 || r.precommit.empty() ||
      r.precommit == std::string(64, '0'))  // nothing precommitted, or nil
    return ::testing::AssertionSuccess() << "no precommit to compare";
  auto b = node.call("get_block", json{{"height", r.signed_height}});
  if (!b) return ::testing::AssertionFailure() << "no block " << r.signed_height << " yet";
  const auto& cert = (*b)["certificate"];
  if (cert.is_null() || cert["round"].get<uint32_t>() != r.signed_round)
    return ::testing::AssertionSuccess() << "committed in another round";
  const std::string hash = (*b)["header"]["hash"].get<std::string>();
  if (hash != r.precommit)
    return ::testing::AssertionFailure()
           << "height " << r.signed_height << " round " << r.signed_round << " committed block "
           << hash << " but this node had precommitted " << r.precommit << " there";
  return ::testing::AssertionSuccess() << "the precommitted block was committed";
}

}  // namespace swarmchain::test

// The registry's JSON-RPC methods (design §8) on a real Blockchain in a temp dir: shapes and
// values of every method, pubkey -> swarm against a brute-force ring search, param validation,
// and registry proofs that a light client can check.
#include "rpc/registry_api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/address.h"
#include "common/codec.h"
#include "common/commit.h"
#include "common/hex.h"
#include "registry/staking_rules.h"
#include "rpc/chain_api.h"
#include "tests/chain/test_util.h"

namespace swarmchain::rpc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::test_genesis;
using test::TempDir;
using test::test_key;

constexpr std::size_t kGenesisNodes = 40;  // enough for several swarms at height 0

KeyPair sn_key(std::size_t i) { return test_key(static_cast<uint8_t>(100 + i)); }
// Genesis node i is operated by account 1, 2 or 3 (all funded).
KeyPair operator_key(std::size_t i) { return test_key(static_cast<uint8_t>(1 + i % 3)); }

Genesis registry_genesis() {
  Genesis g = test_genesis(6, Amount::coins(1000));
  g.service_nodes.clear();
  for (std::size_t i = 0; i < kGenesisNodes; ++i)
    g.service_nodes.push_back(
        {sn_key(i).pubkey(), operator_key(i).pubkey(), g.params.staking_requirement});
  return g;
}

// A pubkey whose swarm space is `space`: first chunk = space big-endian, the rest zero.
PubKey key_with_space(uint64_t space) {
  PubKey pk;
  for (int i = 0; i < 8; ++i) pk.data[i] = static_cast<uint8_t>(space >> (8 * (7 - i)));
  return pk;
}

// Design §5.7 written differently from SwarmIndex: right = the id at the smallest clockwise
// distance from space, left = the id at the smallest counter-clockwise distance.
uint64_t brute_force_swarm(const std::vector<uint64_t>& ids, uint64_t space) {
  uint64_t right = 0, left = 0, d_right = UINT64_MAX, d_left = UINT64_MAX;
  bool have_right = false, have_left = false;
  for (uint64_t id : ids) {
    const uint64_t dr = id - space, dl = space - id;
    if (!have_right || dr < d_right) right = id, d_right = dr, have_right = true;
    if (!have_left || dl < d_left) left = id, d_left = dl, have_left = true;
  }
  if (right == left) return right;
  // With right at distance 0 (space is an id) left is that same id counter-clockwise too.
  return d_right < d_left ? right : left;
}

class RegistryApiTest : public ::testing::Test {
 protected:
  RegistryApiTest() {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    chain = std::move(*bc);
    mempool = std::make_unique<Mempool>(chain->chain_id(), MempoolLimits{},
                                        chain->executor().registry_params());
    register_chain_methods(d, *chain, *mempool);
    register_registry_methods(d, *chain);
  }

  // The whole response; the test reads "result" or "error".
  json call(const std::string& method, const json& params = json::object()) const {
    json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return json::parse(d.handle(req.dump()));
  }
  json result(const std::string& method, const json& params = json::object()) const {
    json r = call(method, params);
    EXPECT_TRUE(r.contains("result")) << method << " " << params.dump() << " -> " << r.dump();
    return r.contains("result") ? r["result"] : json();
  }
  // Asserts a -32602 whose message contains `needle`.
  void expect_invalid(const std::string& method, const json& params,
                      const std::string& needle) const {
    json r = call(method, params);
    ASSERT_TRUE(r.contains("error")) << method << " " << params.dump() << " -> " << r.dump();
    EXPECT_EQ(r["error"]["code"], kInvalidParams) << r.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find(needle), std::string::npos)
        << "message '" << r["error"]["message"].get<std::string>() << "' lacks '" << needle
        << "'";
  }

  // Commits the next block with `txs` (all must apply), certified by the whole committee.
  void commit(const std::vector<Tx>& txs = {}) {
    const auto& committee = chain->executor().committee(chain->tip().header.height.next());
    Block b;
    chain->with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = chain->executor().build(state, tip.header, tip.cert, txs,
                                           tip.header.time_ms + 500, committee.front());
      EXPECT_TRUE(built.skipped.empty());
      b = std::move(built.block);
    });
    const Hash digest =
        vote_digest(chain->chain_id(), VoteType::kPrecommit, b.header.height, 0, b.hash());
    CommitCertificate cert{b.header.height, 0, b.hash(), {}};
    for (std::size_t i = 0; i < committee.size(); ++i) {
      std::optional<KeyPair> key;
      for (std::size_t k = 0; k < kGenesisNodes && !key; ++k)
        if (sn_key(k).pubkey() == committee[i]) key = sn_key(k);
      ASSERT_TRUE(key);
      cert.sigs.push_back({static_cast<uint16_t>(i), key->sign(digest)});
    }
    Status s = chain->commit(b, cert);
    ASSERT_TRUE(s) << s.message();
  }

  uint64_t nonce_of(const KeyPair& k) const {
    return chain->account(k.pubkey()).value_or(Account{}).nonce;
  }

  // Account 4 registers a new node (key 150) for 40 coins, reserving 20 for account 5; the
  // node stays awaiting (60 of 100 reserved). Returns its pubkey.
  PubKey register_awaiting_node() {
    const KeyPair op = test_key(4), node = test_key(150);
    Registration reg;
    reg.sn_pubkey = node.pubkey();
    reg.operator_address = op.pubkey();
    reg.fee_bps = 500;
    reg.reserved = {{op.pubkey(), Amount::coins(40)}, {test_key(5).pubkey(), Amount::coins(20)}};
    reg.expiry_height = Height(100);
    reg.sign(node, chain->chain_id());
    Tx tx;
    tx.chain_id = chain->chain_id();
    tx.sender = op.pubkey();
    tx.nonce = nonce_of(op);
    tx.fee = Amount(100'000);
    tx.payload = RegisterNodePayload{reg, Amount::coins(40)};
    tx.sign(op);
    commit({tx});
    return node.pubkey();
  }

  ServiceNode record(const PubKey& pk) const {
    std::optional<ServiceNode> out;
    chain->with_state([&](const ChainState& s, const ChainTip&) {
      if (const ServiceNode* sn = s.registry.get(pk)) out = *sn;
    });
    EXPECT_TRUE(out);
    return out.value_or(ServiceNode{});
  }

  std::vector<PubKey> sorted_genesis_keys() const {
    std::vector<PubKey> keys;
    for (std::size_t i = 0; i < kGenesisNodes; ++i) keys.push_back(sn_key(i).pubkey());
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  Genesis genesis = registry_genesis();
  TempDir dir{"swarmchain-registry-api-test"};
  std::unique_ptr<Blockchain> chain;
  std::unique_ptr<Mempool> mempool;
  Dispatcher d;
};

// ---- get_service_nodes ------------------------------------------------------------------

TEST_F(RegistryApiTest, GetServiceNodesListsEveryNodeAscendingWithTheOxenFields) {
  json r = result("get_service_nodes");
  EXPECT_EQ(r["height"], 0u);
  EXPECT_EQ(r["block_hash"], to_hex(chain->tip().hash));
  EXPECT_EQ(r["unchanged"], false);
  const json& states = r["service_node_states"];
  ASSERT_EQ(states.size(), kGenesisNodes);
  const auto keys = sorted_genesis_keys();
  const auto& names = service_node_field_names();
  const std::set<std::string> expected_names(names.begin(), names.end());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(states[i]["service_node_pubkey"], to_hex(keys[i]));
    std::set<std::string> got;
    for (const auto& [k, v] : states[i].items()) got.insert(k);
    EXPECT_EQ(got, expected_names);
  }
}

TEST_F(RegistryApiTest, ServiceNodeEntryCarriesTheRecordsValues) {
  const PubKey pk = sn_key(7).pubkey();
  const ServiceNode sn = record(pk);
  json r = result("get_service_nodes", {{"service_node_pubkeys", {to_hex(pk)}}});
  ASSERT_EQ(r["service_node_states"].size(), 1u);
  const json& e = r["service_node_states"][0];
  EXPECT_EQ(e["service_node_pubkey"], to_hex(pk));
  EXPECT_EQ(e["pubkey_ed25519"], to_hex(pk));
  EXPECT_EQ(e["pubkey_x25519"], to_hex(sn.pubkey_x25519));
  EXPECT_NE(sn.swarm_id, kUnassignedSwarm);
  EXPECT_EQ(e["swarm_id"], sn.swarm_id);
  EXPECT_EQ(e["swarm"], swarm_hex(sn.swarm_id));
  EXPECT_EQ(e["swarm"].get<std::string>().size(), 16u);
  for (const char* contact : {"public_ip", "storage_port", "storage_lmq_port", "quorumnet_port"})
    EXPECT_TRUE(e[contact].is_null()) << contact;
  const uint64_t req = genesis.params.staking_requirement.atomic();
  EXPECT_EQ(e["contributors"],
            (json::array({{{"address", address_from_pubkey(operator_key(7).pubkey())},
                           {"amount", req},
                           {"reserved", req}}})));
  EXPECT_EQ(e["total_contributed"], req);
  EXPECT_EQ(e["total_reserved"], req);
  EXPECT_EQ(e["staking_requirement"], req);
  EXPECT_EQ(e["operator_address"], address_from_pubkey(operator_key(7).pubkey()));
  EXPECT_EQ(e["operator_fee"], 0);
  EXPECT_EQ(e["registration_height"], 0);
  EXPECT_EQ(e["requested_unlock_height"], 0);
  EXPECT_EQ(e["active"], true);
  EXPECT_EQ(e["funded"], true);
  EXPECT_EQ(e["state"], "active");
  EXPECT_EQ(e["last_uptime_proof"], 0);
  EXPECT_EQ(e["last_reward_block_height"], sn.last_reward_height.value);
  EXPECT_EQ(e["last_reward_transaction_index"], sn.last_reward_index);
  EXPECT_EQ(e["decommission_count"], 0);
  EXPECT_EQ(e["earned_downtime_blocks"], sn.recommission_credit);
  EXPECT_EQ(e["active_since_height"], 0);
  EXPECT_EQ(e["rewards_earned"], sn.rewards_earned.atomic());
}

TEST_F(RegistryApiTest, AliasGetNServiceNodesAnswersTheSame) {
  EXPECT_EQ(result("get_n_service_nodes"), result("get_service_nodes"));
}

TEST_F(RegistryApiTest, PubkeyFilterReturnsOnlyKnownRequestedNodesAscending) {
  const PubKey a = sn_key(3).pubkey(), b = sn_key(9).pubkey();
  const PubKey unknown = test_key(222).pubkey();
  json r = result("get_service_nodes",
                  {{"service_node_pubkeys", {to_hex(b), to_hex(unknown), to_hex(a), to_hex(a)}}});
  const json& states = r["service_node_states"];
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0]["service_node_pubkey"], to_hex(std::min(a, b)));
  EXPECT_EQ(states[1]["service_node_pubkey"], to_hex(std::max(a, b)));
}

TEST_F(RegistryApiTest, ActiveOnlyLeavesOutAwaitingNodes) {
  const PubKey awaiting = register_awaiting_node();
  json all = result("get_service_nodes");
  json active = result("get_service_nodes", {{"active_only", true}});
  EXPECT_EQ(all["service_node_states"].size(), kGenesisNodes + 1);
  EXPECT_EQ(active["service_node_states"].size(), kGenesisNodes);
  for (const json& e : active["service_node_states"]) {
    EXPECT_NE(e["service_node_pubkey"], to_hex(awaiting));
    EXPECT_EQ(e["active"], true);
  }
  json one = result("get_service_nodes", {{"service_node_pubkeys", {to_hex(awaiting)}}});
  const json& e = one["service_node_states"][0];
  EXPECT_EQ(e["state"], "awaiting");
  EXPECT_EQ(e["active"], false);
  EXPECT_EQ(e["funded"], false);
  EXPECT_EQ(e["swarm_id"], kUnassignedSwarm);
  EXPECT_EQ(e["swarm"], "ffffffffffffffff");
  EXPECT_TRUE(e["active_since_height"].is_null());
  EXPECT_EQ(e["operator_fee"], 500);
  EXPECT_EQ(e["registration_height"], 1);
  EXPECT_EQ(e["total_contributed"], Amount::coins(40).atomic());
  EXPECT_EQ(e["total_reserved"], Amount::coins(60).atomic());
}

TEST_F(RegistryApiTest, FieldsKeepsOnlyTheFieldsSetToTrue) {
  json r = result("get_service_nodes", {{"fields",
                                         {{"public_ip", true},
                                          {"storage_port", true},
                                          {"pubkey_ed25519", true},
                                          {"pubkey_x25519", true},
                                          {"swarm_id", false}}}});
  ASSERT_EQ(r["service_node_states"].size(), kGenesisNodes);
  for (const json& e : r["service_node_states"]) {
    std::set<std::string> got;
    for (const auto& [k, v] : e.items()) got.insert(k);
    EXPECT_EQ(got, (std::set<std::string>{"public_ip", "storage_port", "pubkey_ed25519",
                                          "pubkey_x25519"}));
  }
  EXPECT_EQ(r["height"], 0);  // the top-level fields stay
}

TEST_F(RegistryApiTest, FieldsAcceptTheStorageServersTopLevelNames) {
  // What an Oxen storage server sends on every block (oxenss service_node.cpp).
  const json r = result("get_service_nodes",
                        {{"active_only", false},
                         {"fields", {{"service_node_pubkey", true}, {"swarm_id", true},
                                     {"storage_port", true}, {"public_ip", true},
                                     {"height", true}, {"block_hash", true}, {"hardfork", true},
                                     {"snode_revision", true}, {"funded", true},
                                     {"pubkey_x25519", true}, {"pubkey_ed25519", true},
                                     {"storage_lmq_port", true}}}});
  ASSERT_EQ(r["service_node_states"].size(), kGenesisNodes);
  for (const json& e : r["service_node_states"]) {
    std::set<std::string> got;
    for (const auto& [k, v] : e.items()) got.insert(k);
    EXPECT_EQ(got, (std::set<std::string>{"service_node_pubkey", "swarm_id", "storage_port",
                                          "public_ip", "funded", "pubkey_x25519",
                                          "pubkey_ed25519", "storage_lmq_port"}));
  }
  EXPECT_EQ(r["height"], 0);
  EXPECT_TRUE(r.contains("block_hash"));
  EXPECT_FALSE(r.contains("hardfork")) << "no hard forks exist: the value is not invented";
  EXPECT_FALSE(r.contains("snode_revision"));
  expect_invalid("get_service_nodes", {{"fields", {{"hardfork", "yes"}}}}, "'fields.hardfork'");
}

TEST_F(RegistryApiTest, FieldsRejectsUnknownNamesAndNonBooleans) {
  expect_invalid("get_service_nodes", {{"fields", {{"pubkey_ed25519", true}, {"bogus", true}}}},
                 "unknown field 'bogus'");
  expect_invalid("get_service_nodes", {{"fields", {{"swarm_id", 1}}}}, "'fields.swarm_id'");
  expect_invalid("get_service_nodes", {{"fields", {"swarm_id"}}}, "'fields'");
}

TEST_F(RegistryApiTest, GetServiceNodesRejectsBadParamsNamingThem) {
  const std::string good = to_hex(sn_key(0).pubkey());
  expect_invalid("get_service_nodes", {{"service_node_pubkeys", {good, good.substr(1)}}},
                 "'service_node_pubkeys[1]' must be 64 hex digits");
  expect_invalid("get_service_nodes", {{"service_node_pubkeys", {std::string(64, 'x')}}},
                 "'service_node_pubkeys[0]' is not hex");
  expect_invalid("get_service_nodes", {{"service_node_pubkeys", good}}, "'service_node_pubkeys'");
  expect_invalid("get_service_nodes", {{"active_only", "yes"}}, "'active_only'");
  expect_invalid("get_service_nodes", {{"limit", -1}}, "'limit'");
  expect_invalid("get_service_nodes", {{"poll_block_hash", "abc"}}, "'poll_block_hash'");
  expect_invalid("get_service_nodes", {{"include_json", true}}, "unknown param 'include_json'");
}

TEST_F(RegistryApiTest, PollWithTheTipHashAnswersUnchangedWithoutStates) {
  const std::string tip = to_hex(chain->tip().hash);
  json r = result("get_service_nodes", {{"poll_block_hash", tip}});
  EXPECT_EQ(r, (json{{"unchanged", true}, {"height", 0}, {"block_hash", tip}}));

  commit();
  json after = result("get_service_nodes", {{"poll_block_hash", tip}});
  EXPECT_EQ(after["unchanged"], false);
  EXPECT_EQ(after["height"], 1);
  EXPECT_EQ(after["service_node_states"].size(), kGenesisNodes);
  EXPECT_EQ(result("get_service_nodes", {{"poll_block_hash", after["block_hash"]}})["unchanged"],
            true);
}

TEST_F(RegistryApiTest, LimitReturnsThatManyDistinctMatchingNodes) {
  const auto keys = sorted_genesis_keys();
  std::set<std::string> all;
  for (const PubKey& k : keys) all.insert(to_hex(k));
  std::set<std::vector<std::string>> samples;
  for (int round = 0; round < 20; ++round) {
    json r = result("get_service_nodes", {{"limit", 5}, {"fields", {{"service_node_pubkey", true}}}});
    std::vector<std::string> got;
    for (const json& e : r["service_node_states"]) got.push_back(e["service_node_pubkey"].get<std::string>());
    ASSERT_EQ(got.size(), 5u);
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 5u);
    for (const auto& k : got) EXPECT_TRUE(all.contains(k)) << k;
    samples.insert(got);
  }
  EXPECT_GT(samples.size(), 1u) << "20 samples of 5 out of 40 were all the same";
  EXPECT_EQ(result("get_service_nodes", {{"limit", 1000}})["service_node_states"].size(),
            kGenesisNodes);
  EXPECT_EQ(result("get_service_nodes", {{"limit", 0}})["service_node_states"].size(),
            kGenesisNodes);
}

TEST_F(RegistryApiTest, LimitSamplesOnlyAmongActiveNodesWhenActiveOnly) {
  const PubKey awaiting = register_awaiting_node();
  for (int round = 0; round < 20; ++round) {
    json r = result("get_service_nodes", {{"limit", 39}, {"active_only", true}});
    ASSERT_EQ(r["service_node_states"].size(), 39u);
    for (const json& e : r["service_node_states"])
      EXPECT_NE(e["service_node_pubkey"], to_hex(awaiting));
  }
}

// ---- get_swarms / get_swarm -------------------------------------------------------------

TEST_F(RegistryApiTest, GetSwarmsListsEverySwarmAscendingWithItsMembers) {
  json r = result("get_swarms");
  EXPECT_EQ(r["height"], 0);
  const json& swarms = r["swarms"];
  ASSERT_GE(swarms.size(), 2u) << "the genesis should form several swarms";
  SwarmTable table;
  chain->with_state([&](const ChainState& s, const ChainTip&) { table = s.registry.swarms(); });
  ASSERT_EQ(swarms.size(), table.size());
  std::set<std::string> seen;
  auto it = table.begin();
  for (std::size_t i = 0; i < swarms.size(); ++i, ++it) {
    EXPECT_EQ(swarms[i]["swarm_id"], it->first);
    EXPECT_EQ(swarms[i]["swarm"], swarm_hex(it->first));
    json members = json::array();
    for (const PubKey& pk : it->second) members.push_back(to_hex(pk));
    EXPECT_EQ(swarms[i]["members"], members);
    EXPECT_GE(members.size(), genesis.params.min_swarm_size);
    for (const auto& m : members) EXPECT_TRUE(seen.insert(m).second) << "in two swarms: " << m;
    if (i > 0) {
      EXPECT_LT(swarms[i - 1]["swarm_id"].get<uint64_t>(), swarms[i]["swarm_id"].get<uint64_t>());
    }
  }
  EXPECT_EQ(seen.size(), kGenesisNodes);
}

TEST_F(RegistryApiTest, GetSwarmAgreesWithABruteForceRingSearch) {
  json swarms = result("get_swarms")["swarms"];
  std::vector<uint64_t> ids;
  std::map<uint64_t, json> members;
  for (const json& s : swarms) {
    ids.push_back(s["swarm_id"].get<uint64_t>());
    members[s["swarm_id"].get<uint64_t>()] = s["members"];
  }
  std::map<std::string, std::string> x25519;
  const json nodes = result("get_service_nodes");
  for (const json& e : nodes["service_node_states"])
    x25519[e["pubkey_ed25519"].get<std::string>()] = e["pubkey_x25519"].get<std::string>();

  std::vector<PubKey> users;
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 1000; ++i) {
    PubKey pk;
    for (auto& b : pk.data) b = static_cast<uint8_t>(rng());
    users.push_back(pk);
  }
  // Edges: exactly on an id, one either side, the midpoints (ties go left), the ring's ends.
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const uint64_t id = ids[i], next = ids[(i + 1) % ids.size()];
    const uint64_t mid = id + (next - id) / 2;
    for (uint64_t space : {id, id - 1, id + 1, mid, mid + 1}) users.push_back(key_with_space(space));
  }
  users.push_back(key_with_space(0));
  users.push_back(key_with_space(UINT64_MAX));

  for (const PubKey& user : users) {
    const uint64_t want = brute_force_swarm(ids, swarm_space(user));
    const std::string hex = to_hex(user);
    for (const std::string& text : {hex, "05" + hex, "03" + hex}) {
      json r = result("get_swarm", {{"pubkey", text}});
      ASSERT_EQ(r["swarm_id"], want) << text;
      EXPECT_EQ(r["swarm"], swarm_hex(want));
      EXPECT_EQ(r["height"], 0);
      const json& snodes = r["snodes"];
      ASSERT_EQ(snodes.size(), members[want].size());
      for (std::size_t k = 0; k < snodes.size(); ++k) {
        EXPECT_EQ(snodes[k],
                  (json{{"pubkey_ed25519", members[want][k]},
                        {"pubkey_x25519", x25519[members[want][k].get<std::string>()]},
                        {"ip", nullptr},
                        {"port_https", nullptr},
                        {"port_omq", nullptr}}));
      }
    }
  }
}

TEST_F(RegistryApiTest, GetSwarmAcceptsUppercaseHex) {
  const std::string hex = to_hex(test_key(77).pubkey());
  std::string upper = "05" + hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(result("get_swarm", {{"pubkey", upper}}), result("get_swarm", {{"pubkey", hex}}));
}

TEST_F(RegistryApiTest, GetSwarmRejectsBadPubkeysNamingTheParam) {
  const std::string hex = to_hex(test_key(77).pubkey());
  expect_invalid("get_swarm", json::object(), "'pubkey' is required");
  expect_invalid("get_swarm", {{"pubkey", 5}}, "'pubkey' must be a string");
  expect_invalid("get_swarm", {{"pubkey", hex.substr(2)}}, "'pubkey': pubkey must be 64 hex digits");
  expect_invalid("get_swarm", {{"pubkey", "0" + hex}}, "got 65 characters");
  expect_invalid("get_swarm", {{"pubkey", "05" + hex + "00"}}, "got 68 characters");
  expect_invalid("get_swarm", {{"pubkey", "zz" + hex.substr(2)}}, "'pubkey': pubkey is not hex");
  std::string mixed = hex;
  mixed[0] = 'A';
  mixed[1] = 'b';
  expect_invalid("get_swarm", {{"pubkey", mixed}}, "'pubkey'");
  expect_invalid("get_swarm", {{"pubkey", hex}, {"extra", 1}}, "unknown param 'extra'");
}

TEST_F(RegistryApiTest, GetSwarmFollowsTheTip) {
  const std::string user = to_hex(test_key(77).pubkey());
  EXPECT_EQ(result("get_swarm", {{"pubkey", user}})["height"], 0);
  commit();
  commit();
  EXPECT_EQ(result("get_swarm", {{"pubkey", user}})["height"], 2);
}

TEST_F(RegistryApiTest, GetSwarmIsSafeWhileBlocksAreCommitted) {
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      const std::string user = to_hex(test_key(static_cast<uint8_t>(60 + t)).pubkey());
      while (!done) {
        json r = call("get_swarm", {{"pubkey", user}});
        if (!r.contains("result") || r["result"]["snodes"].empty()) ++bad;
      }
    });
  }
  for (int i = 0; i < 5; ++i) commit();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(result("get_swarm", {{"pubkey", to_hex(test_key(60).pubkey())}})["height"], 5);
}

TEST(SwarmDirectoryTest, EmptyRegistryHasNoSwarm) {
  RegistryState empty;
  SwarmDirectory dir(empty, Height(3));
  EXPECT_TRUE(dir.empty());
  EXPECT_EQ(dir.swarm_count(), 0u);
  EXPECT_EQ(dir.lookup(PubKey()), kUnassignedSwarm);
  EXPECT_TRUE(dir.swarm_for(PubKey()).is_null());
}

TEST(SwarmDirectoryTest, KnownAnswersOfDesign57) {
  // Two active nodes in swarms 100 and 200: space 150 -> 100 (tie goes left), 151 -> 200.
  RegistryState reg;
  RegistryChanges changes;
  for (uint8_t i = 1; i <= 2; ++i) {
    ServiceNode sn;
    sn.pubkey = test_key(i).pubkey();
    sn.state = NodeState::kActive;
    sn.swarm_id = 100u * i;
    changes[sn.pubkey] = sn;
  }
  reg.apply(changes);
  SwarmDirectory dir(reg, Height(9));
  EXPECT_EQ(dir.swarm_count(), 2u);
  EXPECT_EQ(dir.lookup(key_with_space(150)), 100u);
  EXPECT_EQ(dir.lookup(key_with_space(151)), 200u);
  const json& reply = dir.swarm_for(key_with_space(151));
  EXPECT_EQ(reply["swarm_id"], 200u);
  EXPECT_EQ(reply["swarm"], "00000000000000c8");
  EXPECT_EQ(reply["height"], 9);
  ASSERT_EQ(reply["snodes"].size(), 1u);
  EXPECT_EQ(reply["snodes"][0]["pubkey_ed25519"], to_hex(test_key(2).pubkey()));
  auto known =
      fixed_from_hex<PubKey>("0000000000000000000000000000000000000000000000000123456789abcdef");
  ASSERT_TRUE(known);
  EXPECT_EQ(swarm_space(*known), 0x0123456789abcdefULL);
}

// ---- get_staking_requirement ------------------------------------------------------------

TEST_F(RegistryApiTest, StakingRequirementComesFromTheChainParams) {
  json r = result("get_staking_requirement");
  EXPECT_EQ(r, (json{{"staking_requirement", genesis.params.staking_requirement.atomic()},
                     {"min_operator_stake", genesis.params.min_operator_stake.atomic()},
                     {"max_contributors", genesis.params.max_contributors},
                     {"height", 0}}));
  expect_invalid("get_staking_requirement", {{"height", 1}}, "unknown param 'height'");
}

// ---- get_service_node_status ------------------------------------------------------------

TEST_F(RegistryApiTest, StatusIsTheRecordPlusLiveness) {
  const PubKey pk = sn_key(2).pubkey();
  json r = result("get_service_node_status", {{"pubkey", to_hex(pk)}});
  json entry = result("get_service_nodes", {{"service_node_pubkeys", {to_hex(pk)}}})
                   ["service_node_states"][0];
  for (const auto& [k, v] : entry.items()) EXPECT_EQ(r[k], v) << k;
  EXPECT_EQ(r["credit"], record(pk).recommission_credit);
  EXPECT_TRUE(r["proof_age"].is_null());
  EXPECT_TRUE(r["next_obligation_check"].is_null());
  EXPECT_EQ(r["liveness"], "uptime proofs and obligation checks are not active yet");
  EXPECT_EQ(r["height"], 0);
  EXPECT_FALSE(r.contains("stake_limits"));
  EXPECT_FALSE(r.contains("stake_refused"));
}

TEST_F(RegistryApiTest, StatusWithAContributorSaysWhatItMayStake) {
  const PubKey awaiting = register_awaiting_node();
  const RegistryParams& rp = chain->executor().registry_params();
  const ServiceNode sn = record(awaiting);
  for (uint8_t who : {5, 6}) {  // 5 holds a reserved spot, 6 is a newcomer
    const PubKey c = test_key(who).pubkey();
    auto want = stake_limits(rp, sn, c);
    ASSERT_TRUE(want) << want.error().message();
    json r = result("get_service_node_status",
                    {{"pubkey", to_hex(awaiting)}, {"contributor", address_from_pubkey(c)}});
    EXPECT_EQ(r["stake_limits"], (json{{"min", want->min.atomic()}, {"max", want->max.atomic()}}));
    EXPECT_FALSE(r.contains("stake_refused"));
  }
  // A fully funded node refuses any stake, and says why.
  const PubKey c = test_key(6).pubkey();
  json full = result("get_service_node_status", {{"pubkey", to_hex(sn_key(0).pubkey())},
                                                 {"contributor", address_from_pubkey(c)}});
  auto refused = stake_limits(rp, record(sn_key(0).pubkey()), c);
  ASSERT_FALSE(refused);
  EXPECT_EQ(full["stake_refused"], refused.error().message());
  EXPECT_FALSE(full.contains("stake_limits"));
}

TEST_F(RegistryApiTest, StatusRejectsBadParams) {
  const std::string unknown = to_hex(test_key(222).pubkey());
  expect_invalid("get_service_node_status", {{"pubkey", unknown}},
                 "no service node with pubkey " + unknown);
  expect_invalid("get_service_node_status", {{"pubkey", unknown.substr(1)}},
                 "'pubkey' must be 64 hex digits");
  expect_invalid("get_service_node_status", {{"pubkey", "05" + unknown}},
                 "'pubkey' must be 64 hex digits");
  expect_invalid("get_service_node_status", json::object(), "'pubkey' is required");
  expect_invalid("get_service_node_status",
                 {{"pubkey", to_hex(sn_key(0).pubkey())}, {"contributor", "sw1nope"}},
                 "'contributor'");
  expect_invalid("get_service_node_status", {{"pubkey", unknown}, {"x", 1}}, "unknown param 'x'");
}

// ---- get_registry_proof -----------------------------------------------------------------

TEST_F(RegistryApiTest, RegistryProofVerifiesAgainstTheCertifiedHeader) {
  register_awaiting_node();
  commit();
  const PubKey pk = sn_key(11).pubkey();
  json r = result("get_registry_proof", {{"pubkey", to_hex(pk)}});
  const ChainTip tip = chain->tip();
  EXPECT_EQ(r["height"], 2);
  EXPECT_EQ(r["block_hash"], to_hex(tip.hash));
  EXPECT_EQ(r["registry_root"], to_hex(tip.header.registry_root));
  EXPECT_EQ(r["chain_id"], to_hex(chain->chain_id()));
  EXPECT_EQ(r["record"], result("get_service_nodes", {{"service_node_pubkeys", {to_hex(pk)}}})
                             ["service_node_states"][0]);
  EXPECT_EQ(r["header"], header_to_json(tip.header));
  EXPECT_EQ(r["certificate"], certificate_to_json(*tip.cert));

  // What a light client does with the hex parts alone.
  auto record = decode_exact<ServiceNode>(*from_hex(r["record_hex"].get<std::string>()));
  auto proof = decode_exact<MerkleProof>(*from_hex(r["proof_hex"].get<std::string>()));
  auto header = decode_exact<BlockHeader>(*from_hex(r["header_hex"].get<std::string>()));
  auto cert = decode_exact<CommitCertificate>(*from_hex(r["certificate_hex"].get<std::string>()));
  ASSERT_TRUE(record && proof && header && cert);
  EXPECT_EQ(record->pubkey, pk);
  EXPECT_EQ(to_hex(record->leaf_hash()), r["leaf_hash"]);
  EXPECT_EQ(to_hex(header->hash()), r["block_hash"]);
  std::vector<PubKey> committee;
  for (const json& m : r["committee"]) committee.push_back(*fixed_from_hex<PubKey>(m.get<std::string>()));
  EXPECT_EQ(committee, chain->executor().committee(tip.header.height));
  Status cs = verify_certificate(*cert, chain->chain_id(), header->height, header->hash(), committee);
  EXPECT_TRUE(cs) << cs.message();
  EXPECT_TRUE(verify_registry_proof(*record, *proof, header->registry_root));

  // The JSON proof says the same as proof_hex.
  ASSERT_EQ(r["proof"].size(), proof->steps.size());
  for (std::size_t i = 0; i < proof->steps.size(); ++i) {
    EXPECT_EQ(r["proof"][i]["sibling_on_left"], proof->steps[i].sibling_on_left);
    EXPECT_EQ(r["proof"][i]["hash"], to_hex(proof->steps[i].sibling));
  }

  // Any flipped byte breaks it.
  ServiceNode forged = *record;
  forged.rewards_earned = Amount(forged.rewards_earned.atomic() + 1);
  EXPECT_FALSE(verify_registry_proof(forged, *proof, header->registry_root));
  Bytes record_bytes = *from_hex(r["record_hex"].get<std::string>());
  record_bytes[40] ^= 0x01;  // inside pubkey_x25519
  auto flipped = decode_exact<ServiceNode>(record_bytes);
  ASSERT_TRUE(flipped);
  EXPECT_FALSE(verify_registry_proof(*flipped, *proof, header->registry_root));
  ASSERT_FALSE(proof->steps.empty());
  MerkleProof bad_proof = *proof;
  bad_proof.steps[0].sibling.data[0] ^= 0x01;
  EXPECT_FALSE(verify_registry_proof(*record, bad_proof, header->registry_root));
  Hash bad_root = header->registry_root;
  bad_root.data[31] ^= 0x80;
  EXPECT_FALSE(verify_registry_proof(*record, *proof, bad_root));
}

TEST_F(RegistryApiTest, RegistryProofForAnAwaitingNodeVerifiesToo) {
  const PubKey awaiting = register_awaiting_node();
  json r = result("get_registry_proof", {{"pubkey", to_hex(awaiting)}, {"height", 1}});
  auto record = decode_exact<ServiceNode>(*from_hex(r["record_hex"].get<std::string>()));
  auto proof = decode_exact<MerkleProof>(*from_hex(r["proof_hex"].get<std::string>()));
  ASSERT_TRUE(record && proof);
  EXPECT_EQ(record->state, NodeState::kAwaiting);
  EXPECT_TRUE(verify_registry_proof(*record, *proof,
                                    *fixed_from_hex<Hash>(r["registry_root"].get<std::string>())));
}

TEST_F(RegistryApiTest, RegistryProofAtGenesisHasNoCertificate) {
  json r = result("get_registry_proof", {{"pubkey", to_hex(sn_key(0).pubkey())}});
  EXPECT_EQ(r["height"], 0);
  EXPECT_TRUE(r["certificate"].is_null());
  EXPECT_TRUE(r["certificate_hex"].is_null());
  auto record = decode_exact<ServiceNode>(*from_hex(r["record_hex"].get<std::string>()));
  auto proof = decode_exact<MerkleProof>(*from_hex(r["proof_hex"].get<std::string>()));
  ASSERT_TRUE(record && proof);
  EXPECT_TRUE(verify_registry_proof(*record, *proof, chain->tip().header.registry_root));
}

TEST_F(RegistryApiTest, RegistryProofIsServedForTheTipOnly) {
  commit();
  const std::string pk = to_hex(sn_key(0).pubkey());
  expect_invalid("get_registry_proof", {{"pubkey", pk}, {"height", 0}},
                 "registry proofs are kept for the latest block only (tip is 1)");
  expect_invalid("get_registry_proof", {{"pubkey", pk}, {"height", 2}}, "(tip is 1)");
  EXPECT_EQ(result("get_registry_proof", {{"pubkey", pk}, {"height", 1}})["height"], 1);
  const std::string unknown = to_hex(test_key(222).pubkey());
  expect_invalid("get_registry_proof", {{"pubkey", unknown}}, "no service node with pubkey " + unknown);
  expect_invalid("get_registry_proof", {{"pubkey", pk.substr(2)}}, "'pubkey' must be 64 hex digits");
  expect_invalid("get_registry_proof", {{"pubkey", pk}, {"height", "1"}}, "'height'");
  expect_invalid("get_registry_proof", {{"pubkey", pk}, {"at", 1}}, "unknown param 'at'");
}

// ---- get_account's locked_stakes --------------------------------------------------------

TEST_F(RegistryApiTest, AccountListsItsLockedStakes) {
  const PubKey awaiting = register_awaiting_node();
  const uint64_t req = genesis.params.staking_requirement.atomic();

  // Account 1 operates genesis nodes 0, 3, 6, ...
  json one = result("get_account", {{"address", address_from_pubkey(test_key(1).pubkey())}});
  std::set<std::string> want;
  for (std::size_t i = 0; i < kGenesisNodes; i += 3) want.insert(to_hex(sn_key(i).pubkey()));
  std::set<std::string> got;
  for (const json& s : one["locked_stakes"]) {
    got.insert(s["sn_pubkey"].get<std::string>());
    EXPECT_EQ(s, (json{{"sn_pubkey", s["sn_pubkey"]},
                       {"amount", req},
                       {"reserved", req},
                       {"state", "active"},
                       {"requested_unlock_height", 0},
                       {"operator", true}}));
  }
  EXPECT_EQ(got, want);

  json four = result("get_account", {{"address", address_from_pubkey(test_key(4).pubkey())}});
  EXPECT_EQ(four["locked_stakes"], (json::array({{{"sn_pubkey", to_hex(awaiting)},
                                                  {"amount", Amount::coins(40).atomic()},
                                                  {"reserved", Amount::coins(40).atomic()},
                                                  {"state", "awaiting"},
                                                  {"requested_unlock_height", 0},
                                                  {"operator", true}}})));
  // A reserved spot not yet filled shows with amount 0.
  json five = result("get_account", {{"address", address_from_pubkey(test_key(5).pubkey())}});
  EXPECT_EQ(five["locked_stakes"], (json::array({{{"sn_pubkey", to_hex(awaiting)},
                                                  {"amount", 0},
                                                  {"reserved", Amount::coins(20).atomic()},
                                                  {"state", "awaiting"},
                                                  {"requested_unlock_height", 0},
                                                  {"operator", false}}})));
  json six = result("get_account", {{"address", address_from_pubkey(test_key(6).pubkey())}});
  EXPECT_EQ(six["locked_stakes"], json::array());
}

}  // namespace
}  // namespace swarmchain::rpc

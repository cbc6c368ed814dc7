// get_service_nodes (and its alias get_n_service_nodes) on a real Blockchain in a temp dir:
// the Oxen fields of every entry and their values, the pubkey filter, active_only, fields,
// poll_block_hash, limit, and the validation of every param.
#include "rpc/registry_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/hex.h"
#include "rpc/oxen_compat.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::kGenesisNodes;
using test::operator_key;
using test::RegistryApiTest;
using test::sn_key;
using test::test_key;

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
  // No uptime proof yet: Oxen's answer for a node without one.
  EXPECT_EQ(e["public_ip"], "0.0.0.0");
  for (const char* port : {"storage_port", "storage_lmq_port", "quorumnet_port"})
    EXPECT_EQ(e[port], 0) << port;
  EXPECT_EQ(e["storage_server_version"], json::array({0, 0, 0}));
  EXPECT_EQ(e["last_uptime_proof_height"], 0);
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

TEST_F(RegistryApiTest, ServiceNodeEntryCarriesTheContactDataOfItsLastUptimeProof) {
  const KeyPair node = sn_key(7);
  const UptimeContact contact{0xc0a80107, 22021, 22020, 22025, {2, 11, 3}};  // 192.168.1.7
  const uint64_t stamp = chain->tip().header.time_ms + 400;
  commit({make_uptime_proof(node, chain->chain_id(), stamp, contact)});
  const ChainTip tip = chain->tip();
  json r = result("get_service_nodes", {{"service_node_pubkeys", {to_hex(node.pubkey())}}});
  const json& e = r["service_node_states"][0];
  EXPECT_EQ(e["public_ip"], "192.168.1.7");
  EXPECT_EQ(e["storage_port"], 22021);
  EXPECT_EQ(e["storage_lmq_port"], 22020);
  EXPECT_EQ(e["quorumnet_port"], 22025);
  EXPECT_EQ(e["storage_server_version"], json::array({2, 11, 3}));
  EXPECT_EQ(e["last_uptime_proof"], tip.header.time_ms / 1000) << "the block's time, in seconds";
  EXPECT_EQ(e["last_uptime_proof_height"], tip.header.height.value);
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
  EXPECT_EQ(r["hardfork"], kOxenHardfork);
  EXPECT_EQ(r["snode_revision"], kOxenSnodeRevision);
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
  EXPECT_EQ(r, (json{{"unchanged", true},
                     {"height", 0},
                     {"block_hash", tip},
                     {"hardfork", kOxenHardfork},
                     {"snode_revision", kOxenSnodeRevision}}));

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
    json r =
        result("get_service_nodes", {{"limit", 5}, {"fields", {{"service_node_pubkey", true}}}});
    std::vector<std::string> got;
    for (const json& e : r["service_node_states"])
      got.push_back(e["service_node_pubkey"].get<std::string>());
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

}  // namespace
}  // namespace swarmchain::rpc

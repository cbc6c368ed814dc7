// get_staking_requirement, get_service_node_status, get_registry_proof (registry proofs that a
// light client can check) and get_account's locked_stakes, on a real Blockchain in a temp dir.
// get_service_nodes is in registry_api_service_nodes_test.cpp, get_swarm(s) in
// registry_api_swarm_test.cpp.
#include "rpc/registry_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/codec.h"
#include "common/commit.h"
#include "common/hex.h"
#include "registry/reach_quorum.h"
#include "registry/staking_rules.h"
#include "rpc/chain_api.h"
#include "rpc/status_text.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::kGenesisNodes;
using test::RegistryApiTest;
using test::sn_key;
using test::test_key;

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
  // Genesis: credit_initial (120 s of 500 ms blocks); no proof yet, so the 60 s lifetime counts
  // from activation (the genesis time).
  EXPECT_EQ(r["credit"], record(pk).recommission_credit);
  EXPECT_EQ(r["credit"], 240);
  EXPECT_TRUE(r["proof_age"].is_null());
  EXPECT_EQ(r["next_obligation_check"], 1);
  const json& l = r["liveness"];
  EXPECT_EQ(l["state"], "active");
  EXPECT_EQ(l["credit_s"], 120);
  EXPECT_TRUE(l["last_proof_age_s"].is_null());
  EXPECT_EQ(l["proof_lifetime_s"], 60);
  EXPECT_EQ(l["down_before_decommission_s"], 60);
  // Failing 120 blocks from now with 240 + 60 blocks of credit: 150 s more decommissioned.
  EXPECT_EQ(l["down_before_deregistration_s"], 60 + 150);
  EXPECT_EQ(l["checks"][0]["kind"], "proof_age");
  EXPECT_EQ(l["checks"][0]["fails_now"], false);
  // Reachability: 10 targets a block among the active nodes, drawn with the tip's hash.
  std::vector<PubKey> targets;
  std::size_t active = 0;
  chain->with_state([&](const ChainState& state, const ChainTip& tip) {
    targets = reach_targets(state.registry.active(), tip.hash);
    active = state.registry.active_count();
  });
  EXPECT_EQ(l["checks"][1]["kind"], "reachability");
  EXPECT_EQ(l["checks"][1]["tested_at_tip"],
            std::find(targets.begin(), targets.end(), pk) != targets.end());
  EXPECT_DOUBLE_EQ(l["checks"][1]["chance_per_block"].get<double>(), 10.0 / double(active));
  EXPECT_FALSE(l.contains("last_change")) << "no change seen";
  EXPECT_NE(l["explanation"].get<std::string>().find("it has sent no uptime proof yet"),
            std::string::npos);
  EXPECT_EQ(r["height"], 0);
  EXPECT_FALSE(r.contains("stake_limits"));
  EXPECT_FALSE(r.contains("stake_refused"));
}

TEST_F(RegistryApiTest, StatusSaysTheLastLivenessChangeTheNodeSawAndTheTextPrintsIt) {
  const PubKey pk = sn_key(2).pubkey();
  Dispatcher with_changes;
  register_registry_methods(with_changes, *chain, std::nullopt,
                            [&](const PubKey& asked) -> std::optional<std::pair<Height, LivenessChange>> {
                              if (asked != pk) return std::nullopt;
                              return std::pair{Height(7), LivenessChange{pk, LivenessEvent::kDecommissioned,
                                                                         "p2p port unreachable (3 of 4 quorum votes at height 6)"}};
                            });
  const json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "get_service_node_status"},
                    {"params", {{"pubkey", to_hex(pk)}}}};
  const json r = json::parse(with_changes.handle(req.dump()))["result"];
  const json& last = r["liveness"]["last_change"];
  EXPECT_EQ(last["height"], 7);
  EXPECT_EQ(last["event"], "decommissioned");
  EXPECT_EQ(last["reason"], "p2p port unreachable (3 of 4 quorum votes at height 6)");
  const std::string text = liveness_text(r);
  EXPECT_NE(text.find("last change:  decommissioned at height 7: p2p port unreachable"),
            std::string::npos)
      << text;
  const bool tested = r["liveness"]["checks"][1]["tested_at_tip"].get<bool>();
  EXPECT_NE(text.find(tested ? "reachability: a quorum tests its p2p port at this block"
                             : "reachability: not tested at this block"),
            std::string::npos)
      << text;
}

TEST(StatusText, TheSwarmIsHexOrNoneWhileUnassigned) {
  EXPECT_EQ(swarm_text(json{{"swarm_id", 0x0123456789abcdefULL}}), "0123456789abcdef");
  EXPECT_EQ(swarm_text(json{{"swarm_id", kUnassignedSwarm}}), "none")
      << "swarmchaind status printed ffffffffffffffff for an awaiting node";
  EXPECT_EQ(swarm_text(json::object()), "?");
  EXPECT_EQ(swarm_text(json{{"swarm_id", "zz"}}), "?");
}

TEST(RegistryApiOneNode, OnAOneNodeNetNobodyCanTestTheNodesReachability) {
  const Genesis g = test::test_genesis(1);  // one service node, test_key(200)
  test::TempDir dir("swarmchain-registry-api-one-node");
  auto bc = Blockchain::open(dir.path(), g);
  ASSERT_TRUE(bc) << bc.error().message();
  Dispatcher d;
  register_registry_methods(d, **bc);
  const json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "get_service_node_status"},
                    {"params", {{"pubkey", to_hex(test_key(200).pubkey())}}}};
  const json r = json::parse(d.handle(req.dump()))["result"];
  const json& reach = r["liveness"]["checks"][1];
  EXPECT_EQ(reach["kind"], "reachability");
  EXPECT_EQ(reach["tested_at_tip"], false) << "its only quorum member is itself";
  EXPECT_EQ(reach["chance_per_block"], 0.0);
}

TEST_F(RegistryApiTest, StatusReportsTheAgeOfTheLastUptimeProofByBlockTime) {
  const KeyPair node = sn_key(2);
  commit({make_uptime_proof(node, chain->chain_id(), chain->tip().header.time_ms + 500, {})});
  const uint64_t proved_at = chain->tip().header.time_ms;
  for (int i = 0; i < 6; ++i) commit();  // 6 blocks of 500 ms: 3 s
  json r = result("get_service_node_status", {{"pubkey", to_hex(node.pubkey())}});
  EXPECT_EQ(r["proof_age"], (chain->tip().header.time_ms - proved_at) / 1000);
  EXPECT_EQ(r["proof_age"], 3);
  EXPECT_EQ(r["last_uptime_proof"], proved_at / 1000);
  EXPECT_EQ(r["liveness"]["last_proof_age_s"], 3);
  EXPECT_EQ(r["liveness"]["down_before_decommission_s"], 57);
  EXPECT_NE(r["liveness"]["explanation"].get<std::string>().find("last uptime proof is 3 s old"),
            std::string::npos);
}

TEST_F(RegistryApiTest, StatusWithoutAPubkeyIsAboutTheNodesOwnKeyOrAClearError) {
  expect_invalid("get_service_node_status", json::object(), "'pubkey' is required");
  rpc::Dispatcher own;
  rpc::register_registry_methods(own, *chain, sn_key(1).pubkey());
  json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "get_service_node_status"},
           {"params", json::object()}};
  json r = json::parse(own.handle(req.dump()));
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["service_node_pubkey"], to_hex(sn_key(1).pubkey()));
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
  for (const json& m : r["committee"])
    committee.push_back(*fixed_from_hex<PubKey>(m.get<std::string>()));
  EXPECT_EQ(committee, chain->committee(tip.header.height));
  Status cs =
      verify_certificate(*cert, chain->chain_id(), header->height, header->hash(), committee);
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
  expect_not_found("get_registry_proof", {{"pubkey", unknown}},
                   "no service node with pubkey " + unknown);
  expect_invalid("get_registry_proof", {{"pubkey", pk.substr(2)}},
                 "'pubkey' must be 64 hex digits");
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

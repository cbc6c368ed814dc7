// Oxen storage-server conformance (issue 9): get_service_nodes answers the storage server's own
// request, and its replies parse by exactly the storage server's rules (storage_server_parser.h)
// for nodes with and without uptime proofs, in and out of swarms; get_swarm parses as a Session
// client reads a storage server's answer; the snapshots behind both see new proofs.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "rpc/oxen_compat.h"
#include "rpc/registry_snapshot_cache.h"
#include "rpc/service_node_snapshot.h"
#include "tests/rpc/registry_api_fixture.h"
#include "tests/rpc/storage_server_parser.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::kGenesisNodes;
using test::parse_service_nodes_update;
using test::parse_swarm_reply;
using test::RegistryApiTest;
using test::sn_key;
using test::storage_server_request;
using test::StorageServerParseError;
using test::test_key;

// A pubkey whose swarm space is `space`: first chunk = space big-endian, the rest zero.
PubKey key_with_space(uint64_t space) {
  PubKey pk;
  for (int i = 0; i < 8; ++i) pk.data[i] = static_cast<uint8_t>(space >> (8 * (7 - i)));
  return pk;
}

const std::set<std::string> kStorageServerEntryFields{
    "service_node_pubkey", "swarm_id",       "storage_port",     "public_ip",
    "funded",              "pubkey_x25519",  "pubkey_ed25519",   "storage_lmq_port",
    "storage_server_version"};

TEST_F(RegistryApiTest, StorageServersRequestParsesByItsRulesWithAndWithoutProofs) {
  const PubKey awaiting = register_awaiting_node();  // unfunded, out of every swarm
  const KeyPair proved = sn_key(5);
  const UptimeContact contact{0x0a000105, 22021, 22020, 22025, {2, 11, 3}};  // 10.0.1.5
  commit({make_uptime_proof(proved, chain->chain_id(), chain->tip().header.time_ms + 400,
                            contact)});
  const json r = result("get_service_nodes", storage_server_request(std::nullopt));

  // The raw reply: exactly the asked entry fields, never null, the unfunded node unassigned.
  ASSERT_EQ(r["service_node_states"].size(), kGenesisNodes + 1);
  for (const json& e : r["service_node_states"]) {
    std::set<std::string> got;
    for (const auto& [k, v] : e.items()) {
      got.insert(k);
      EXPECT_FALSE(v.is_null()) << k << " of " << e["service_node_pubkey"];
    }
    EXPECT_EQ(got, kStorageServerEntryFields);
    if (e["service_node_pubkey"] == to_hex(awaiting)) {
      EXPECT_EQ(e["funded"], false);
      EXPECT_EQ(e["swarm_id"].get<uint64_t>(), UINT64_MAX);
    }
  }

  const test::SsBlockUpdate bu = parse_service_nodes_update(r);
  EXPECT_EQ(bu.height, 2u);
  EXPECT_EQ(bu.block_hash, to_hex(chain->tip().hash));
  EXPECT_EQ(bu.hardfork, kOxenHardfork);
  EXPECT_EQ(bu.snode_revision, kOxenSnodeRevision);
  EXPECT_FALSE(bu.unchanged);
  EXPECT_EQ(bu.unfunded_skipped, 1);
  EXPECT_EQ(bu.missing_aux_pks, 0);
  EXPECT_TRUE(bu.decommissioned.empty());

  // The swarms the storage server builds are the registry's.
  SwarmTable table;
  chain->with_state([&](const ChainState& s, const ChainTip&) { table = s.registry.swarms(); });
  ASSERT_EQ(bu.swarms.size(), table.size());
  std::size_t seen = 0;
  for (const auto& [id, members] : table) {
    ASSERT_TRUE(bu.swarms.contains(id)) << id;
    std::set<std::string> want, got;
    for (const PubKey& pk : members) want.insert(to_hex(pk));
    for (const test::SsRecord& rec : bu.swarms.at(id)) {
      got.insert(rec.pubkey_legacy);
      EXPECT_EQ(rec.pubkey_ed25519, rec.pubkey_legacy);
      const ServiceNode sn = record(*fixed_from_hex<PubKey>(rec.pubkey_legacy));
      EXPECT_EQ(rec.pubkey_x25519, to_hex(sn.pubkey_x25519));
      if (rec.pubkey_legacy == to_hex(proved.pubkey())) {
        EXPECT_EQ(rec.ip, "10.0.1.5");
        EXPECT_EQ(rec.https_port, 22021);
        EXPECT_EQ(rec.omq_port, 22020);
        EXPECT_EQ(rec.version, (std::array<int, 3>{2, 11, 3}));
      } else {
        EXPECT_EQ(rec.ip, "0.0.0.0") << "Oxen's answer for a node without a proof";
        EXPECT_EQ(rec.https_port, 0);
        EXPECT_EQ(rec.omq_port, 0);
        EXPECT_EQ(rec.version, (std::array<int, 3>{0, 0, 0}));
      }
    }
    EXPECT_EQ(got, want);
    seen += got.size();
  }
  EXPECT_EQ(seen, kGenesisNodes);
}

TEST_F(RegistryApiTest, StorageServersPollWithTheTipHashIsUnchanged) {
  const std::string tip = to_hex(chain->tip().hash);
  const json same = result("get_service_nodes", storage_server_request(tip));
  EXPECT_FALSE(same.contains("service_node_states"));
  const test::SsBlockUpdate bu = parse_service_nodes_update(same);
  EXPECT_TRUE(bu.unchanged);
  EXPECT_EQ(bu.block_hash, tip);
  EXPECT_EQ(bu.hardfork, kOxenHardfork);

  commit();
  const test::SsBlockUpdate after =
      parse_service_nodes_update(result("get_service_nodes", storage_server_request(tip)));
  EXPECT_FALSE(after.unchanged);
  EXPECT_EQ(after.height, 1u);
  std::size_t nodes = 0;
  for (const auto& [id, members] : after.swarms) nodes += members.size();
  EXPECT_EQ(nodes, kGenesisNodes);
}

TEST_F(RegistryApiTest, StorageServersFieldSetWithAnUnknownNameIsRefusedNamingIt) {
  json params = storage_server_request(std::nullopt);
  params["fields"]["swarm_idd"] = true;
  expect_invalid("get_service_nodes", params, "unknown field 'swarm_idd'");
}

TEST_F(RegistryApiTest, EveryFieldIsNeverNullExceptActiveSinceOfANodeNeverActive) {
  register_awaiting_node();
  const json r = result("get_service_nodes");
  for (const char* top : {"height", "block_hash", "hardfork", "snode_revision", "unchanged"})
    EXPECT_FALSE(r[top].is_null()) << top;
  for (const json& e : r["service_node_states"]) {
    for (const auto& [k, v] : e.items()) {
      if (k == "active_since_height" && e["state"] == "awaiting") {
        EXPECT_TRUE(v.is_null());
        continue;
      }
      EXPECT_FALSE(v.is_null()) << k << " of " << e["service_node_pubkey"];
    }
  }
}

// The parser must be able to fail, or the tests above prove nothing.
TEST(StorageServerParserTest, ThrowsOnAPresentKeyOfTheWrongTypeNullIncluded) {
  const json entry{{"service_node_pubkey", std::string(64, 'a')},
                   {"swarm_id", 7},
                   {"funded", true},
                   {"public_ip", "1.2.3.4"},
                   {"storage_port", 1},
                   {"storage_lmq_port", 2},
                   {"storage_server_version", {2, 0, 1}},
                   {"pubkey_ed25519", std::string(64, 'a')},
                   {"pubkey_x25519", std::string(64, 'b')}};
  const json good{{"height", 3}, {"block_hash", "ab"}, {"hardfork", 19},
                  {"service_node_states", {entry}}};
  EXPECT_EQ(parse_service_nodes_update(good).swarms.at(7).at(0).ip, "1.2.3.4");

  auto with = [&](const std::string& key, const json& value) {
    json j = good;
    j["service_node_states"][0][key] = value;
    return j;
  };
  for (const char* key : {"public_ip", "storage_port", "storage_lmq_port",
                          "storage_server_version", "pubkey_ed25519", "pubkey_x25519",
                          "swarm_id", "service_node_pubkey", "funded"})
    EXPECT_THROW(parse_service_nodes_update(with(key, nullptr)), StorageServerParseError) << key;
  EXPECT_THROW(parse_service_nodes_update(with("storage_port", "22021")), StorageServerParseError);
  EXPECT_THROW(parse_service_nodes_update(with("storage_port", 70000)), StorageServerParseError);
  EXPECT_THROW(parse_service_nodes_update(with("swarm_id", -1)), StorageServerParseError);
  EXPECT_THROW(parse_service_nodes_update(with("storage_server_version", {2, 0})),
               StorageServerParseError);
  EXPECT_THROW(parse_service_nodes_update(with("public_ip", 0)), StorageServerParseError);
  json no_hf = good;
  no_hf.erase("hardfork");
  EXPECT_THROW(parse_service_nodes_update(no_hf), StorageServerParseError);
  json hf_text = good;
  hf_text["hardfork"] = "19";
  EXPECT_THROW(parse_service_nodes_update(hf_text), StorageServerParseError);
  json unchanged_null = good;
  unchanged_null["unchanged"] = nullptr;
  EXPECT_THROW(parse_service_nodes_update(unchanged_null), StorageServerParseError);

  // Absent optional keys take the storage server's defaults.
  json sparse = good;
  for (const char* key : {"public_ip", "storage_port", "storage_lmq_port", "storage_server_version"})
    sparse["service_node_states"][0].erase(key);
  const test::SsRecord rec = parse_service_nodes_update(sparse).swarms.at(7).at(0);
  EXPECT_EQ(rec.ip, "");
  EXPECT_EQ(rec.https_port, 0);
  EXPECT_EQ(rec.version, (std::array<int, 3>{0, 0, 0}));
}

// Nodes out of a swarm but funded (a decommissioned node) do not arise on a chain yet, so this
// reads the snapshot's entries over a registry made by hand.
TEST(StorageServerSnapshotTest, FundedNodesOutOfASwarmParseAsDecommissioned) {
  RegistryState reg;
  RegistryChanges changes;
  auto node = [](uint8_t i, NodeState state, SwarmId swarm) {
    ServiceNode sn;
    sn.pubkey = test_key(i).pubkey();
    sn.pubkey_x25519 = test_key(static_cast<uint8_t>(i + 100)).pubkey();
    sn.state = state;
    sn.swarm_id = swarm;
    sn.staking_requirement = Amount::coins(100);
    sn.total_contributed = Amount::coins(100);
    return sn;
  };
  ServiceNode in_swarm = node(1, NodeState::kActive, 100);
  in_swarm.last_proof_height = Height(4);
  in_swarm.contact = {0x7f000001, 1000, 1001, 1002, {2, 9, 0}};
  ServiceNode out = node(2, NodeState::kDecommissioned, kUnassignedSwarm);
  for (const ServiceNode& sn : {in_swarm, out}) changes[sn.pubkey] = sn;
  reg.apply(changes);

  const ServiceNodeSnapshot snap(reg);
  ServiceNodeSnapshot::FieldMask mask;
  for (const std::string& name : kStorageServerEntryFields)
    mask.set(*service_node_field_index(name));
  const std::string text = R"({"height":4,"block_hash":"00","hardfork":19,"service_node_states":)" +
                           *snap.all_entries(mask, false) + "}";
  const test::SsBlockUpdate bu = parse_service_nodes_update(json::parse(text));
  ASSERT_EQ(bu.decommissioned.size(), 1u);
  EXPECT_EQ(bu.decommissioned[0].pubkey_legacy, to_hex(out.pubkey));
  EXPECT_EQ(bu.decommissioned[0].ip, "0.0.0.0");
  ASSERT_EQ(bu.swarms.size(), 1u);
  EXPECT_EQ(bu.swarms.at(100).at(0).ip, "127.0.0.1");
  EXPECT_EQ(bu.swarms.at(100).at(0).omq_port, 1001);
}

TEST_F(RegistryApiTest, GetSwarmParsesAsASessionClientReadsAStorageServersAnswer) {
  const PubKey user = test_key(77).pubkey();
  const test::SwarmReply s = parse_swarm_reply(result("get_swarm", {{"pubkey", to_hex(user)}}));
  const ChainTip tip = chain->tip();
  EXPECT_EQ(s.height, tip.header.height.value);
  EXPECT_EQ(s.t, tip.header.time_ms) << "t is the tip block's time, in ms";
  EXPECT_EQ(s.hf, (std::array<int, 2>{kOxenHardfork, kOxenSnodeRevision}));
  EXPECT_EQ(s.swarm, swarm_hex(s.swarm_id));
  ASSERT_FALSE(s.snodes.empty());
  for (const test::SwarmReplyNode& n : s.snodes) {
    const PubKey ed = *fixed_from_hex<PubKey>(n.pubkey_ed25519);
    EXPECT_EQ(n.address, snode_address(ed));
    EXPECT_EQ(n.address.size(), 52u + 6u);
    EXPECT_EQ(n.pubkey_legacy, n.pubkey_ed25519);
    EXPECT_EQ(n.pubkey_x25519, to_hex(record(ed).pubkey_x25519));
  }
}

TEST_F(RegistryApiTest, GetSwarmAndGetServiceNodesSeeANewProofOfANodeAlreadyServed) {
  const KeyPair node = sn_key(5);
  const SwarmId id = record(node.pubkey()).swarm_id;
  const std::string user = to_hex(key_with_space(id));
  auto ip_in_swarm = [&] {
    const json reply = result("get_swarm", {{"pubkey", user}});
    for (const json& s : reply["snodes"])
      if (s["pubkey_ed25519"] == to_hex(node.pubkey())) return s["ip"].get<std::string>();
    return std::string("missing");
  };
  auto ip_in_list = [&] {
    return result("get_service_nodes", {{"service_node_pubkeys", {to_hex(node.pubkey())}}})
        ["service_node_states"][0]["public_ip"]
            .get<std::string>();
  };
  EXPECT_EQ(ip_in_swarm(), "0.0.0.0");  // both snapshots are built now
  EXPECT_EQ(ip_in_list(), "0.0.0.0");
  const uint64_t t1 = chain->tip().header.time_ms + 400;
  commit({make_uptime_proof(node, chain->chain_id(), t1, {0x0a000105, 1, 2, 3, {2, 11, 3}})});
  EXPECT_EQ(ip_in_swarm(), "10.0.1.5");
  EXPECT_EQ(ip_in_list(), "10.0.1.5");
  // The node moves: its next proof (half an interval of block time later) carries a new address.
  const uint64_t proved_at = chain->tip().header.time_ms;
  const uint64_t wait_ms = genesis.params.proof_interval_s * 1000 / 2;
  for (int i = 0; i < 100 && chain->tip().header.time_ms + 500 < proved_at + wait_ms; ++i)
    commit();
  Tx moved = make_uptime_proof(node, chain->chain_id(), chain->tip().header.time_ms + 400,
                               {0x0a000205, 1, 2, 3, {2, 11, 3}});
  commit({moved});
  EXPECT_EQ(ip_in_swarm(), "10.0.2.5");
  EXPECT_EQ(ip_in_list(), "10.0.2.5");
}

TEST_F(RegistryApiTest, ANewSnapshotReusesTheEntriesOfUnchangedRecords) {
  RegistrySnapshotCache<ServiceNodeSnapshot> cache(*chain);
  const auto first = cache.current(false);
  EXPECT_EQ(first.snapshot->reused(), 0u);
  EXPECT_EQ(cache.current(false).snapshot, first.snapshot) << "same registry, same snapshot";
  EXPECT_EQ(cache.builds(), 1u);

  const KeyPair node = sn_key(9);
  const UptimeContact contact{0x0a000109, 5, 6, 7, {2, 11, 3}};
  commit({make_uptime_proof(node, chain->chain_id(), chain->tip().header.time_ms + 400, contact)});
  const auto second = cache.current(false);
  EXPECT_EQ(cache.builds(), 2u);
  EXPECT_EQ(second.tip.height, Height(1));
  EXPECT_EQ(second.tip.registry_root, chain->tip().header.registry_root);
  ASSERT_EQ(second.snapshot->size(), kGenesisNodes);
  // The proving node and the block's reward winner changed; the rest is taken over.
  EXPECT_GE(second.snapshot->reused(), kGenesisNodes - 3);
  EXPECT_LT(second.snapshot->reused(), kGenesisNodes);
  const ServiceNodeSnapshot::Entry* e = second.snapshot->find(node.pubkey());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->record.contact, contact);
  EXPECT_EQ(e->pieces[*service_node_field_index("public_ip")], R"("public_ip":"10.0.1.9")");
}

TEST(OxenCompatTest, Base32zMatchesOxencsVectors) {
  std::ifstream in(std::string(SWARMCHAIN_TEST_DATA_DIR) + "/rpc_base32z.json");
  ASSERT_TRUE(in) << "tests/data/rpc_base32z.json";
  const json doc = json::parse(in);
  ASSERT_GE(doc["vectors"].size(), 3u);
  for (const json& v : doc["vectors"]) {
    auto bytes = from_hex(v["hex"].get<std::string>());
    ASSERT_TRUE(bytes);
    EXPECT_EQ(to_base32z(ByteView(bytes->data(), bytes->size())), v["base32z"]);
  }
  PubKey k = *fixed_from_hex<PubKey>(doc["vectors"][2]["hex"].get<std::string>());
  EXPECT_EQ(snode_address(k), doc["vectors"][2]["base32z"].get<std::string>() + ".snode");
}

}  // namespace
}  // namespace swarmchain::rpc

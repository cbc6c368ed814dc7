// get_swarms and get_swarm on a real Blockchain in a temp dir: the swarm table, pubkey -> swarm
// against a brute-force ring search (design §5.7), param validation, reads while blocks are
// committed; and SwarmDirectory, the snapshot get_swarm answers from.
#include "rpc/registry_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "rpc/oxen_compat.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::kGenesisNodes;
using test::RegistryApiTest;
using test::test_key;

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
    for (uint64_t space : {id, id - 1, id + 1, mid, mid + 1})
      users.push_back(key_with_space(space));
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
        const std::string ed = members[want][k].get<std::string>();
        auto key = fixed_from_hex<PubKey>(ed);
        ASSERT_TRUE(key);
        EXPECT_EQ(snodes[k], (json{{"address", snode_address(*key)},
                                   {"pubkey_legacy", ed},
                                   {"pubkey_x25519", x25519[ed]},
                                   {"pubkey_ed25519", ed},
                                   {"ip", "0.0.0.0"},
                                   {"port", "0"},
                                   {"port_https", 0},
                                   {"port_omq", 0}}));
      }
    }
  }
}

TEST_F(RegistryApiTest, GetSwarmGivesTheAddressAndPortsOfMembersThatProvedTheyAreAlive) {
  const KeyPair node = test::sn_key(5);
  const UptimeContact contact{0x0a000105, 22021, 22020, 22025, {2, 11, 3}};
  commit({make_uptime_proof(node, chain->chain_id(), chain->tip().header.time_ms + 500, contact)});
  const SwarmId id = record(node.pubkey()).swarm_id;
  ASSERT_NE(id, kUnassignedSwarm);
  json r = result("get_swarm", {{"pubkey", to_hex(key_with_space(id))}});
  ASSERT_EQ(r["swarm_id"], id);
  bool found = false;
  for (const json& s : r["snodes"]) {
    if (s["pubkey_ed25519"] == to_hex(node.pubkey())) {
      found = true;
      EXPECT_EQ(s["ip"], "10.0.1.5");
      EXPECT_EQ(s["port_https"], 22021);
      EXPECT_EQ(s["port_omq"], 22020);
    } else {
      EXPECT_EQ(s["ip"], "0.0.0.0") << "a member without a proof has no address yet";
      EXPECT_EQ(s["port_https"], 0);
      EXPECT_EQ(s["port_omq"], 0);
    }
  }
  EXPECT_TRUE(found);
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
  expect_invalid("get_swarm", {{"pubkey", hex.substr(2)}},
                 "'pubkey': pubkey must be 64 hex digits");
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
  SwarmDirectory dir(empty);
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
  SwarmDirectory dir(reg);
  EXPECT_EQ(dir.swarm_count(), 2u);
  EXPECT_EQ(dir.lookup(key_with_space(150)), 100u);
  EXPECT_EQ(dir.lookup(key_with_space(151)), 200u);
  const json& reply = dir.swarm_for(key_with_space(151));
  EXPECT_EQ(reply["swarm_id"], 200u);
  EXPECT_EQ(reply["swarm"], "00000000000000c8");
  EXPECT_FALSE(reply.contains("height")) << "get_swarm adds the block's height to the reply";
  ASSERT_EQ(reply["snodes"].size(), 1u);
  EXPECT_EQ(reply["snodes"][0]["pubkey_ed25519"], to_hex(test_key(2).pubkey()));
  auto known =
      fixed_from_hex<PubKey>("0000000000000000000000000000000000000000000000000123456789abcdef");
  ASSERT_TRUE(known);
  EXPECT_EQ(swarm_space(*known), 0x0123456789abcdefULL);
}

}  // namespace
}  // namespace swarmchain::rpc

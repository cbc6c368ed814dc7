// The storage-server conformance test against a running 4-node net: each node is asked
// get_service_nodes exactly as an Oxen storage server asks it on every block, over HTTP, and
// the reply is parsed by the storage server's own rules (tests/rpc/storage_server_parser.h);
// then get_swarm as a Session client reads it.
#include <gtest/gtest.h>

#include "tests/net/local_net.h"
#include "tests/rpc/storage_server_parser.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(StorageServerNetTest, EveryNodeAnswersTheStorageServersPollByItsRules) {
  LocalNet net(4, "net-ss");
  net.start_all();
  ASSERT_TRUE(net.wait_height(0, 3, 60s)) << net.log(0);
  // Wait until all four proofs (with contact data) are in the registry.
  SsBlockUpdate update;
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = net.rpc(0).call("get_service_nodes", storage_server_request(std::nullopt));
        if (!r) return false;
        update = parse_service_nodes_update(*r);
        int with_contact = 0;
        for (const auto& [id, members] : update.swarms)
          for (const auto& m : members)
            if (m.ip == "127.0.0.1" && m.https_port != 0 && m.omq_port != 0) ++with_contact;
        return with_contact == 4;
      },
      30s));
  EXPECT_EQ(update.hardfork, 19);
  EXPECT_EQ(update.missing_aux_pks, 0);
  EXPECT_TRUE(update.decommissioned.empty());

  for (std::size_t i = 0; i < 4; ++i) {
    auto r = net.rpc(i).call("get_service_nodes", storage_server_request(std::nullopt));
    ASSERT_TRUE(r) << r.error().message;
    SsBlockUpdate u;
    ASSERT_NO_THROW(u = parse_service_nodes_update(*r)) << r->dump();
    std::size_t nodes = 0;
    for (const auto& [id, members] : u.swarms) {
      EXPECT_NE(id, kInvalidSwarmId);
      nodes += members.size();
      for (const auto& m : members) {
        EXPECT_EQ(m.pubkey_ed25519, m.pubkey_legacy);
        EXPECT_EQ(m.pubkey_x25519.size(), 64u);
      }
    }
    EXPECT_EQ(nodes, 4u) << "node " << i;

    // The next poll with the tip hash it was given: unchanged, unless a block came meanwhile.
    auto again = net.rpc(i).call("get_service_nodes", storage_server_request(u.block_hash));
    ASSERT_TRUE(again);
    SsBlockUpdate polled = parse_service_nodes_update(*again);
    if (polled.height == u.height) {
      EXPECT_TRUE(polled.unchanged);
      EXPECT_TRUE(polled.swarms.empty());
    }
  }

  // A Session client asking any node for a user's swarm gets the same members, with contact.
  const std::string user = "05" + std::string(64, 'a');
  std::optional<SwarmReply> first;
  for (std::size_t i = 0; i < 4; ++i) {
    auto r = net.rpc(i).call("get_swarm", json{{"pubkey", user}});
    ASSERT_TRUE(r) << r.error().message;
    SwarmReply s;
    ASSERT_NO_THROW(s = parse_swarm_reply(*r)) << r->dump();
    EXPECT_EQ(s.snodes.size(), 4u);
    for (const auto& n : s.snodes) {
      EXPECT_EQ(n.ip, "127.0.0.1");
      EXPECT_NE(n.port_https, 0);
      EXPECT_NE(n.port_omq, 0);
      EXPECT_TRUE(n.address.ends_with(".snode")) << n.address;
    }
    if (!first) first = s;
    EXPECT_EQ(s.swarm_id, first->swarm_id);
  }
}

}  // namespace
}  // namespace swarmchain::test

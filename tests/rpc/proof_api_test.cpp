// The proof methods (rpc/proof_api.h) on a real Blockchain in a temp dir (the registry API
// fixture: 40 genesis nodes in several swarms), checked the way a light client checks them:
// every answer decodes, every hand-off and the tip pass registry/committee_chain.h from the
// genesis, and the swarm and table proofs pass registry/swarm_proof.h.
#include "tests/rpc/registry_api_fixture.h"

#include "common/hex.h"
#include "registry/committee_chain.h"
#include "registry/swarm_lookup.h"
#include "registry/swarm_proof.h"
#include "rpc/proof_api.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;

template <typename T>
T decode_hex(const json& v) {
  auto bytes = from_hex(v.get<std::string>());
  EXPECT_TRUE(bytes);
  auto out = decode_exact<T>(bytes.value_or(Bytes{}));
  EXPECT_TRUE(out) << out.error().message();
  return std::move(*out);
}

class ProofApiTest : public RegistryApiTest {
 protected:
  ProofApiTest() { rpc::register_proof_methods(d, *chain); }

  // Every genesis node proves once (so epoch 1 draws a new committee), then empty blocks.
  void run_to(uint64_t h) {
    std::vector<Tx> proofs;
    for (std::size_t i = 0; i < kGenesisNodes; ++i)
      proofs.push_back(make_uptime_proof(sn_key(i), chain->chain_id(),
                                         chain->tip().header.time_ms + 500,
                                         {0x0a000001u + static_cast<uint32_t>(i), 22021, 22020,
                                          22025, {2, 11, 3}}));
    commit(proofs);
    while (chain->tip().header.height.value < h) commit();
  }
  uint64_t E() const { return chain->params().epoch_blocks; }
  CommitteeChain genesis_trust() const {
    return CommitteeChain(chain->chain_id(), E(), chain->executor().genesis_committee());
  }
  uint64_t now() const { return chain->tip().header.time_ms; }
  const PubKey user = test_key(77).pubkey();
};

TEST_F(ProofApiTest, TheCommitteeChainAndSwarmProofVerifyFromTheGenesis) {
  run_to(2 * E() + 5);
  const json cc = result("get_committee_chain", {{"from_height", 0}});
  ASSERT_EQ(cc["handoffs"].size(), 2u) << cc.dump();
  EXPECT_FALSE(cc["more"].get<bool>());
  CommitteeChain client = genesis_trust();
  for (const json& h : cc["handoffs"]) {
    const Status s = client.apply(decode_hex<CommitteeHandoff>(h["proof"]));
    ASSERT_TRUE(s) << s.message();
  }
  EXPECT_NE(client.committee(), chain->executor().genesis_committee()) << "no hand-off had members";

  const json sp = result("get_swarm_proof", {{"pubkey", "05" + to_hex(user)}});
  const SwarmProof proof = decode_hex<SwarmProof>(sp["proof"]);
  auto tip = client.accept_tip(proof.tip, now(), 60'000);
  ASSERT_TRUE(tip) << tip.error().message();
  EXPECT_EQ(tip->header.height, chain->tip().header.height);
  auto swarm = verify_swarm_proof(proof, tip->header, user);
  ASSERT_TRUE(swarm) << swarm.error().message();
  const json plain = result("get_swarm", {{"pubkey", to_hex(user)}});
  EXPECT_EQ(swarm->swarm_id, plain["swarm_id"].get<uint64_t>());
  EXPECT_EQ(swarm->members.size(), plain["snodes"].size());
  EXPECT_EQ(sp["swarm_id"], plain["swarm_id"]);
}

TEST_F(ProofApiTest, TheTableIsServedInTheBinaryLayoutAndProvenByItsRecords) {
  run_to(E() - 2);  // no hand-off needed yet
  const json t = result("get_swarm_table");
  const SwarmTableProof proof = decode_hex<SwarmTableProof>(t["proof"]);
  EXPECT_EQ(t["table_hex"].get<std::string>(), to_hex(proof.table));
  EXPECT_EQ(proof.table.size(), kGenesisNodes * kTableEntryBytes);
  EXPECT_EQ(t["nodes"].get<uint64_t>(), kGenesisNodes);
  CommitteeChain client = genesis_trust();
  auto tip = client.accept_tip(proof.tip, now(), 60'000);
  ASSERT_TRUE(tip) << tip.error().message();
  auto swarm = verify_swarm_table(proof, tip->header, user);
  ASSERT_TRUE(swarm) << swarm.error().message();
  EXPECT_EQ(swarm->swarm_id, result("get_swarm", {{"pubkey", to_hex(user)}})["swarm_id"].get<uint64_t>());
}

TEST_F(ProofApiTest, TheCommitteeChainIsPagedByToHeightAndFromHeight) {
  run_to(3 * E() + 1);
  EXPECT_EQ(result("get_committee_chain", {{"to_height", 2 * E()}})["handoffs"].size(), 1u);
  const json rest = result("get_committee_chain", {{"from_height", E()}});
  ASSERT_EQ(rest["handoffs"].size(), 2u);
  EXPECT_EQ(rest["handoffs"][0]["height"].get<uint64_t>(), 2 * E());
}

TEST_F(ProofApiTest, AFromHeightThatIsNoHandoffIsRefusedWithTheReason) {
  run_to(3);
  expect_invalid("get_committee_chain", {{"from_height", 3}}, "multiple of epoch_blocks");
  expect_invalid("get_committee_chain", {{"to_height", 99}}, "above the tip");
  expect_invalid("get_swarm_proof", {{"pubkey", "05ab"}}, "pubkey");
  expect_invalid("get_swarm_table", {{"x", 1}}, "x");
}

TEST_F(ProofApiTest, AtTheGenesisThereIsNoCertifiedTipToProveAgainst) {
  const json r = call("get_swarm_table");
  ASSERT_TRUE(r.contains("error")) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("no block is certified yet"),
            std::string::npos);
}

TEST_F(ProofApiTest, TheGenesisAnswerHashesToTheChainId) {
  const json g = result("get_genesis");
  const Genesis served = decode_hex<Genesis>(g["genesis_hex"]);
  EXPECT_EQ(served.chain_id(), chain->chain_id());
  EXPECT_EQ(g["chain_id"].get<std::string>(), to_hex(chain->chain_id()));
}

}  // namespace
}  // namespace swarmchain::test

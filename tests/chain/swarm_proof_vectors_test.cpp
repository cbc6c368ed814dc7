// Golden vectors of the swarm-proof encodings (docs/protocol.md "Swarm proofs"), in
// tests/data/swarm_proof_vectors.json: a table, a committee hand-off, a whole swarm proof, and
// the registry root two records rebuild. Fixed keys and values, deterministic signatures.
// After a DELIBERATE format change, regenerate and review the diff:
//   SWARMCHAIN_REGEN_GOLDEN=1 build/bin/chain_swarm_proof_vectors_test
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "chain/block.h"
#include "common/hex.h"
#include "registry/committee_chain.h"
#include "registry/registry_state.h"
#include "registry/swarm_proof.h"
#include "tests/chain/test_util.h"
#include "tests/common/golden.h"

namespace swarmchain {
namespace {

using nlohmann::json;
using swarmchain::testing::pattern;
using test::test_key;

[[maybe_unused]] const bool kCryptoReady = crypto_init();

ServiceNode record(uint8_t k, NodeState state, SwarmId swarm, UptimeContact contact) {
  ServiceNode sn;
  sn.pubkey = test_key(k).pubkey();
  sn.pubkey_x25519 = pattern<PubKey>(k);
  sn.operator_address = test_key(1).pubkey();
  sn.fee_bps = 250;
  sn.contributors = {{test_key(1).pubkey(), Amount::coins(100), Amount::coins(100)}};
  sn.total_contributed = Amount::coins(100);
  sn.total_reserved = Amount::coins(100);
  sn.staking_requirement = Amount::coins(100);
  sn.state = state;
  sn.swarm_id = swarm;
  sn.contact = contact;
  return sn;
}

std::vector<ServiceNode> records() {
  std::vector<ServiceNode> out = {
      record(210, NodeState::kActive, 0x0123456789abcdefULL, {0xc0a80107, 22021, 22020, 22025, {2, 11, 300}}),
      record(211, NodeState::kDecommissioned, kUnassignedSwarm, {0x0a000001, 1, 2, 3, {1, 2, 3}}),
      record(212, NodeState::kActive, 0x0000000000000005ULL, {0x7f000001, 443, 444, 445, {0, 1, 255}})};
  std::sort(out.begin(), out.end(),
            [](const ServiceNode& a, const ServiceNode& b) { return a.pubkey < b.pubkey; });
  return out;
}

BlockHeader header() {
  BlockHeader h;
  h.height = Height(20);
  h.prev_hash = pattern<BlockHash>(1);
  h.time_ms = 1'700'000'010'000ULL;
  h.proposer = test_key(2).pubkey();
  h.tx_root = pattern<Hash>(40);
  h.state_root = pattern<Hash>(80);
  h.registry_root = pattern<Hash>(120);
  h.committee_hash = committee_hash({test_key(2).pubkey()});
  h.next_committee_hash = committee_hash({test_key(3).pubkey(), test_key(4).pubkey()});
  return h;
}

CertifiedHeader certified(const BlockHeader& h) {
  const Hash chain_id = pattern<Hash>(9);
  CommitCertificate c{h.height, 0, h.hash(), {}};
  c.sigs.push_back({0, test_key(2).sign(vote_digest(chain_id, VoteType::kPrecommit, h.height, 0,
                                                    h.hash()))});
  return {encode(h), c};
}

json vectors() {
  const auto recs = records();
  RegistryState reg;
  for (const ServiceNode& sn : recs) reg.load(sn);
  reg.rebuild();
  const CommitteeHandoff handoff{certified(header()),
                                 std::vector<PubKey>{test_key(3).pubkey(), test_key(4).pubkey()}};
  const SwarmProof proof{certified(header()), recs, {5, 0x0123456789abcdefULL}, 5};
  return json{{"table", to_hex(encode_swarm_table(recs))},
              {"registry_root", to_hex(reg.root())},
              {"handoff", to_hex(encode(handoff))},
              {"swarm_proof", to_hex(encode(proof))}};
}

TEST(SwarmProofVectors, MatchTheGoldenFile) {
  const json now = vectors();
  if (swarmchain::testing::env_flag("SWARMCHAIN_REGEN_GOLDEN")) {
    std::ofstream(std::string(SWARMCHAIN_TEST_DATA_DIR) + "/swarm_proof_vectors.json")
        << now.dump(2) << "\n";
    GTEST_SKIP() << "rewrote swarm_proof_vectors.json";
  }
  const json golden = swarmchain::testing::load_golden("swarm_proof_vectors.json");
  for (const char* k : {"table", "registry_root", "handoff", "swarm_proof"})
    EXPECT_EQ(now.at(k), golden.at(k)) << k;
}

TEST(SwarmProofVectors, TheTableFollowsTheGrammarByHand) {
  // Swarm 5 (node 212) first, then swarm 0x0123…; the decommissioned node 211 is left out.
  std::string expected = to_hex(test_key(212).pubkey()) + "0000000000000005" + "7f000001" +
                         "01bb" + "01bc" + "0001ff";
  expected += to_hex(test_key(210).pubkey()) + "0123456789abcdef" + "c0a80107" + "5605" + "5604" +
              "020bff";  // version 300 is written as 255
  EXPECT_EQ(to_hex(encode_swarm_table(records())), expected);
}

TEST(SwarmProofVectors, TheOpeningRebuildsTheRegistrysOwnRoot) {
  const auto recs = records();
  RegistryState reg;
  for (const ServiceNode& sn : recs) reg.load(sn);
  reg.rebuild();
  EXPECT_TRUE(verify_registry_opening(recs, reg.root(), Height(1)));
  EXPECT_FALSE(verify_registry_opening({recs[0], recs[2]}, reg.root(), Height(1)));
}

}  // namespace
}  // namespace swarmchain

// The light-client check (registry/light_client.h) against real blocks: a record proven by the
// registry root of a certified header verifies; a changed byte anywhere does not.
#include <gtest/gtest.h>

#include "registry/light_client.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {
namespace {

class LightClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Genesis g = test_genesis(4);
    for (uint8_t i = 210; i < 216; ++i)  // enough nodes for real swarms
      g.service_nodes.push_back({test_key(i).pubkey(), test_key(1).pubkey(),
                                 g.params.staking_requirement});
    ex = std::make_unique<Executor>(g);
    ChainState state = ex->genesis_state();
    const Block genesis = ex->genesis_block();
    auto built = ex->build(state, genesis.header, std::nullopt, {}, genesis.header.time_ms + 500,
                           test_key(200).pubkey());
    block = built.block;
    state.registry.apply(built.executed.registry_changes);
    ASSERT_EQ(state.registry.root(), block.header.registry_root);
    committee = ex->committee(state, block.header.height);
    cert = CommitCertificate{block.header.height, 0, block.hash(), {}};
    for (std::size_t i = 0; i < committee.size(); ++i) {
      const KeyPair& k = signer(committee[i]);
      cert.sigs.push_back({static_cast<uint16_t>(i),
                           k.sign(vote_digest(ex->chain_id(), VoteType::kPrecommit,
                                              block.header.height, 0, block.hash()))});
    }
    subject = test_key(212).pubkey();
    record = *state.registry.get(subject);
    proof = *state.registry.proof(subject);
    Writer w;
    block.header.encode(w);
    header_bytes = w.take();
  }
  static KeyPair signer(const PubKey& pk) {
    for (int i = 1; i < 256; ++i)
      if (test_key(static_cast<uint8_t>(i)).pubkey() == pk) return test_key(static_cast<uint8_t>(i));
    ADD_FAILURE() << "no test key for a committee member";
    return test_key(1);
  }
  Status check() const {
    return verify_registry_answer(record, proof, header_bytes, cert, ex->chain_id(), committee);
  }

  std::unique_ptr<Executor> ex;
  Block block;
  CommitCertificate cert;
  std::vector<PubKey> committee;
  PubKey subject;
  ServiceNode record;
  MerkleProof proof;
  Bytes header_bytes;
};

TEST_F(LightClientTest, HeaderLayoutMatchesTheChainsEncoding) {
  EXPECT_EQ(header_bytes.size(), kHeaderBytes);
  auto h = verify_certified_header(header_bytes, cert, ex->chain_id(), committee);
  ASSERT_TRUE(h) << h.error().message();
  EXPECT_EQ(h->height, block.header.height);
  EXPECT_EQ(h->block_hash, block.hash());
  EXPECT_EQ(h->registry_root, block.header.registry_root);
}

TEST_F(LightClientTest, ARecordProvenAgainstACertifiedHeaderVerifies) {
  Status s = check();
  EXPECT_TRUE(s) << s.message();
  EXPECT_NE(record.swarm_id, kUnassignedSwarm);
}

TEST_F(LightClientTest, AnyChangedByteOfTheRecordFailsVerification) {
  const Bytes bytes = record.to_bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    Bytes changed = bytes;
    changed[i] ^= 0x01;
    auto decoded = decode_exact<ServiceNode>(changed);
    if (!decoded) continue;  // not even a record
    ServiceNode saved = record;
    record = *decoded;
    EXPECT_FALSE(check()) << "byte " << i;
    record = saved;
  }
}

TEST_F(LightClientTest, AnyChangedByteOfThePathFailsVerification) {
  ASSERT_FALSE(proof.steps.empty());
  for (std::size_t s = 0; s < proof.steps.size(); ++s) {
    for (std::size_t i = 0; i < 32; i += 7) {
      MerkleProof saved = proof;
      proof.steps[s].sibling.data[i] ^= 0x80;
      EXPECT_FALSE(check()) << "step " << s << " byte " << i;
      proof = saved;
    }
    MerkleProof saved = proof;
    proof.steps[s].sibling_on_left = !proof.steps[s].sibling_on_left;
    EXPECT_FALSE(check()) << "side of step " << s;
    proof = saved;
  }
}

TEST_F(LightClientTest, AnyChangedByteOfTheHeaderFailsVerification) {
  for (std::size_t i = 0; i < header_bytes.size(); ++i) {
    Bytes saved = header_bytes;
    header_bytes[i] ^= 0x01;
    EXPECT_FALSE(check()) << "header byte " << i;
    header_bytes = saved;
  }
}

TEST_F(LightClientTest, ACertificateWithoutAQuorumOrFromAnotherChainFails) {
  CommitCertificate saved = cert;
  cert.sigs.clear();
  EXPECT_FALSE(check());
  cert = saved;
  cert.sigs[0].signature.data[5] ^= 1;
  EXPECT_FALSE(check());
  cert = saved;
  Hash other = ex->chain_id();
  other.data[0] ^= 1;
  EXPECT_FALSE(verify_registry_answer(record, proof, header_bytes, cert, other, committee));
}

TEST_F(LightClientTest, AnotherCommitteeThanTheHeaderNamesFails) {
  std::vector<PubKey> wrong = committee;
  wrong[0] = test_key(99).pubkey();
  EXPECT_FALSE(verify_registry_answer(record, proof, header_bytes, cert, ex->chain_id(), wrong));
}

}  // namespace
}  // namespace swarmchain::test

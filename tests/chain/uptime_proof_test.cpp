// Uptime proofs (design §4.2, §7.4; registry/uptime_rules.h): every rule of the tx, its effect
// on the record and registry_root, and the block-level verdicts. Node test_key(200) is the
// genesis service node; block times are the chain's, never a clock.
#include <gtest/gtest.h>

#include "chain/tx_check.h"
#include "common/hex.h"
#include "registry/uptime_rules.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::MemChain;
using test::test_genesis;
using test::test_key;

const UptimeContact kContact{0x0a000001, 22021, 22020, 22025, {2, 11, 0}};

class UptimeProofTest : public ::testing::Test {
 protected:
  MemChain chain{test_genesis(4)};
  const KeyPair node = test_key(200);
  const ChainParams& params() const { return chain.ex.params(); }
  const Hash& chain_id() const { return chain.ex.chain_id(); }

  Tx proof(uint64_t time_ms, const KeyPair& key, UptimeContact c = kContact) const {
    return make_uptime_proof(key, chain_id(), time_ms, c);
  }
  Tx proof(uint64_t time_ms) const { return proof(time_ms, node); }

  // The code `tx` gets in a block at `block_time` on the chain's tip state (0 = applied).
  int verdict(const Tx& tx, uint64_t block_time) const {
    Status s = check_tx_stateless(tx, chain_id());
    if (!s) return s.code();
    StateView view(chain.state);
    s = apply_tx(view, tx,
                 TxEnv{chain_id(), chain.ex.registry_params(), chain.tip.height.next(), 0,
                       block_time});
    if (!s) {
      EXPECT_TRUE(view.registry.changes().empty()) << "a refused proof changed the registry";
    }
    return s.code();
  }
  static int code(RegistryError e) { return static_cast<int>(e); }
  static int code(TxError e) { return static_cast<int>(e); }
  const ServiceNode& record() const { return *chain.state.registry.get(node.pubkey()); }
};

TEST_F(UptimeProofTest, AProofOfARegisteredNodeIsAcceptedWithoutFeeNonceOrAccount) {
  const Tx tx = proof(chain.next_time());
  EXPECT_EQ(tx.fee, Amount());
  EXPECT_EQ(tx.nonce, 0u);
  EXPECT_FALSE(chain.state.accounts.get(node.pubkey())) << "the node key holds no account";
  EXPECT_EQ(verdict(tx, chain.next_time()), 0);
  chain.next({tx});
  EXPECT_FALSE(chain.state.accounts.get(node.pubkey())) << "a proof must not create an account";
}

TEST_F(UptimeProofTest, TheContactDataAndProofTimesLandInTheRecordAndChangeTheRegistryRoot) {
  const Hash root_before = chain.state.registry.root();
  const uint64_t t = chain.next_time();
  const Block b = chain.next({proof(t - 100)});
  const ServiceNode& sn = record();
  EXPECT_EQ(sn.contact, kContact);
  EXPECT_EQ(sn.last_proof_height, b.header.height);
  EXPECT_EQ(sn.last_proof_time_ms, b.header.time_ms) << "the BLOCK time, not the node's stamp";
  EXPECT_EQ(sn.last_proof_sent_ms, t - 100);
  EXPECT_NE(b.header.registry_root, root_before);
  // The contact is provable: the record with its proof verifies against the header's root.
  auto proof_path = chain.state.registry.proof(node.pubkey());
  ASSERT_TRUE(proof_path);
  EXPECT_TRUE(verify_registry_proof(sn, *proof_path, b.header.registry_root));
  ServiceNode forged = sn;
  forged.contact.public_ip ^= 1;
  EXPECT_FALSE(verify_registry_proof(forged, *proof_path, b.header.registry_root));
}

TEST_F(UptimeProofTest, AProofFromAnUnregisteredKeyIsRefusedAsUnknownNode) {
  EXPECT_EQ(verdict(proof(chain.next_time(), test_key(77)), chain.next_time()),
            code(RegistryError::kUnknownNode));
}

TEST_F(UptimeProofTest, AProofTooFarAheadOfTheBlockTimeIsRefused) {
  const uint64_t t = chain.next_time();
  EXPECT_EQ(verdict(proof(t + params().proof_skew_ms + 1), t), code(RegistryError::kProofTimeSkew));
  EXPECT_EQ(verdict(proof(t + params().proof_skew_ms), t), 0) << "the limit itself is allowed";
}

TEST_F(UptimeProofTest, AProofTooFarBehindTheBlockTimeIsRefused) {
  const uint64_t t = chain.next_time();
  EXPECT_EQ(verdict(proof(t - params().proof_skew_ms - 1), t), code(RegistryError::kProofTimeSkew));
  EXPECT_EQ(verdict(proof(t - params().proof_skew_ms), t), 0);
}

TEST_F(UptimeProofTest, ASecondProofWithinHalfAnIntervalIsRefusedAsTooSoonByBlockTime) {
  const Block b = chain.next({proof(chain.next_time())});
  const uint64_t half = params().proof_interval_s * 1000 / 2;
  const uint64_t early = b.header.time_ms + half - 1;
  EXPECT_EQ(verdict(proof(early), early), code(RegistryError::kProofTooSoon));
  const uint64_t on_time = b.header.time_ms + half;
  EXPECT_EQ(verdict(proof(on_time), on_time), 0);
}

TEST_F(UptimeProofTest, AReplayedOldProofIsRefusedEvenAfterHalfAnInterval) {
  const Tx old = proof(chain.next_time());
  chain.next({old});
  const uint64_t later = chain.tip.time_ms + params().proof_interval_s * 1000;
  EXPECT_EQ(verdict(old, later), code(RegistryError::kProofReplayed));
}

TEST_F(UptimeProofTest, AProofWithAFeeOrANonceIsRefusedAsNotFree) {
  Tx with_fee = proof(chain.next_time());
  with_fee.fee = Amount(1);
  with_fee.sign(node);
  EXPECT_EQ(verdict(with_fee, chain.next_time()), code(TxError::kNotFree));
  Tx with_nonce = proof(chain.next_time());
  with_nonce.nonce = 1;
  with_nonce.sign(node);
  EXPECT_EQ(verdict(with_nonce, chain.next_time()), code(TxError::kNotFree));
}

TEST_F(UptimeProofTest, AProofSignedByAnotherKeyMakesTheBlockInvalid) {
  Tx forged = proof(chain.next_time());
  forged.sign(test_key(77));  // sender stays the node: someone vouching for it
  EXPECT_FALSE(forged.signature_valid());
  Block b = chain.build({}).block;
  b.txs = {forged};
  b.header.tx_root = b.compute_tx_root();
  auto r = chain.check(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_EQ(fault_of(r.error()), Fault::kInvalid);
}

TEST_F(UptimeProofTest, ABlockWithATooSoonProofIsInvalidAndSaysWhichTxAndWhy) {
  chain.next({proof(chain.next_time())});
  const Tx again = proof(chain.next_time());
  Block b = chain.build({}).block;
  b.txs = {again};
  b.header.tx_root = b.compute_tx_root();
  auto r = chain.check(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_NE(r.error().message().find("tx 0"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find(to_hex(again.id())), std::string::npos);
  EXPECT_NE(r.error().message().find("proof_too_soon"), std::string::npos) << r.error().message();
}

TEST_F(UptimeProofTest, BuildSkipsAProofThatDoesNotApply) {
  auto built = chain.build({proof(chain.next_time(), test_key(77))});
  EXPECT_EQ(built.skipped, std::vector<std::size_t>{0});
  EXPECT_TRUE(built.block.txs.empty());
}

}  // namespace
}  // namespace swarmchain

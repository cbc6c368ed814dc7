// Executor and tx rules (design §4.2, §4.3): every refusal reason, exact balance effects, and
// every header check of Executor::validate. Blocks are certified the way the node does it: the
// genesis service node (test_key(200)) signs the precommit vote digest.
#include "chain/executor.h"

#include <gtest/gtest.h>

#include <limits>

#include "chain/tx_check.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

using test::make_transfer;
using test::test_genesis;
using test::test_key;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
const Amount kFee(100'000);

// Hashing the 65,536-bucket tree takes a while: build the genesis state once, copy it per test.
const Executor& shared_executor() {
  static const Executor ex(test_genesis(4, Amount::coins(1000)));
  return ex;
}
const ChainState& shared_genesis_state() {
  static const ChainState s = shared_executor().genesis_state();
  return s;
}
const Block& shared_genesis_block() {
  static const Block b = shared_executor().genesis_block();
  return b;
}

class ExecutorTest : public ::testing::Test {
 protected:
  const Executor& ex = shared_executor();
  ChainState state = shared_genesis_state();
  const Block& genesis_block = shared_genesis_block();
  KeyPair sn = test_key(200);
  KeyPair alice = test_key(1);
  KeyPair bob = test_key(2);
  KeyPair carol = test_key(3);
  const Hash& chain_id() const { return ex.chain_id(); }

  CommitCertificate certify(const Block& b, const KeyPair& signer) const {
    return solo_certificate(chain_id(), b.header.height, b.hash(), signer);
  }
  CommitCertificate certify(const Block& b) const { return certify(b, sn); }

  Tx transfer(const KeyPair& from, uint64_t nonce, const KeyPair& to, Amount amount,
              Amount fee = kFee) const {
    return make_transfer(chain_id(), from, nonce, to.pubkey(), amount, fee);
  }

  // Block 1 on top of genesis with `txs` (all must apply).
  Block block1(std::vector<Tx> txs = {}) const {
    auto built = ex.build(state, genesis_block.header, std::nullopt, txs,
                          genesis_block.header.time_ms + 500, sn.pubkey());
    EXPECT_TRUE(built.skipped.empty());
    return built.block;
  }

  // The error code of validate(block) on top of genesis (kOk if it validates).
  BlockError verdict(const Block& b, const BlockHeader* parent = nullptr,
                     const ChainState* on = nullptr) const {
    auto r = ex.validate(on ? *on : state, parent ? *parent : genesis_block.header, std::nullopt, b);
    return r ? BlockError::kOk : r.error().code_as<BlockError>();
  }

  // A block 1 carrying `txs` as given (even ones build() would skip): only tx_root is fixed up.
  Block block1_with_raw_txs(std::vector<Tx> txs) const {
    Block b = block1();
    b.txs = std::move(txs);
    b.header.tx_root = b.compute_tx_root();
    return b;
  }

  // Applies `tx` alone to genesis state; the TxError it is refused with, or kOk.
  TxError tx_verdict(const Tx& tx, const ChainState* on = nullptr) const {
    Status s = check_tx_stateless(tx, chain_id());
    if (!s) return s.code_as<TxError>();
    StateView view(on ? *on : state);
    s = apply_tx(view, tx, env());
    if (!s) {
      EXPECT_TRUE(view.changes().empty()) << "a refused tx left changes behind";
    }
    return s ? TxError::kOk : s.code_as<TxError>();
  }

  TxEnv env() const { return TxEnv{chain_id(), ex.registry_params(), Height(1), 0}; }
  Amount balance(const AccountState& s, const KeyPair& k) const {
    return s.get(k.pubkey()).value_or(Account{}).balance;
  }
  static uint64_t total_supply(const AccountState& s) {
    uint64_t total = 0;
    s.for_each([&](const PubKey&, const Account& a) { total += a.balance.atomic(); });
    return total;
  }
};

// ---- tx refusals ----

TEST_F(ExecutorTest, TxForAnotherChainIsRefusedAsWrongChain) {
  Hash other = chain_id();
  other.data[0] ^= 1;
  const Tx tx = make_transfer(other, alice, 0, bob.pubkey(), Amount::coins(1));
  EXPECT_EQ(tx_verdict(tx), TxError::kWrongChain);
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

TEST_F(ExecutorTest, TransferOfZeroIsRefused) {
  const Tx tx = transfer(alice, 0, bob, Amount(0));
  EXPECT_EQ(tx_verdict(tx), TxError::kZeroAmount);
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

// 32 bytes that are not a curve point (y = 2 has no x): no key could ever spend from it.
PubKey not_a_point() {
  PubKey pk;
  pk.data[0] = 2;
  return pk;
}

TEST_F(ExecutorTest, TransferToBytesThatAreNotAPublicKeyIsRefusedInABlock) {
  const Tx tx = make_transfer(chain_id(), alice, 0, not_a_point(), Amount::coins(1));
  EXPECT_EQ(tx_verdict(tx), TxError::kRecipientNotAKey);
  auto r = ex.validate(state, genesis_block.header, std::nullopt, block1_with_raw_txs({tx}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_NE(r.error().message().find("recipient_not_a_key"), std::string::npos)
      << r.error().message();
  // A proposer does not put it in a block either.
  auto built = ex.build(state, genesis_block.header, std::nullopt, std::vector<Tx>{tx},
                        genesis_block.header.time_ms + 500, sn.pubkey());
  EXPECT_EQ(built.skipped, std::vector<std::size_t>{0});
}

TEST_F(ExecutorTest, TransferToASmallOrderPointIsRefused) {
  PubKey identity;  // y = 1, the neutral element: anyone could "sign" for it
  identity.data[0] = 1;
  EXPECT_EQ(tx_verdict(make_transfer(chain_id(), alice, 0, identity, Amount::coins(1))),
            TxError::kRecipientNotAKey);
}

TEST_F(ExecutorTest, StakeToBytesThatAreNotAPublicKeyIsRefusedAsNoSuchNode) {
  // A node's key signed its registration and passed the x25519 check, so a stake can only
  // reach a real key: one to anything else finds no node, and moves nothing.
  Tx tx;
  tx.chain_id = chain_id();
  tx.sender = alice.pubkey();
  tx.fee = kFee;
  tx.payload = StakePayload{not_a_point(), Amount::coins(10)};
  tx.sign(alice);
  EXPECT_EQ(tx_verdict(tx), static_cast<TxError>(RegistryError::kUnknownNode));
}

TEST(GenesisRules, AnAccountOrOperatorThatIsNotAPublicKeyIsRefused) {
  Genesis account = test_genesis();
  account.accounts.push_back({not_a_point(), Amount::coins(1)});
  Status s = account.validate();
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("is not a valid ed25519 public key"), std::string::npos) << s.message();
  Genesis op = test_genesis();
  op.service_nodes[0].operator_key = not_a_point();
  EXPECT_FALSE(op.validate());
  EXPECT_TRUE(test_genesis().validate());
}

TEST_F(ExecutorTest, ARecipientKeyCheckedAtAdmissionIsNotCheckedAgainInItsBlock) {
  SigCache cache(1024);
  const Tx tx = transfer(alice, 0, bob, Amount::coins(1));
  ASSERT_TRUE(check_tx_stateless(tx, chain_id(), &cache));  // what the mempool does
  ASSERT_EQ(cache.stats().key_checks, 1u);
  auto r = ex.validate(state, genesis_block.header, std::nullopt, block1({tx}), false, &cache);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(cache.stats().key_checks, 1u);
}

TEST_F(ExecutorTest, TxWithABadSignatureIsRefused) {
  Tx tx = transfer(alice, 0, bob, Amount::coins(1));
  tx.signature.data[5] ^= 0x40;
  ASSERT_FALSE(tx.signature_valid());
  const std::vector<Tx> txs{transfer(alice, 0, bob, Amount::coins(1)), tx};
  EXPECT_EQ(ex.first_bad_signature(txs), std::optional<std::size_t>(1));
  auto r = ex.validate(state, genesis_block.header, std::nullopt, block1_with_raw_txs({tx}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_NE(r.error().message().find("signature"), std::string::npos) << r.error().message();
}

TEST_F(ExecutorTest, TxSignedByAnotherKeyThanTheSenderIsRefused) {
  Tx tx = transfer(alice, 0, bob, Amount::coins(1));
  tx.sign(bob);  // well-formed signature, wrong signer
  EXPECT_FALSE(tx.signature_valid());
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

TEST_F(ExecutorTest, TxWithAnAlreadyUsedNonceIsRefusedAsNonceTooLow) {
  StateView view(state);
  ASSERT_TRUE(apply_tx(view, transfer(alice, 0, bob, Amount::coins(1)), env()));
  Status s = apply_tx(view, transfer(alice, 0, carol, Amount::coins(2)), env());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<TxError>(), TxError::kNonceTooLow);
  EXPECT_EQ(verdict(block1_with_raw_txs(
                {transfer(alice, 0, bob, Amount::coins(1)), transfer(alice, 0, carol, Amount::coins(2))})),
            BlockError::kBadTx);
}

TEST_F(ExecutorTest, TxThatLeavesANonceGapIsRefusedAsNonceTooHigh) {
  const Tx tx = transfer(alice, 1, bob, Amount::coins(1));
  EXPECT_EQ(tx_verdict(tx), TxError::kNonceTooHigh);
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

TEST_F(ExecutorTest, TransferOfMoreThanBalanceMinusFeeIsRefusedAsInsufficientBalance) {
  const Tx tx = transfer(alice, 0, bob, Amount::coins(1000));  // the fee pushes it over
  EXPECT_EQ(tx_verdict(tx), TxError::kInsufficientBalance);
  EXPECT_EQ(tx_verdict(transfer(alice, 0, bob, Amount(Amount::coins(1000).atomic() - kFee.atomic()))),
            TxError::kOk);
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

TEST_F(ExecutorTest, TxFromAnUnknownAccountIsRefusedAsInsufficientBalance) {
  EXPECT_EQ(tx_verdict(transfer(test_key(77), 0, bob, Amount(1))), TxError::kInsufficientBalance);
}

TEST_F(ExecutorTest, TransferWhoseAmountPlusFeeOverflowsIsRefusedAsAmountOverflow) {
  const Tx tx = transfer(alice, 0, bob, Amount(kMax), kFee);
  EXPECT_EQ(tx.total_cost(), std::nullopt);
  EXPECT_EQ(tx_verdict(tx), TxError::kAmountOverflow);
  EXPECT_EQ(verdict(block1_with_raw_txs({tx})), BlockError::kBadTx);
}

TEST_F(ExecutorTest, TransferThatWouldOverflowTheRecipientIsRefused) {
  ChainState rich;
  rich.accounts.load(alice.pubkey(), Account{Amount::coins(1000), 0});
  rich.accounts.load(bob.pubkey(), Account{Amount(kMax - 5), 0});
  rich.accounts.rebuild();
  EXPECT_EQ(tx_verdict(transfer(alice, 0, bob, Amount(6)), &rich), TxError::kAmountOverflow);
  EXPECT_EQ(tx_verdict(transfer(alice, 0, bob, Amount(5)), &rich), TxError::kOk);
}

// check_tx_stateless promises (tx_check.h) to check the version. A tx held in memory with another
// version passes validate() today; the store then writes bytes that Block::decode refuses, so
// the tip block becomes unreadable and the datadir will not open again.
TEST_F(ExecutorTest, TxWithAnUnknownVersionIsRefusedBeforeItReachesABlock) {
  Tx tx = transfer(alice, 0, bob, Amount::coins(1));
  tx.version = kTxVersion + 1;
  tx.sign(alice);
  ASSERT_FALSE(Tx::from_bytes(tx.to_bytes()));  // the wire format has no such tx
  EXPECT_FALSE(check_tx_stateless(tx, chain_id()));
  auto built = ex.build(state, genesis_block.header, std::nullopt, std::vector<Tx>{tx},
                        genesis_block.header.time_ms + 500, sn.pubkey());
  EXPECT_EQ(built.skipped, std::vector<std::size_t>{0});
}

// ---- applying blocks ----

TEST_F(ExecutorTest, ValidBlockMovesBalancesAndBumpsNoncesExactly) {
  const Block b = block1({transfer(alice, 0, bob, Amount::coins(5)),
                          transfer(alice, 1, carol, Amount::coins(2), Amount(300'000)),
                          transfer(bob, 0, carol, Amount::coins(1))});
  auto r = ex.validate(state, genesis_block.header, std::nullopt, b);
  ASSERT_TRUE(r) << r.error().message();
  AccountState after = state.accounts;
  after.apply(r->changes);
  EXPECT_EQ(after.root(), b.header.state_root);
  EXPECT_EQ(after.get(alice.pubkey()),
            (Account{Amount(Amount::coins(993).atomic() - 400'000), 2}));
  EXPECT_EQ(after.get(bob.pubkey()), (Account{Amount(Amount::coins(1004).atomic() - 100'000), 1}));
  EXPECT_EQ(after.get(carol.pubkey()), (Account{Amount::coins(1003), 0}));
  EXPECT_EQ(after.get(test_key(4).pubkey()), (Account{Amount::coins(1000), 0}));
}

TEST_F(ExecutorTest, FeesAreBurnedSoTotalSupplyDropsByTheFees) {
  const Block b = block1({transfer(alice, 0, bob, Amount::coins(5), Amount(123)),
                          transfer(bob, 0, test_key(9), Amount::coins(1), Amount(4'567))});
  auto r = ex.validate(state, genesis_block.header, std::nullopt, b);
  ASSERT_TRUE(r) << r.error().message();
  AccountState after = state.accounts;
  after.apply(r->changes);
  // Fees are burned; the only issuance is the block reward (to the genesis node's operator).
  EXPECT_EQ(total_supply(after),
            total_supply(state.accounts) - 123 - 4'567 + ex.params().block_reward.atomic());
  EXPECT_EQ(after.get(test_key(9).pubkey()), (Account{Amount::coins(1), 0}));
}

TEST_F(ExecutorTest, SelfTransferOnlyCostsTheFee) {
  const Block b = block1({transfer(alice, 0, alice, Amount::coins(7))});
  auto r = ex.validate(state, genesis_block.header, std::nullopt, b);
  ASSERT_TRUE(r) << r.error().message();
  AccountState after = state.accounts;
  after.apply(r->changes);
  EXPECT_EQ(after.get(alice.pubkey()),
            (Account{Amount(Amount::coins(1000).atomic() - kFee.atomic()), 1}));
}

TEST_F(ExecutorTest, RejectedBlockLeavesTheStateRootUnchanged) {
  const Hash before = state.accounts.root();
  const Block b = block1_with_raw_txs(
      {transfer(alice, 0, bob, Amount::coins(1)), transfer(bob, 5, carol, Amount::coins(1))});
  EXPECT_EQ(verdict(b), BlockError::kBadTx);
  EXPECT_EQ(state.accounts.root(), before);
  EXPECT_EQ(state.accounts.get(alice.pubkey()), (Account{Amount::coins(1000), 0}));
}

// ---- header checks ----

TEST_F(ExecutorTest, BuiltEmptyBlockValidates) { EXPECT_EQ(verdict(block1()), BlockError::kOk); }

TEST_F(ExecutorTest, BlockAtTheWrongHeightIsRefused) {
  Block b = block1();
  b.header.height = Height(2);
  EXPECT_EQ(verdict(b), BlockError::kBadHeight);
}

TEST_F(ExecutorTest, BlockThatDoesNotBuildOnTheParentIsRefused) {
  Block b = block1();
  b.header.prev_hash.data[0] ^= 1;
  EXPECT_EQ(verdict(b), BlockError::kBadPrevHash);
}

TEST_F(ExecutorTest, BlockNotLaterThanItsParentIsRefused) {
  Block b = block1();
  b.header.time_ms = genesis_block.header.time_ms;
  EXPECT_EQ(verdict(b), BlockError::kBadTime);
  b.header.time_ms = genesis_block.header.time_ms - 1;
  EXPECT_EQ(verdict(b), BlockError::kBadTime);
}

TEST_F(ExecutorTest, BlockWhoseTxRootDoesNotMatchItsTxsIsRefused) {
  Block b = block1({transfer(alice, 0, bob, Amount::coins(1))});
  b.header.tx_root.data[31] ^= 1;
  EXPECT_EQ(verdict(b), BlockError::kBadTxRoot);
}

TEST_F(ExecutorTest, BlockWhoseStateRootDoesNotMatchTheExecutedStateIsRefused) {
  Block b = block1({transfer(alice, 0, bob, Amount::coins(1))});
  b.header.state_root = state.accounts.root();  // as if the tx had changed nothing
  EXPECT_EQ(verdict(b), BlockError::kBadStateRoot);
}

TEST_F(ExecutorTest, BlockNamingTheWrongCommitteeIsRefused) {
  Block b = block1();
  b.header.committee_hash = committee_hash({test_key(1).pubkey()});
  EXPECT_EQ(verdict(b), BlockError::kBadCommittee);
  b = block1();
  b.header.next_committee_hash.data[0] ^= 1;
  EXPECT_EQ(verdict(b), BlockError::kBadCommittee);
}

TEST_F(ExecutorTest, BlockFromAProposerOutsideTheCommitteeIsRefused) {
  Block b = block1();
  b.header.proposer = alice.pubkey();
  EXPECT_EQ(verdict(b), BlockError::kBadProposer);
}

TEST_F(ExecutorTest, FirstBlockCarryingALastCommitIsRefused) {
  Block b = block1();
  b.last_commit = certify(genesis_block);
  b.header.last_commit_hash = b.last_commit->hash();
  EXPECT_EQ(verdict(b), BlockError::kBadLastCommit);
  Block c = block1();
  c.header.last_commit_hash.data[0] = 1;  // a hash without a certificate
  EXPECT_EQ(verdict(c), BlockError::kBadLastCommit);
}

class ExecutorOnBlockOneTest : public ExecutorTest {
 protected:
  void SetUp() override {
    b1 = block1({transfer(alice, 0, bob, Amount::coins(3))});
    auto r = ex.validate(state, genesis_block.header, std::nullopt, b1);
    ASSERT_TRUE(r) << r.error().message();
    state1 = state;
    state1.accounts.apply(r->changes);
    state1.registry.apply(r->registry_changes);
    state1.height = Height(1);
    cert1 = certify(b1);
  }
  Executor::Built build2(std::vector<Tx> txs, const std::optional<CommitCertificate>& cert) const {
    return ex.build(state1, b1.header, cert, txs, b1.header.time_ms + 500, sn.pubkey());
  }
  BlockError verdict2(const Block& b) const { return verdict(b, &b1.header, &state1); }
  Block b1;
  ChainState state1;
  CommitCertificate cert1;
};

TEST_F(ExecutorOnBlockOneTest, SecondBlockWithItsParentsCertificateValidates) {
  const Block b2 = build2({transfer(bob, 0, carol, Amount::coins(1))}, cert1).block;
  ASSERT_TRUE(b2.last_commit);
  EXPECT_EQ(b2.header.last_commit_hash, cert1.hash());
  EXPECT_EQ(verdict2(b2), BlockError::kOk);
}

TEST_F(ExecutorOnBlockOneTest, SecondBlockWithoutALastCommitIsRefused) {
  const Block b2 = build2({}, std::nullopt).block;
  ASSERT_FALSE(b2.last_commit);
  EXPECT_EQ(verdict2(b2), BlockError::kBadLastCommit);
}

TEST_F(ExecutorOnBlockOneTest, LastCommitWhoseHashIsNotInTheHeaderIsRefused) {
  Block b2 = build2({}, cert1).block;
  b2.header.last_commit_hash.data[0] ^= 1;
  EXPECT_EQ(verdict2(b2), BlockError::kBadLastCommit);
}

TEST_F(ExecutorOnBlockOneTest, LastCommitSignedOutsideTheCommitteeIsRefused) {
  const Block b2 = build2({}, certify(b1, alice)).block;
  EXPECT_EQ(verdict2(b2), BlockError::kBadLastCommit);
}

TEST_F(ExecutorOnBlockOneTest, LastCommitForAnotherBlockIsRefused) {
  Block other = b1;
  other.header.time_ms += 1;
  const Block b2 = build2({}, certify(other)).block;
  EXPECT_EQ(verdict2(b2), BlockError::kBadLastCommit);
}

TEST_F(ExecutorOnBlockOneTest, LastCommitForAPrevoteInsteadOfAPrecommitIsRefused) {
  const Hash digest = vote_digest(chain_id(), VoteType::kPrevote, b1.header.height, 0, b1.hash());
  const CommitCertificate prevotes{b1.header.height, 0, b1.hash(), {{0, sn.sign(digest)}}};
  EXPECT_EQ(verdict2(build2({}, prevotes).block), BlockError::kBadLastCommit);
}

// ---- build ----

TEST_F(ExecutorTest, BuildSkipsTxsThatDoNotApplyAndTheBuiltBlockValidates) {
  Hash other = chain_id();
  other.data[3] ^= 1;
  const std::vector<Tx> candidates{
      transfer(alice, 0, bob, Amount::coins(1)),                         // ok
      transfer(alice, 2, bob, Amount::coins(1)),                         // nonce gap
      transfer(carol, 0, bob, Amount::coins(5000)),                      // short balance
      make_transfer(other, bob, 0, carol.pubkey(), Amount::coins(1)),    // other chain
      transfer(bob, 0, carol, Amount(0)),                                // zero amount
      transfer(alice, 1, carol, Amount::coins(2)),                       // ok (nonce 1 after 0)
  };
  auto built = ex.build(state, genesis_block.header, std::nullopt, candidates,
                        genesis_block.header.time_ms + 500, sn.pubkey());
  EXPECT_EQ(built.skipped, (std::vector<std::size_t>{1, 2, 3, 4}));
  ASSERT_EQ(built.block.txs.size(), 2u);
  EXPECT_EQ(built.block.txs[0], candidates[0]);
  EXPECT_EQ(built.block.txs[1], candidates[5]);
  auto r = ex.validate(state, genesis_block.header, std::nullopt, built.block);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->state_root(), built.executed.state_root());
  EXPECT_EQ(r->changes, built.executed.changes);
}

TEST_F(ExecutorTest, BuildMovesTheTimeForwardWhenTheClockIsBehindTheParent) {
  auto built = ex.build(state, genesis_block.header, std::nullopt, {},
                        genesis_block.header.time_ms - 10, sn.pubkey());
  EXPECT_EQ(built.block.header.time_ms, genesis_block.header.time_ms + 1);
  EXPECT_EQ(verdict(built.block), BlockError::kOk);
}

}  // namespace
}  // namespace swarmchain

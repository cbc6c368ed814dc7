// Epoch committees (design §6.1; chain/executor.h): the epoch arithmetic, the sample, who may
// enter (only nodes with a live uptime proof), the carry-over when nobody may, and the headers'
// committee hashes. Also the two executor-wide properties of this issue: every tx type has its
// own rule (exhaustive dispatch) and a block error says whose fault it is.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "chain/tx_check.h"
#include "chain/store.h"
#include "registry/uptime_rules.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::MemChain;
using test::test_key;

// ---- arithmetic and the sample ----

TEST(EpochArithmetic, EpochECoversHeightsFromE_TimesLengthPlusOneToTheNextMultiple) {
  const uint64_t E = 10;
  EXPECT_EQ(epoch_of(Height(0), E), 0u);
  EXPECT_EQ(epoch_of(Height(1), E), 0u);
  EXPECT_EQ(epoch_of(Height(10), E), 0u);
  EXPECT_EQ(epoch_of(Height(11), E), 1u);
  EXPECT_EQ(epoch_of(Height(20), E), 1u);
  EXPECT_EQ(epoch_of(Height(21), E), 2u);
  EXPECT_FALSE(is_epoch_last(Height(0), E));
  EXPECT_FALSE(is_epoch_last(Height(9), E));
  EXPECT_TRUE(is_epoch_last(Height(10), E));
  EXPECT_FALSE(is_epoch_last(Height(11), E));
  EXPECT_TRUE(is_epoch_last(Height(1), 1)) << "with one-block epochs every block is the last";
}

std::vector<PubKey> keys(int from, int n) {
  std::vector<PubKey> out;
  for (int i = 0; i < n; ++i) out.push_back(test_key(static_cast<uint8_t>(from + i)).pubkey());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CommitteeSample, TakesEveryoneSortedWhenThereAreFewEnough) {
  const std::vector<PubKey> all = keys(100, 4);
  EXPECT_EQ(select_committee(all, 4, Hash{}), all);
  EXPECT_EQ(select_committee(all, 10, Hash{}), all);
}

TEST(CommitteeSample, IsDeterministicSortedOfTheCommitteeSizeAndDrawnFromTheEligible) {
  const std::vector<PubKey> all = keys(100, 30);
  Hash seed;
  seed.data.fill(7);
  const auto a = select_committee(all, 10, seed);
  EXPECT_EQ(a, select_committee(all, 10, seed));
  EXPECT_EQ(a.size(), 10u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::set<PubKey>(a.begin(), a.end()).size(), 10u);
  for (const PubKey& pk : a) EXPECT_TRUE(std::binary_search(all.begin(), all.end(), pk));
  seed.data[0] = 8;
  EXPECT_NE(select_committee(all, 10, seed), a) << "another seed, another sample";
}

TEST(CommitteeSample, EveryEligibleNodeGetsPickedAcrossSeeds) {
  const std::vector<PubKey> all = keys(100, 12);
  std::set<PubKey> seen;
  for (uint8_t s = 0; s < 64; ++s) {
    Hash seed;
    seed.data.fill(s);
    for (const PubKey& pk : select_committee(all, 4, seed)) seen.insert(pk);
  }
  EXPECT_EQ(seen.size(), all.size());
}

// ---- on a chain ----

std::vector<PubKey> keys_of(std::initializer_list<int> ids) {
  std::vector<PubKey> out;
  for (int i : ids) out.push_back(test_key(static_cast<uint8_t>(i)).pubkey());
  std::sort(out.begin(), out.end());
  return out;
}

// Genesis nodes 200, 210..214 (six; committee_size 4 in dev, so epoch 0 is the first four).
class CommitteeTest : public ::testing::Test {
 protected:
  MemChain chain{genesis_with_nodes({210, 211, 212, 213, 214})};
  uint64_t E() const { return chain.ex.params().epoch_blocks; }
  Tx proof(uint8_t k) const {
    return make_uptime_proof(test_key(k), chain.ex.chain_id(), chain.next_time(), {});
  }
  std::vector<PubKey> committee(uint64_t h) const {
    return chain.ex.committee(chain.state, Height(h));
  }
};

TEST_F(CommitteeTest, EpochZeroIsTheGenesisNodesUpToTheCommitteeSizeInGenesisOrder) {
  const std::vector<PubKey> expected = {test_key(200).pubkey(), test_key(210).pubkey(),
                                        test_key(211).pubkey(), test_key(212).pubkey()};
  EXPECT_EQ(committee(0), expected);
  EXPECT_EQ(committee(1), expected);
  EXPECT_EQ(chain.ex.genesis_committee(), expected);
}

TEST_F(CommitteeTest, ARegisteredNodeThatNeverProvesNeverEntersACommittee) {
  const PubKey silent = test_key(214).pubkey();
  chain.next({proof(200), proof(210), proof(211), proof(212), proof(213)});
  for (uint64_t epoch = 1; epoch <= 5; ++epoch) {
    chain.run_to(epoch * E());
    const auto c = committee(epoch * E() + 1);
    EXPECT_EQ(c.size(), 4u) << "epoch " << epoch;
    EXPECT_EQ(std::find(c.begin(), c.end(), silent), c.end()) << "epoch " << epoch;
  }
}

TEST_F(CommitteeTest, TheCommitteeIsDrawnAtTheEpochsLastBlockAndNamedByItsHeader) {
  chain.next({proof(200), proof(210), proof(211), proof(212), proof(213)});
  chain.run_to(E() - 1);
  EXPECT_EQ(committee(E() + 1), std::vector<PubKey>{}) << "not known before the last block";
  chain.run_to(E());
  const auto next = committee(E() + 1);
  ASSERT_EQ(next.size(), 4u);
  EXPECT_EQ(chain.tip.next_committee_hash, committee_hash(next));
  EXPECT_EQ(chain.tip.committee_hash, committee_hash(committee(E())));
  // The sample is the rule's: eligible nodes, seeded by the last block's prev_hash.
  EXPECT_EQ(next, select_committee(keys_of({200, 210, 211, 212, 213}), 4, chain.tip.prev_hash));
  chain.next();
  EXPECT_EQ(chain.tip.committee_hash, committee_hash(next));
  EXPECT_EQ(chain.tip.next_committee_hash, committee_hash(next));
}

TEST_F(CommitteeTest, AnEpochEndBlockNamingAnotherNextCommitteeIsInvalid) {
  chain.next({proof(200), proof(210), proof(211), proof(212), proof(213)});
  chain.run_to(E() - 1);
  Block b = chain.build({}).block;
  b.header.next_committee_hash = committee_hash(committee(E()));  // "nothing changes"
  auto r = chain.check(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadCommittee);
}

TEST_F(CommitteeTest, WhenNobodyHasALiveProofTheCommitteeCarriesOver) {
  chain.run_to(E());
  EXPECT_EQ(committee(E() + 1), chain.ex.genesis_committee());
}

TEST_F(CommitteeTest, LapsedProofsDoNotCount) {
  chain.next({proof(213), proof(214)});
  // Jump past proof_lifetime_s in one block, then to the epoch's end.
  chain.next({}, chain.ex.params().proof_lifetime_s * 1000 + 1);
  chain.run_to(E());
  EXPECT_EQ(committee(E() + 1), chain.ex.genesis_committee()) << "nobody eligible: carry-over";
}

TEST_F(CommitteeTest, FewEligibleNodesAllSitSortedByPubkey) {
  chain.next({proof(213), proof(214)});
  chain.run_to(E());
  EXPECT_EQ(committee(E() + 1), keys_of({213, 214}));
}

// ---- exhaustive dispatch, fault classes ----

TEST(TxDispatch, EveryPayloadTypeHasItsOwnRuleAndNoneFallsThroughAsOk) {
  static_assert(std::variant_size_v<TxPayload> == kMaxTxType + 1);
  const Genesis g = test::test_genesis(1);
  const Executor ex(g);
  const ChainState state = ex.genesis_state();
  // One meaningless tx of every type from an unknown, unfunded key: each must be refused by
  // its own rule, never accepted by a fallback.
  std::vector<TxPayload> payloads = {TransferPayload{test_key(9).pubkey(), Amount(1)},
                                     RegisterNodePayload{}, StakePayload{test_key(9).pubkey(), Amount(1)},
                                     RequestUnlockPayload{test_key(9).pubkey()},
                                     UptimeProofPayload{}, EvidencePayload{},
                                     StateChangePayload{}};
  ASSERT_EQ(payloads.size(), std::variant_size_v<TxPayload>);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    Tx tx;
    tx.chain_id = ex.chain_id();
    tx.sender = test_key(77).pubkey();
    tx.payload = payloads[i];
    EXPECT_NE(std::string(tx_type_name(tx.type())), "unknown");
    StateView view(state);
    Status s = apply_tx(view, tx, TxEnv{ex.chain_id(), ex.registry_params(), Height(1), 0,
                                         g.genesis_time_ms + 500});
    EXPECT_FALSE(s) << tx_type_name(tx.type()) << " was accepted";
  }
}

TEST(BlockFault, ABlockErrorIsTheSendersFaultAndAStoreErrorIsOurs) {
  EXPECT_EQ(fault_of(Status::error(BlockError::kBadTx, "x")), Fault::kInvalid);
  EXPECT_EQ(fault_of(Status::error(BlockError::kBadHeight, "x")), Fault::kInvalid);
  EXPECT_EQ(fault_of(Status::error(BlockError::kBadProposer, "x")), Fault::kInvalid);
  EXPECT_EQ(fault_of(Status::error(StoreError::kIo, "disk")), Fault::kLocal);
  EXPECT_EQ(fault_of(Status::error(StoreError::kCorrupt, "disk")), Fault::kLocal);
  EXPECT_EQ(fault_of(Status::error(TxError::kBadSignature, "not a block verdict")), Fault::kLocal);
  EXPECT_STREQ(block_error_name(BlockError::kBadCommittee), "bad_committee");
}

}  // namespace
}  // namespace swarmchain

// Verifiable swarm lookups (registry/committee_chain.h, registry/swarm_proof.h) on a real chain
// built in memory: the honest proofs verify from the genesis alone, and every lie a node can
// tell (a tampered record, a swarm left out, a forged or short certificate, a wrong committee
// hand-off, a stale or old tip) is caught and named by the step that failed.
#include "tests/chain/swarm_proof_fixture.h"

namespace swarmchain::test {
namespace {

TEST_F(SwarmProofTest, AnHonestLookupVerifiesFromTheGenesisAcrossEveryHandoff) {
  ASSERT_NE(committee(E() + 1), committee(E())) << "the fixture needs a committee that changes";
  auto t = follow(handoffs(), tip(), now());
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->header.height, Height(kTipHeight));
  EXPECT_EQ(t->signers, 4u);
  EXPECT_EQ(t->committee_size, 4u);
  auto s = verify_swarm_proof(swarm_proof(), t->header, user);
  ASSERT_TRUE(s) << s.error().message();
  const SwarmId expected = SwarmIndex::from_table(chain.state.registry.swarms()).lookup(user);
  EXPECT_EQ(s->swarm_id, expected);
  std::vector<PubKey> members;
  for (const ServiceNode& m : s->members) members.push_back(m.pubkey);
  EXPECT_EQ(members, chain.state.registry.swarms().at(expected));
  for (const ServiceNode& m : s->members) EXPECT_EQ(m.contact.storage_port, 22021);
}

TEST_F(SwarmProofTest, TheTableIsExactlyTheRegistrysSwarmTableAndGivesTheSameSwarm) {
  const SwarmTableProof p = table_proof();
  EXPECT_EQ(p.table.size(), chain.state.registry.active_count() * kTableEntryBytes);
  auto t = follow(handoffs(), tip(), now());
  ASSERT_TRUE(t) << t.error().message();
  auto s = verify_swarm_table(p, t->header, user);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->swarm_id, SwarmIndex::from_table(chain.state.registry.swarms()).lookup(user));
  EXPECT_EQ(s->swarm_count, chain.state.registry.swarms().size());
}

TEST_F(SwarmProofTest, ATableEntryTheRecordsDoNotCarryIsNamed) {
  SwarmTableProof p = table_proof();
  p.table[kTableEntryBytes * 3 + 40] ^= 1;  // entry 3's IPv4
  auto s = verify_swarm_table(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kTable);
  EXPECT_NE(s.error().message().find("from entry 3"), std::string::npos) << s.error().message();
}

TEST_F(SwarmProofTest, ATamperedRecordIsCaughtAtTheRegistryRoot) {
  SwarmProof p = swarm_proof();
  for (ServiceNode& sn : p.records)
    if (sn.swarm_id == p.swarm_id) {
      sn.contact.public_ip = 0x01020304;  // send the user to another host
      break;
    }
  auto s = verify_swarm_proof(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kRegistryRoot) << s.error().message();
}

TEST_F(SwarmProofTest, ASwarmMissingFromTheIdListIsNamed) {
  SwarmProof p = swarm_proof();
  const SwarmId dropped = p.swarm_ids[1];
  p.swarm_ids.erase(p.swarm_ids.begin() + 1);
  auto s = verify_swarm_proof(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kSwarmList);
  EXPECT_NE(s.error().message().find("lacks swarm " + swarm_hex(dropped)), std::string::npos)
      << s.error().message();
}

TEST_F(SwarmProofTest, ASwarmWhoseRecordsAreLeftOutIsCaughtAtTheRegistryRoot) {
  SwarmProof p = swarm_proof();
  const SwarmId hidden = p.swarm_ids[0];
  std::erase_if(p.records, [&](const ServiceNode& sn) { return sn.swarm_id == hidden; });
  std::erase(p.swarm_ids, hidden);
  auto s = verify_swarm_proof(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kRegistryRoot) << s.error().message();
}

TEST_F(SwarmProofTest, RecordsOutOfOrderOrRepeatedAreNamed) {
  SwarmProof p = swarm_proof();
  p.records.insert(p.records.begin() + 5, p.records[5]);
  auto s = verify_swarm_proof(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kRecords) << s.error().message();
}

TEST_F(SwarmProofTest, AnAnswerThatIsNotTheNearestSwarmIsNamed) {
  SwarmProof p = swarm_proof();
  p.swarm_id = p.swarm_id == p.swarm_ids.front() ? p.swarm_ids.back() : p.swarm_ids.front();
  auto s = verify_swarm_proof(p, *HeaderView::parse(tip().header), user);
  ASSERT_FALSE(s);
  EXPECT_EQ(step_of(s.error()), ProofStep::kSwarmAnswer) << s.error().message();
}

TEST_F(SwarmProofTest, AForgedTipCertificateIsNamed) {
  CertifiedHeader t = tip();
  t.cert.sigs[2].signature.data[0] ^= 1;
  auto r = follow(handoffs(), t, now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kTipCertificate) << r.error().message();
}

TEST_F(SwarmProofTest, AShortTipCertificateIsNamed) {
  CertifiedHeader t = tip();
  t.cert = certify_header(chain.ex.chain_id(), chain.tip, committee(kTipHeight), 2);  // quorum 3
  auto r = follow(handoffs(), t, now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kTipCertificate);
  EXPECT_NE(r.error().message().find("quorum is 3"), std::string::npos) << r.error().message();
}

TEST_F(SwarmProofTest, AHandoffCertifiedByOutsidersIsNamed) {
  auto hs = handoffs();
  // Signed by keys that are not the trusted committee, at its members' indexes.
  std::vector<PubKey> outsiders;
  for (int k = 90; k < 94; ++k) outsiders.push_back(test_key(static_cast<uint8_t>(k)).pubkey());
  hs[1].block.cert = certify_header(chain.ex.chain_id(), header(2 * E()), outsiders);
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kHandoffCertificate);
  EXPECT_NE(r.error().message().find("at height 20"), std::string::npos) << r.error().message();
}

TEST_F(SwarmProofTest, AHandoffNamingOtherNextMembersIsNamed) {
  auto hs = handoffs();
  std::vector<PubKey> mine;
  for (int k = 90; k < 94; ++k) mine.push_back(test_key(static_cast<uint8_t>(k)).pubkey());
  hs[0].next_committee = mine;  // the lying node's own committee, to certify its own tip
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kHandoffNextCommittee) << r.error().message();
}

TEST_F(SwarmProofTest, AHandoffHidingACommitteeChangeIsNamed) {
  auto hs = handoffs();
  ASSERT_TRUE(hs[0].next_committee);
  hs[0].next_committee.reset();  // "the committee stays": the old one would go on certifying
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kHandoffNextCommittee) << r.error().message();
}

TEST_F(SwarmProofTest, ASkippedHandoffIsNamed) {
  auto hs = handoffs();
  hs.erase(hs.begin() + 1);
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kHandoffHeader);
  EXPECT_NE(r.error().message().find("expected the hand-off of epoch 1 at height 20"),
            std::string::npos)
      << r.error().message();
}

TEST_F(SwarmProofTest, AFakeChainCertifiedByItsOwnCommitteeIsNamed) {
  // A header at the right height naming the lying node's committee, certified by it.
  auto hs = handoffs();
  std::vector<PubKey> mine;
  for (int k = 90; k < 94; ++k) mine.push_back(test_key(static_cast<uint8_t>(k)).pubkey());
  BlockHeader fake = header(2 * E());
  fake.committee_hash = committee_hash(mine);
  hs[1].block = {bytes_of(fake), certify_header(chain.ex.chain_id(), fake, mine)};
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kHandoffHeader) << r.error().message();
}

TEST_F(SwarmProofTest, ATipBeyondTheHandoffsGivenIsNamed) {
  auto hs = handoffs();
  hs.pop_back();  // the client stops in epoch 2, the tip is in epoch 3
  auto r = follow(hs, tip(), now());
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kTipHeader) << r.error().message();
}

TEST_F(SwarmProofTest, AStaleTipIsRefused) {
  auto r = follow(handoffs(), tip(), chain.tip.time_ms + kMaxAgeMs + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kTipStale) << r.error().message();
  EXPECT_TRUE(follow(handoffs(), tip(), chain.tip.time_ms + kMaxAgeMs));
}

TEST_F(SwarmProofTest, ATipBelowAHeightAlreadySeenIsRefused) {
  CommitteeChain cc = genesis_trust();
  for (const CommitteeHandoff& h : handoffs()) ASSERT_TRUE(cc.apply(h));
  cc.note_seen(Height(kTipHeight + 1));
  auto r = cc.accept_tip(tip(), now(), kMaxAgeMs);
  ASSERT_FALSE(r);
  EXPECT_EQ(step_of(r.error()), ProofStep::kTipBelowSeen) << r.error().message();
}

TEST_F(SwarmProofTest, AFailedHandoffLeavesTheClientsTrustUnchanged) {
  CommitteeChain cc = genesis_trust();
  auto h = handoff(E());
  h.block.cert.sigs.resize(1);
  EXPECT_FALSE(cc.apply(h));
  EXPECT_EQ(cc.epoch(), 0u);
  EXPECT_EQ(cc.committee(), chain.ex.genesis_committee());
}

TEST_F(SwarmProofTest, ProofEncodingsRoundTripAndRefuseTrailingBytes) {
  const CommitteeHandoff h = handoff(E());
  EXPECT_EQ(*decode_exact<CommitteeHandoff>(encode(h)), h);
  const SwarmProof p = swarm_proof();
  Bytes b = encode(p);
  auto back = decode_exact<SwarmProof>(b);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->records, p.records);
  EXPECT_EQ(back->swarm_ids, p.swarm_ids);
  b.push_back(0);
  EXPECT_FALSE(decode_exact<SwarmProof>(b));
  Bytes t = encode(table_proof());
  t.resize(t.size() - 1);
  EXPECT_FALSE(decode_exact<SwarmTableProof>(t));
}

}  // namespace
}  // namespace swarmchain::test

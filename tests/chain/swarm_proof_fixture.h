// A real chain built in memory (MemChain: every block executed and validated, certified by its
// committee) with 30 genesis service nodes in several swarms, run across three committee
// hand-offs; and the proofs an honest node would serve for it (rpc/proof_api.cpp makes the
// same from the store). Tests then play the lying node by changing one thing.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "registry/committee_chain.h"
#include "registry/swarm_lookup.h"
#include "registry/swarm_proof.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain::test {

inline Genesis swarm_proof_genesis() {
  std::vector<uint8_t> extra;
  for (int k = 201; k < 230; ++k) extra.push_back(static_cast<uint8_t>(k));
  return genesis_with_nodes(extra);
}

// A certificate of `h` by the first `count` members of `committee` (all when count is nullopt).
inline CommitCertificate certify_header(const Hash& chain_id, const BlockHeader& h,
                                        const std::vector<PubKey>& committee,
                                        std::optional<std::size_t> count = std::nullopt) {
  CommitCertificate c{h.height, 0, h.hash(), {}};
  const Hash digest = vote_digest(chain_id, VoteType::kPrecommit, h.height, 0, h.hash());
  const std::size_t n = count.value_or(committee.size());
  for (std::size_t i = 0; i < n; ++i)
    c.sigs.push_back({static_cast<uint16_t>(i), key_of(committee[i]).sign(digest)});
  return c;
}

class SwarmProofTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kTipHeight = 33;  // epochs of 10: hand-offs at 10, 20 and 30

  void SetUp() override {
    std::vector<Tx> proofs;
    for (int k = 200; k < 230; ++k)
      proofs.push_back(make_uptime_proof(test_key(static_cast<uint8_t>(k)), chain.ex.chain_id(),
                                         chain.next_time(), contact_of(k)));
    chain.next(proofs);
    chain.run_to(kTipHeight);
    ASSERT_GT(chain.state.registry.swarms().size(), 2u) << "the fixture needs several swarms";
    for (const auto& [id, members] : chain.state.registry.swarms()) swarm_ids.push_back(id);
    chain.state.registry.for_each([&](const ServiceNode& sn) { records.push_back(sn); });
    user = test_key(7).pubkey();
  }

  static UptimeContact contact_of(int k) {
    return UptimeContact{0x0a000000u + static_cast<uint32_t>(k), 22021, 22020, 22025, {2, 11, 3}};
  }
  uint64_t E() const { return chain.ex.params().epoch_blocks; }
  std::vector<PubKey> committee(uint64_t h) const { return chain.ex.committee(chain.state, Height(h)); }
  const BlockHeader& header(uint64_t h) const { return chain.headers.at(h - 1); }
  static Bytes bytes_of(const BlockHeader& h) { return encode(h); }

  // The honest hand-off at height h (the last block of an epoch).
  CommitteeHandoff handoff(uint64_t h) const {
    CommitteeHandoff out{{bytes_of(header(h)), certify_header(chain.ex.chain_id(), header(h),
                                                              committee(h))},
                         std::nullopt};
    if (committee(h + 1) != committee(h)) out.next_committee = committee(h + 1);
    return out;
  }
  std::vector<CommitteeHandoff> handoffs() const {
    std::vector<CommitteeHandoff> out;
    for (uint64_t h = E(); h < kTipHeight; h += E()) out.push_back(handoff(h));
    return out;
  }
  CertifiedHeader tip() const { return {bytes_of(chain.tip), *chain.cert}; }
  SwarmProof swarm_proof() const {
    return {tip(), records, swarm_ids, SwarmIndex(swarm_ids).lookup(user)};
  }
  SwarmTableProof table_proof() const { return {tip(), records, encode_swarm_table(records)}; }

  CommitteeChain genesis_trust() const {
    return CommitteeChain(chain.ex.chain_id(), E(), chain.ex.genesis_committee());
  }
  uint64_t now() const { return chain.tip.time_ms + 1000; }
  static constexpr uint64_t kMaxAgeMs = 600'000;

  // Hand-offs and tip through a fresh client; the accepted tip, or the first failure.
  Expected<VerifiedTip> follow(const std::vector<CommitteeHandoff>& hs, const CertifiedHeader& t,
                               uint64_t now_ms) const {
    CommitteeChain cc = genesis_trust();
    for (const CommitteeHandoff& h : hs)
      if (Status s = cc.apply(h); !s) return unexpected(std::move(s));
    return cc.accept_tip(t, now_ms, kMaxAgeMs);
  }

  MemChain chain{swarm_proof_genesis()};
  std::vector<SwarmId> swarm_ids;
  std::vector<ServiceNode> records;
  PubKey user;
};

// The step a failure names, for EXPECT_EQ.
inline ProofStep step_of(const Status& s) { return s.code_as<ProofStep>(); }

}  // namespace swarmchain::test

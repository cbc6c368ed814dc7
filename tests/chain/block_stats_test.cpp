// BlockStats and SnEvent (chain/block_stats.h, chain/sn_event.h): block_stats_after, which
// counts from the registry's indexes and the block's changes, agrees with a recount of the
// registry after the block, over random blocks; both encodings are exact bytes and their
// decoders refuse what the store never writes.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "chain/block_stats.h"
#include "chain/sn_event.h"
#include "common/hex.h"

namespace swarmchain {
namespace {

ServiceNode node(uint8_t id, NodeState state, SwarmId swarm) {
  ServiceNode sn;
  sn.pubkey.data.fill(id);
  sn.state = state;
  sn.swarm_id = swarm;
  sn.staking_requirement = Amount::coins(100);
  return sn;
}

BlockStats recount(const RegistryState& s) {
  BlockStats out;
  std::set<SwarmId> swarms;
  s.for_each([&](const ServiceNode& sn) {
    out.active += sn.state == NodeState::kActive;
    out.decommissioned += sn.state == NodeState::kDecommissioned;
    out.awaiting += sn.state == NodeState::kAwaiting;
    if (sn.is_active() && sn.swarm_id != kUnassignedSwarm) swarms.insert(sn.swarm_id);
  });
  out.swarms = swarms.size();
  return out;
}

TEST(BlockStats, AfterABlockTheyMatchARecountOfTheRegistryOverRandomBlocks) {
  std::mt19937_64 rng(7);
  RegistryState s;
  const NodeState states[] = {NodeState::kAwaiting, NodeState::kActive,
                              NodeState::kDecommissioned, NodeState::kDeregistered};
  for (int block = 0; block < 300; ++block) {
    RegistryChanges changes;
    for (int k = 0; k < 6; ++k) {
      const auto id = static_cast<uint8_t>(1 + rng() % 60);
      if (rng() % 5 == 0) {
        changes[node(id, NodeState::kActive, 0).pubkey] = std::nullopt;
      } else {
        const SwarmId swarm = rng() % 3 == 0 ? kUnassignedSwarm : rng() % 6;
        const ServiceNode sn = node(id, states[rng() % 4], swarm);
        changes[sn.pubkey] = sn;
      }
    }
    const std::vector<AccountEvent> events{
        {PubKey(), AccountEventKind::kReward, Amount(7), PubKey(), StakeReturnCause::kNone},
        {PubKey(), AccountEventKind::kStakeReturned, Amount(1000), PubKey(),
         StakeReturnCause::kUnlock},
        {PubKey(), AccountEventKind::kReward, Amount(5), PubKey(), StakeReturnCause::kNone}};
    const BlockStats got = block_stats_after(s, changes, 1000 + block, 3, events);
    s.apply(changes);
    BlockStats want = recount(s);
    want.time_ms = 1000 + block;
    want.tx_count = 3;
    want.rewards_paid = Amount(12);  // rewards only, not the returned stake
    ASSERT_EQ(got, want) << "block " << block;
  }
}

TEST(BlockStats, EncodeToTheirGrammarsBytesAndDecodeBack) {
  const BlockStats s{0x0102030405060708ULL, 300, 2, 1, 0, 5, Amount(9)};
  const Bytes b = encode(s);
  EXPECT_EQ(to_hex(b), "0807060504030201" "ac02" "02" "01" "00" "05" "0900000000000000");
  auto back = decode_exact<BlockStats>(b);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, s);
  Bytes longer = b;
  longer.push_back(0);
  EXPECT_FALSE(decode_exact<BlockStats>(longer));
  EXPECT_FALSE(decode_exact<BlockStats>(ByteView(b.data(), b.size() - 1)));
}

TEST(SnEvents, EncodeToTheirGrammarsBytesAndRefuseWhatTheStoreNeverWrites) {
  SnEvent e;
  e.kind = SnEventKind::kContribution;
  e.amount = Amount(0x10);
  e.reason = "ab";
  Bytes b = encode(e);
  EXPECT_EQ(to_hex(b), "01" "01" "1000000000000000" "02" "6162");
  auto back = decode_exact<SnEvent>(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, e);
  e.kind = SnEventKind::kActivated;
  e.amount.reset();
  EXPECT_EQ(to_hex(encode(e)), "02" "00" "02" "6162");
  EXPECT_EQ(*decode_exact<SnEvent>(encode(e)), e);

  Bytes bad_kind = encode(e);
  bad_kind[0] = 8;
  EXPECT_FALSE(decode_exact<SnEvent>(bad_kind));
  Bytes bad_flag = encode(e);
  bad_flag[1] = 2;
  EXPECT_FALSE(decode_exact<SnEvent>(bad_flag));
  Writer long_reason;
  long_reason.u8(0);
  long_reason.u8(0);
  long_reason.str(std::string(kMaxSnEventReason + 1, 'x'));
  EXPECT_FALSE(decode_exact<SnEvent>(long_reason.data()));
  for (uint8_t k = 0; k <= 7; ++k)
    EXPECT_STRNE(sn_event_kind_name(static_cast<SnEventKind>(k)), "unknown");
}

}  // namespace
}  // namespace swarmchain

// What the node logs about its work (node/activity_log.h): quiet when idle, a line for what an
// operator acts on, and a summary every period.
#include "node/activity_log.h"

#include <gtest/gtest.h>

#include <string>

namespace swarmchain {
namespace {

ActivityLog::Reading at(uint64_t now_ms, uint64_t height, uint32_t round = 0) {
  ActivityLog::Reading r;
  r.now_ms = now_ms;
  r.height = height;
  r.deciding_height = height + 1;
  r.round = round;
  r.step = "propose";
  r.p2p = true;
  r.peers = 3;
  r.mempool_txs = 7;
  return r;
}

TEST(ActivityLog, AnEmptyBlockIsDebugAndABlockWithTxsIsInfo) {
  ActivityLog log;
  const LogLine empty = log.on_block(5, "ab", 0, 0);
  EXPECT_FALSE(empty.info);
  EXPECT_EQ(empty.text, "block 5 ab txs 0 round 0");
  EXPECT_TRUE(log.on_block(6, "cd", 2, 0).info);
}

TEST(ActivityLog, ABlockDecidedAfterRoundZeroIsInfoEvenWhenEmpty) {
  ActivityLog log;
  EXPECT_TRUE(log.on_block(5, "ab", 0, 1).info);
}

TEST(ActivityLog, AnIdleNodeSaysNothingBetweenSummaries) {
  ActivityLog log(60'000);
  EXPECT_TRUE(log.tick(at(1'000, 10)).empty());
  for (uint64_t t = 2'000; t < 61'000; t += 500) {
    (void)log.on_block(10 + t / 500, "ab", 0, 0);
    EXPECT_TRUE(log.tick(at(t, 10 + t / 500)).empty()) << t;
  }
}

TEST(ActivityLog, TheSummaryCountsBlocksAndTxsSinceTheLastOne) {
  ActivityLog log(60'000);
  (void)log.tick(at(1'000, 10));
  (void)log.on_block(11, "ab", 0, 0);
  (void)log.on_block(12, "cd", 4, 0);
  const auto lines = log.tick(at(61'000, 12));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].info);
  EXPECT_EQ(lines[0].text, "status: height 12 (2 blocks, 4 txs in the last 60 s), 3 peer(s), "
                           "mempool 7 txs");
  (void)log.on_block(13, "ef", 1, 0);
  const auto next = log.tick(at(121'000, 13));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0].text.find("(1 blocks, 1 txs in the last 60 s)"), std::string::npos)
      << next[0].text;
}

TEST(ActivityLog, ARoundChangeIsSaidOnce) {
  ActivityLog log;
  (void)log.tick(at(1'000, 10, 0));
  const auto lines = log.tick(at(2'000, 10, 1));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text,
            "consensus: height 11 moved to round 1 (propose step): round 0 ended without a "
            "decision");
  EXPECT_TRUE(log.tick(at(3'000, 10, 1)).empty());
  EXPECT_TRUE(log.tick(at(4'000, 11, 0)).empty()) << "a new height at round 0 is no round change";
}

TEST(ActivityLog, SignRefusalsAreSaidWithTheirReason) {
  ActivityLog log;
  (void)log.tick(at(1'000, 10));
  ActivityLog::Reading r = at(2'000, 10);
  r.sign_refusals = 2;
  const auto lines = log.tick(r);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].text.find("refused to sign 2 message(s)"), std::string::npos);
  r.now_ms = 3'000;
  EXPECT_TRUE(log.tick(r).empty()) << "the same refusals are not said twice";
}

}  // namespace
}  // namespace swarmchain

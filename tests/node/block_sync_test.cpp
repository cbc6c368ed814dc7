// BlockSync: which ranges a node asks of which peers, and what it hands back in order.
#include "node/block_sync.h"

#include <gtest/gtest.h>

namespace swarmchain {
namespace {

wire::Blocks blocks(uint64_t from, uint64_t to) {
  wire::Blocks b;
  for (uint64_t h = from; h <= to; ++h) {
    wire::CertifiedBlock cb;
    cb.block.header.height = Height(h);
    b.blocks.push_back(cb);
  }
  return b;
}

BlockSyncConfig small() {
  BlockSyncConfig c;
  c.batch = 10;
  c.max_outstanding = 3;
  c.request_timeout_ms = 1000;
  c.max_buffered = 100;
  return c;
}

TEST(BlockSyncTest, NothingIsAskedWhenNoPeerIsAhead) {
  BlockSync s(small());
  s.note_height(1, Height(5));
  EXPECT_TRUE(s.requests(Height(5), 0).empty());
  EXPECT_FALSE(s.progress(Height(5)).syncing);
}

TEST(BlockSyncTest, RangesAreSpreadOverPeersUpToTheOutstandingLimit) {
  BlockSync s(small());
  s.note_height(1, Height(100));
  s.note_height(2, Height(100));
  auto r = s.requests(Height(0), 0);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].second, (wire::BlockRequest{Height(1), 10}));
  EXPECT_EQ(r[1].second, (wire::BlockRequest{Height(11), 10}));
  EXPECT_EQ(r[2].second, (wire::BlockRequest{Height(21), 10}));
  EXPECT_NE(r[0].first, r[1].first);  // the least loaded peer first
  EXPECT_TRUE(s.requests(Height(0), 10).empty());  // the pipeline is full
  EXPECT_TRUE(s.progress(Height(0)).syncing);
  EXPECT_EQ(s.progress(Height(0)).target, Height(100));
}

TEST(BlockSyncTest, ARangeIsOnlyAskedOfAPeerThatHasItsStart) {
  BlockSync s(small());
  s.note_height(1, Height(5));
  auto r = s.requests(Height(0), 0);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second, (wire::BlockRequest{Height(1), 5}));  // not past the target
}

TEST(BlockSyncTest, BlocksAreHandedOutInHeightOrderOnceTheirBatchIsReady) {
  BlockSync s(small());
  s.note_height(1, Height(20));
  s.requests(Height(0), 0);
  const uint64_t late = s.add(1, blocks(11, 20), Height(0), true);
  EXPECT_NE(late, 0u);
  EXPECT_FALSE(s.take_next(Height(0)));  // height 1 has not arrived
  const uint64_t first = s.add(1, blocks(1, 10), Height(0), false);
  EXPECT_FALSE(s.take_next(Height(0)));  // not verified yet
  s.mark_ready(first);
  for (uint64_t h = 1; h <= 20; ++h) {
    auto next = s.take_next(Height(h - 1));
    ASSERT_TRUE(next) << h;
    EXPECT_EQ(next->second.block.header.height, Height(h));
    EXPECT_EQ(next->first, 1u);
  }
  EXPECT_FALSE(s.take_next(Height(20)));
  EXPECT_EQ(s.progress(Height(20)).buffered, 0u);
}

TEST(BlockSyncTest, AnUnansweredRequestGoesToAnotherPeerAfterTheTimeout) {
  BlockSync s(small());
  s.note_height(1, Height(10));
  auto r = s.requests(Height(0), 0);
  ASSERT_EQ(r.size(), 1u);
  const PeerId first = r[0].first;
  s.note_height(first == 1 ? 2 : 1, Height(10));
  EXPECT_TRUE(s.requests(Height(0), 999).empty());
  auto again = s.requests(Height(0), 1000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].first, first);
  EXPECT_EQ(again[0].second, r[0].second);
}

TEST(BlockSyncTest, ARefusedPeersBlocksAreForgottenAndAskedOfAnother) {
  BlockSync s(small());
  s.note_height(1, Height(10));
  s.note_height(2, Height(10));
  s.requests(Height(0), 0);
  s.add(1, blocks(1, 10), Height(0), true);
  auto bad = s.take_next(Height(0));
  ASSERT_TRUE(bad);
  s.refused(bad->first, Height(1));
  EXPECT_FALSE(s.take_next(Height(0)));
  auto r = s.requests(Height(0), 1);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].second.from, Height(1));
}

TEST(BlockSyncTest, BufferIsBoundedAndIgnoresCopiesAndOldBlocks) {
  BlockSyncConfig c = small();
  c.max_buffered = 15;
  BlockSync s(c);
  EXPECT_EQ(s.add(1, blocks(1, 5), Height(5), true), 0u);  // at or below the tip
  EXPECT_NE(s.add(1, blocks(6, 40), Height(5), true), 0u);
  EXPECT_EQ(s.progress(Height(5)).buffered, 15u);         // tip + 1 .. tip + 15 only
  EXPECT_EQ(s.add(2, blocks(6, 20), Height(5), true), 0u);  // copies of buffered heights
  EXPECT_EQ(s.progress(Height(5)).target, Height(40));
}

TEST(BlockSyncTest, AGonePeerIsNotAskedAndItsRequestsAreReassigned) {
  BlockSync s(small());
  s.note_height(1, Height(30));
  auto r = s.requests(Height(0), 0);
  ASSERT_EQ(r.size(), 3u);
  s.peer_gone(1);
  EXPECT_TRUE(s.requests(Height(0), 1).empty());
  EXPECT_FALSE(s.progress(Height(0)).syncing);
  s.note_height(2, Height(30));
  EXPECT_EQ(s.requests(Height(0), 2).size(), 3u);
}

}  // namespace
}  // namespace swarmchain

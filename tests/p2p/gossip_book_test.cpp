// p2p/gossip.h and p2p/address_book.h: dedup windows, bounded sets, the token bucket, and the
// address book's bounds and file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "p2p/address_book.h"
#include "p2p/gossip.h"

namespace swarmchain::p2p {
namespace {

TEST(GossipHasher, IsKeyed) {
  const Bytes p{1, 2, 3};
  GossipHasher a, b;
  EXPECT_EQ(a(p), a(p));
  EXPECT_NE(a(p), b(p));  // random keys: 2^-64 to collide
  EXPECT_NE(a(p), a(Bytes{1, 2, 4}));
}

TEST(SeenFilter, DropsARepeatWithinTheWindowOnly) {
  SeenFilter f(500, 100);
  EXPECT_TRUE(f.insert(1, 1000));
  EXPECT_FALSE(f.insert(1, 1000));
  EXPECT_FALSE(f.insert(1, 1499));
  EXPECT_TRUE(f.insert(1, 1500));
  EXPECT_FALSE(f.insert(1, 1600));
  EXPECT_TRUE(f.insert(2, 1600));
}

TEST(SeenFilter, StaysWithinItsCapacityUnderAMillionDistinctHashes) {
  SeenFilter f(60'000, 1000);
  for (uint64_t i = 0; i < 1'000'000; ++i) {
    ASSERT_TRUE(f.insert(i, 10));
    ASSERT_LE(f.size(), 1000u);
  }
  EXPECT_FALSE(f.insert(999'999, 11));  // the newest are kept
}

TEST(KnownSet, KeepsTheLastEntriesOnly) {
  KnownSet k(3);
  for (uint64_t i = 1; i <= 5; ++i) k.insert(i);
  EXPECT_EQ(k.size(), 3u);
  EXPECT_FALSE(k.contains(2));
  EXPECT_TRUE(k.contains(3));
  EXPECT_TRUE(k.contains(5));
  k.insert(5);
  EXPECT_EQ(k.size(), 3u);
}

TEST(TokenBucket, AllowsTheBurstThenTheRate) {
  TokenBucket b(10, 10);
  int ok = 0;
  for (int i = 0; i < 50; ++i) ok += b.take(1000);
  EXPECT_EQ(ok, 10);
  EXPECT_FALSE(b.take(1050));
  EXPECT_TRUE(b.take(1100));  // 100 ms at 10/s: one token
  EXPECT_FALSE(b.take(1100));
  ok = 0;
  for (int i = 0; i < 50; ++i) ok += b.take(100'000);
  EXPECT_EQ(ok, 10);  // never more than the burst saved
}

TEST(AddressBook, TakesCanonicalAddressesAndStaysBounded) {
  std::mt19937_64 rng(1);
  AddressBook book(10);
  EXPECT_TRUE(book.add("127.0.0.1:1", rng));
  EXPECT_FALSE(book.add("127.0.0.1:1", rng));
  EXPECT_FALSE(book.add("localhost:1", rng));
  EXPECT_FALSE(book.add("127.000.0.1:1", rng));
  for (int i = 2; i < 100; ++i) EXPECT_TRUE(book.add("10.0.0.1:" + std::to_string(i), rng));
  EXPECT_EQ(book.size(), 10u);
  EXPECT_TRUE(book.contains("10.0.0.1:99"));
  book.remove("10.0.0.1:99");
  EXPECT_FALSE(book.contains("10.0.0.1:99"));
  EXPECT_EQ(book.size(), 9u);
}

TEST(AddressBook, SavesAndLoadsItsFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("p2p_book_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(1);
  AddressBook book;
  ASSERT_TRUE(book.add("127.0.0.1:5", rng));
  ASSERT_TRUE(book.add("[::1]:6", rng));
  ASSERT_TRUE(book.save(dir / "peers.txt"));
  auto back = AddressBook::load(dir / "peers.txt");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->all(), book.all());
  std::filesystem::remove_all(dir);
}

TEST(AddressBook, RefusesACorruptFileAsAWhole) {
  EXPECT_FALSE(AddressBook::parse(""));
  EXPECT_FALSE(AddressBook::parse("127.0.0.1:5\n"));  // no header
  EXPECT_FALSE(AddressBook::parse(std::string(kAddressBookHeader) + "\n127.0.0.1:5\nnot an address\n"));
  EXPECT_FALSE(AddressBook::parse(std::string(kAddressBookHeader) + "\n1.2.3.4:1\n1.2.3.4:2\n", 1));
  auto ok = AddressBook::parse(std::string(kAddressBookHeader) + "\n1.2.3.4:1\n\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 1u);
}

}  // namespace
}  // namespace swarmchain::p2p

// p2p::Host over loopback: Hosts in one process on 127.0.0.1, port 0. Payloads both ways,
// broadcast, gossip dedup and no echo, peer exchange, reconnect, the address book, bans, and
// back-pressure. Every wait is on a condition with a deadline.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_util.h"
#include "p2p/address_book.h"
#include "tests/p2p/support.h"

namespace swarmchain::p2p::test {
namespace {

HostConfig seeded(const TestNode& seed, HostConfig c = test_config()) {
  c.seeds = {seed.address()};
  return c;
}

TEST(Host, TwoHostsConnectAndExchangePayloadsBothWays) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.connected_to(b) && b.connected_to(a); }));
  const auto a_to_b_opt = a.peer_id_of(b);
  ASSERT_TRUE(a_to_b_opt.has_value());
  const PeerId a_to_b = *a_to_b_opt;
  const auto b_to_a_opt = b.peer_id_of(a);
  ASSERT_TRUE(b_to_a_opt.has_value());
  const PeerId b_to_a = *b_to_a_opt;
  a.host->send(a_to_b, bytes_of("to b"));
  b.host->send(b_to_a, bytes_of("to a"));
  ASSERT_TRUE(eventually([&] { return b.handler.count("to b") == 1 && a.handler.count("to a") == 1; }));
  const auto infos = a.host->peers();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_TRUE(infos[0].inbound);
  EXPECT_EQ(infos[0].node_pubkey, b.key.pubkey());
  EXPECT_EQ(infos[0].listen_address, b.address());
  EXPECT_EQ(infos[0].height, 7u);
  EXPECT_EQ(b.host->peers()[0].listen_address, a.address());
  EXPECT_FALSE(b.host->peers()[0].inbound);
  EXPECT_EQ(a.handler.connects.load(), 1);
}

TEST(Host, BroadcastReachesEveryPeer) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  TestNode c(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.host->peer_count() == 2; }));
  a.host->broadcast(bytes_of("block 1"));
  ASSERT_TRUE(eventually([&] { return b.handler.count("block 1") == 1 && c.handler.count("block 1") == 1; }));
}

TEST(Host, TheSameGossipBroadcastTwiceReachesTheHandlerOnce) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  a.host->broadcast(bytes_of("gossip tx 1"));
  a.host->broadcast(bytes_of("gossip tx 1"));
  a.host->broadcast(bytes_of("after"));  // not gossip: ordered after both on the connection
  ASSERT_TRUE(eventually([&] { return b.handler.count("after") == 1; }));
  EXPECT_EQ(b.handler.count("gossip tx 1"), 1u);
}

TEST(Host, ARelayedGossipIsNotEchoedBackToItsSender) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.connected_to(b) && b.connected_to(a); }));
  const auto b_to_a_opt = b.peer_id_of(a);
  ASSERT_TRUE(b_to_a_opt.has_value());
  const PeerId b_to_a = *b_to_a_opt;
  // B relays every gossip it gets, as the node does, and then tells A it is done.
  b.handler.on_each = [&](PeerId, const Bytes& p) {
    if (!is_gossip(p)) return;
    b.host->broadcast(p);
    b.host->send(b_to_a, bytes_of("relayed"));
  };
  a.host->broadcast(bytes_of("gossip vote"));
  ASSERT_TRUE(eventually([&] { return a.handler.count("relayed") == 1; }));
  EXPECT_EQ(a.handler.count("gossip vote"), 0u);
  EXPECT_EQ(drops(*a.host, "duplicate"), 0u);  // not even sent back
  EXPECT_EQ(b.handler.count("gossip vote"), 1u);
}

TEST(Host, PeerExchangeConnectsANodeToPeersItWasNotTold) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return b.connected_to(a); }));
  TestNode c(seeded(b));  // C knows only B; B knows A
  ASSERT_TRUE(eventually([&] { return c.connected_to(a) && a.connected_to(c); }))
      << "C has " << c.host->peer_count() << " peers";
  EXPECT_TRUE(c.connected_to(b));
}

TEST(Host, ReconnectsToASeedThatRestarts) {
  const KeyPair a_key = KeyPair::generate();
  auto a = std::make_unique<TestNode>(test_config(), a_key);
  const uint16_t port = a->host->port();
  HostConfig bc = test_config();
  bc.seeds = {"127.0.0.1:" + std::to_string(port)};
  TestNode b(bc);
  ASSERT_TRUE(eventually([&] { return b.host->peer_count() == 1; }));
  a.reset();
  ASSERT_TRUE(eventually([&] { return b.host->peer_count() == 0; }));
  EXPECT_EQ(b.handler.disconnects.load(), 1);
  HostConfig ac = test_config();
  ac.port = port;
  a = std::make_unique<TestNode>(ac, a_key);
  // Both sides: B can see the handshake done a moment before A has the peer in
  // its table, and a broadcast from A before that reaches no one (failed CI once).
  ASSERT_TRUE(eventually([&] { return b.connected_to(*a) && a->connected_to(b); }));
  a->host->broadcast(bytes_of("after restart"));
  ASSERT_TRUE(eventually([&] { return b.handler.count("after restart") == 1; }));
}

TEST(Host, TheAddressBookIsSavedAndReloaded) {
  const auto dir = std::filesystem::temp_directory_path() / ("p2p_host_book_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto book = dir / "peers.txt";
  TestNode a(test_config());
  {
    HostConfig bc = seeded(a);
    bc.address_book = book;
    TestNode b(bc);
    ASSERT_TRUE(eventually([&] { return b.connected_to(a); }));
  }  // stop() saves
  auto text = read_file(book);
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_NE(text->find(a.address()), std::string::npos) << *text;
  HostConfig bc = test_config();  // no seeds: only the book
  bc.address_book = book;
  TestNode b2(bc);
  ASSERT_TRUE(eventually([&] { return b2.connected_to(a); }));
  b2.host->stop();  // no save may race the cleanup
  std::filesystem::remove_all(dir);
}

TEST(Host, ACorruptAddressBookIsIgnored) {
  const auto dir = std::filesystem::temp_directory_path() / ("p2p_bad_book_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "peers.txt") << "\x01\x02 not a book";
  TestNode a(test_config());
  HostConfig bc = seeded(a);
  bc.address_book = dir / "peers.txt";
  TestNode b(bc);  // starts (throws otherwise)
  ASSERT_TRUE(eventually([&] { return b.connected_to(a); }));
  b.host->stop();
  auto reloaded = AddressBook::load(dir / "peers.txt");  // rewritten whole on stop
  ASSERT_TRUE(reloaded) << reloaded.error().message();
  EXPECT_TRUE(reloaded->contains(a.address()));
  std::filesystem::remove_all(dir);
}

TEST(Host, PenaltiesAddUpToABanThatDisconnectsAndRefusesThePeer) {
  HostConfig ac = test_config();
  ac.ban_threshold = 100;
  ac.ban_ms = 2'500;
  TestNode a(ac);
  TestNode b(seeded(a));  // B keeps redialling A
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  const auto id_opt = a.peer_id_of(b);
  ASSERT_TRUE(id_opt.has_value());
  const PeerId id = *id_opt;
  a.host->penalize(id, 60, "invalid vote");
  ASSERT_TRUE(eventually([&] { return !a.host->peers().empty() && a.host->peers()[0].ban_score == 60; }));
  EXPECT_TRUE(a.connected_to(b));
  a.host->penalize(id, 40, "invalid block");
  ASSERT_TRUE(eventually([&] { return !a.connected_to(b); }));
  // B's redials are refused while the ban lasts.
  ASSERT_TRUE(eventually([&] { return drops(*a.host, "banned") >= 3; }));
  EXPECT_FALSE(a.connected_to(b));
  // And let in again once it expired.
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  EXPECT_EQ(a.host->peers()[0].ban_score, 0);
}

TEST(Host, AScoreDecaysSoRareSlipsNeverAddUpToABan) {
  HostConfig ac = test_config();
  ac.ban_threshold = 100;
  ac.score_decay_ms = 5;  // a point every 5 ms: 60 points are gone in 0.3 s
  TestNode a(ac);
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  const PeerId id = *a.peer_id_of(b);
  a.host->penalize(id, 60, "a slip");
  ASSERT_TRUE(eventually([&] { return !a.host->peers().empty() && a.host->peers()[0].ban_score == 0; }));
  a.host->penalize(id, 60, "another slip, much later");  // 60, not 120: no ban
  EXPECT_TRUE(a.connected_to(b));
  EXPECT_EQ(drops(*a.host, "banned"), 0u);
}

TEST(Host, AHandlerHoldingDoneStopsTheFlowAndReleasingResumesItWithNothingLost) {
  HostConfig bc = test_config();
  bc.peer_inflight_messages = 4;
  TestNode a(test_config());
  TestNode b([&] { bc.seeds = {a.address()}; return bc; }());
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  b.handler.set_hold(true);
  const auto to_b_opt = a.peer_id_of(b);
  ASSERT_TRUE(to_b_opt.has_value());
  const PeerId to_b = *to_b_opt;
  constexpr int kN = 60;
  for (int i = 0; i < kN; ++i) a.host->send(to_b, bytes_of("m" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return b.handler.total() == 4; }));
  // Nothing more is read while the handler holds all four (a bounded look, not a sync).
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(b.handler.total(), 4u);
  for (int round = 0; round < 10 * kN && b.handler.total() < kN; ++round) {
    const std::size_t before = b.handler.total();
    b.handler.release();
    eventually([&] { return b.handler.total() > before || b.handler.total() == kN; }, 5s);
  }
  b.handler.release();
  ASSERT_EQ(b.handler.total(), static_cast<std::size_t>(kN));
  const auto got = b.handler.received();
  for (int i = 0; i < kN; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], bytes_of("m" + std::to_string(i)));
}

TEST(Host, StopIsCleanAndSafeTwice) {
  TestNode a(test_config());
  TestNode b(seeded(a));
  ASSERT_TRUE(eventually([&] { return a.connected_to(b); }));
  for (int i = 0; i < 100; ++i) a.host->broadcast(bytes_of("x" + std::to_string(i)));
  a.host->stop();
  a.host->stop();
  ASSERT_TRUE(eventually([&] { return b.host->peer_count() == 0; }));
}

TEST(Host, StartNamesAPortItCannotBind) {
  TestNode a(test_config());
  HostConfig c = test_config();
  c.port = a.host->port();
  TestHandler h;
  Host second(c, KeyPair::generate(), h, is_gossip);
  Status s = second.start();
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(c.port)), std::string::npos) << s.message();
}

}  // namespace
}  // namespace swarmchain::p2p::test

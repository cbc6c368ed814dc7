// Driver over real chains in a pure in-test network (driver_test_net.h): a committee of one
// produces blocks at the pace of target_block_ms, four nodes agree, bad input is counted per
// peer, a straggler catches up, a store that cannot commit stops the driver.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <set>

#include "node/wire.h"
#include "tests/chain/test_util.h"
#include "tests/node/driver_test_net.h"

namespace swarmchain::test {
namespace {

DriverConfig no_proofs() {
  DriverConfig c;
  c.send_uptime_proofs = false;
  c.rebroadcast_ms = 200;
  return c;
}

BlockHash hash_at(Blockchain& chain, uint64_t h) {
  auto b = chain.store().block_at(Height(h));
  EXPECT_TRUE(b.has_value());
  return b ? b->hash() : BlockHash{};
}

TEST(Driver, ACommitteeOfOneCommitsABlockEveryTargetInterval) {
  DriverNet net(1, no_proofs());
  const uint64_t t0 = net.clock().now_ms();
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(3); }));
  const uint64_t target = net.genesis().params.target_block_ms;
  // Each empty block waits out the pause after the previous one.
  EXPECT_EQ(net.clock().now_ms(), t0 + 3 * target);
  for (uint64_t h = 1; h <= 3; ++h) {
    auto b = net.chain(0).store().block_at(Height(h));
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->header.time_ms, t0 + h * target);
    EXPECT_EQ(b->header.proposer, node_key(0).pubkey());
  }
  EXPECT_EQ(net.driver(0).stats().blocks_decided, 3u);
  EXPECT_EQ(net.driver(0).stats().proposals_built, 3u);
  EXPECT_EQ(net.signer(0).committed_height(), Height(3));
  EXPECT_FALSE(net.driver(0).failure().has_value());
}

TEST(Driver, ATxWaitingEndsTheProposersPauseAndIsIncluded) {
  DriverNet net(1, no_proofs());
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(1); }));
  const uint64_t t1 = net.clock().now_ms();
  const Tx tx = make_transfer(net.chain(0).chain_id(), test_key(1), 0, test_key(2).pubkey(),
                              Amount::coins(1));
  net.chain(0).with_state([&](const ChainState& s, const ChainTip&) {
    ASSERT_TRUE(net.mempool(0).add(tx, s).has_value());
  });
  net.driver(0).on_new_tx();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(2); }));
  EXPECT_EQ(net.clock().now_ms(), t1);  // no pause: proposed at once
  auto b = net.chain(0).store().block_at(Height(2));
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->txs.size(), 1u);
  EXPECT_EQ(b->txs[0], tx);
  EXPECT_EQ(net.mempool(0).size(), 0u);  // the driver told the mempool
}

TEST(Driver, FourNodesCommitTheSameBlocks) {
  DriverNet net(4, no_proofs());
  net.start();
  ASSERT_TRUE(net.run_until([&] {
    for (std::size_t i = 0; i < 4; ++i)
      if (net.tip(i) < Height(6)) return false;
    return true;
  }));
  std::set<PubKey> proposers;
  for (uint64_t h = 1; h <= 6; ++h) {
    const BlockHash expected = hash_at(net.chain(0), h);
    for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(hash_at(net.chain(i), h), expected) << h;
    proposers.insert(net.chain(0).store().block_at(Height(h))->header.proposer);
  }
  EXPECT_EQ(proposers.size(), 4u);  // the proposer rotates
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_FALSE(net.driver(i).failure().has_value());
    EXPECT_EQ(net.driver(i).stats().blocks_synced, 0u);
  }
}

TEST(Driver, TxsFromAPeerAreAddedAndRelayed) {
  DriverNet net(4, no_proofs());
  const Tx tx = make_transfer(net.chain(0).chain_id(), test_key(1), 0, test_key(2).pubkey(),
                              Amount::coins(1));
  net.driver(0).on_message(9, wire::encode(tx));
  EXPECT_EQ(net.driver(0).counters(9).accepted, 1u);
  EXPECT_TRUE(net.mempool(0).contains(tx.id()));
  while (net.step() && net.clock().now_ms() == net.genesis().genesis_time_ms + 1000) {
  }
  for (std::size_t i = 1; i < 4; ++i) EXPECT_TRUE(net.mempool(i).contains(tx.id())) << i;
}

TEST(Driver, APeersTxBatchIsAdmittedInOrderAndRelayedAsOneBatchWithoutItsBadTx) {
  DriverNet net(4, no_proofs());
  const Hash chain = net.chain(0).chain_id();
  std::vector<Tx> txs;
  for (uint64_t n = 0; n < 3; ++n)  // nonces 0, 1, 2: each relies on the one before
    txs.push_back(make_transfer(chain, test_key(1), n, test_key(2).pubkey(), Amount::coins(1)));
  Tx forged = make_transfer(chain, test_key(3), 0, test_key(2).pubkey(), Amount::coins(1));
  forged.signature.data[0] ^= 1;
  std::vector<Tx> batch = txs;
  batch.insert(batch.begin() + 1, forged);
  net.driver(0).on_message(9, wire::encode(wire::TxBatch{batch}));
  EXPECT_EQ(net.driver(0).counters(9).accepted, 3u);
  EXPECT_EQ(net.driver(0).counters(9).dropped.at("tx_invalid"), 1u);
  for (const Tx& tx : txs) EXPECT_TRUE(net.mempool(0).contains(tx.id()));
  EXPECT_FALSE(net.mempool(0).contains(forged.id()));
  // Relayed once, as one batch of the three good txs in their order.
  std::size_t batches = 0;
  for (const auto& p : net.sent) {
    auto m = wire::decode(p.bytes);
    if (p.from != 0 || !m || !std::holds_alternative<wire::TxBatch>(*m)) continue;
    EXPECT_EQ(std::get<wire::TxBatch>(*m).txs, txs);
    ++batches;
  }
  EXPECT_EQ(batches, 3u);  // one message to each of the 3 peers
  // The same batch again: all duplicates, nothing relayed, nothing scored.
  const std::size_t before = net.sent.size();
  net.driver(0).on_message(9, wire::encode(wire::TxBatch{txs}));
  EXPECT_EQ(net.sent.size(), before);
  EXPECT_EQ(net.driver(0).counters(9).dropped.at("tx_invalid"), 1u);
}

TEST(Driver, MalformedAndBadlySignedInputIsDroppedAndCountedPerPeer) {
  DriverNet net(4, no_proofs());
  net.start();
  const Bytes garbage{0xff, 0x01, 0x02};
  net.driver(0).on_message(7, garbage);
  net.driver(0).on_message(7, Bytes{});
  net.driver(0).on_message(7, Bytes{0x02, 0x01});  // a truncated block request
  // A vote of a committee member for the current height, signed by another key.
  Vote v;
  v.type = VoteType::kPrevote;
  v.height = Height(1);
  v.validator = node_key(1).pubkey();
  v.sign(node_key(2), net.chain(0).chain_id());
  net.driver(0).on_message(8, wire::encode(consensus::Message(v)));
  EXPECT_EQ(net.driver(0).counters(7).dropped.at("malformed"), 3u);
  EXPECT_EQ(net.driver(0).counters(7).accepted, 0u);
  EXPECT_EQ(net.driver(0).counters(8).dropped.at("bad_signature"), 1u);
  EXPECT_FALSE(net.driver(0).counters(8).dropped.contains("malformed"));
  EXPECT_TRUE(net.driver(0).counters(5).dropped.empty());
  // Still working.
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(1); }));
}

TEST(Driver, AStragglerCatchesUpThroughBlocks) {
  DriverNet net(4, no_proofs());
  net.down[3] = true;  // three of four are a quorum
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(5); }));
  EXPECT_EQ(net.tip(3), Height(0));
  net.down[3] = false;
  net.driver(3).start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(3) >= net.tip(0) && net.tip(3) >= Height(6); }));
  EXPECT_GE(net.driver(3).stats().blocks_synced, 4u);
  for (uint64_t h = 1; h <= net.tip(3).value; ++h)
    EXPECT_EQ(hash_at(net.chain(3), h), hash_at(net.chain(0), h)) << h;
  EXPECT_FALSE(net.driver(3).failure().has_value());
}

// The Blocks messages node `from` sent to node `to`.
std::vector<wire::Blocks> blocks_sent(const DriverNet& net, std::size_t from, std::size_t to) {
  std::vector<wire::Blocks> out;
  for (const auto& p : net.sent) {
    if (p.from != from || p.to != to) continue;
    auto m = wire::decode(p.bytes);
    if (m && std::holds_alternative<wire::Blocks>(*m)) out.push_back(std::get<wire::Blocks>(*m));
  }
  return out;
}

TEST(Driver, APeerStillAtACommittedHeightARebroadcastLaterIsSentTheBlocksItLacks) {
  DriverNet net(4, no_proofs());
  net.down[3] = true;
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(3); }));
  const uint64_t tip = net.tip(0).value;
  Vote v;
  v.type = VoteType::kPrevote;
  v.height = Height(1);
  v.validator = node_key(3).pubkey();
  v.sign(node_key(3), net.chain(0).chain_id());
  const Bytes late = wire::encode(consensus::Message(v));
  net.driver(0).on_message(3, late);  // a late vote: nothing yet
  EXPECT_TRUE(blocks_sent(net, 0, 3).empty());
  net.clock().advance(200);  // a rebroadcast period later, still at height 1
  net.driver(0).on_message(3, late);
  auto sent = blocks_sent(net, 0, 3);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].blocks.size(), tip);
  for (uint64_t h = 1; h <= tip; ++h) {
    EXPECT_EQ(sent[0].blocks[h - 1].block.header.height, Height(h));
    EXPECT_EQ(sent[0].blocks[h - 1].block.hash(), hash_at(net.chain(0), h));
  }
  net.driver(0).on_message(3, late);  // not again within the period
  EXPECT_EQ(blocks_sent(net, 0, 3).size(), 1u);
}

TEST(Driver, ABlockRequestIsAnsweredWithTheCommittedBlocksAndCertificates) {
  DriverNet net(1, no_proofs());
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(3); }));
  net.driver(0).on_message(5, wire::encode(wire::BlockRequest{Height(2), 64}));
  EXPECT_EQ(net.driver(0).counters(5).accepted, 1u);
  ASSERT_FALSE(net.sent.empty());
  const auto& p = net.sent.back();
  EXPECT_EQ(p.to, 5u);
  auto m = wire::decode(p.bytes);
  ASSERT_TRUE(m && std::holds_alternative<wire::Blocks>(*m));
  const auto& blocks = std::get<wire::Blocks>(*m).blocks;
  ASSERT_EQ(blocks.size(), net.tip(0).value - 1);
  EXPECT_EQ(blocks[0].block.header.height, Height(2));
  EXPECT_EQ(blocks[0].cert, *test::read_ok(net.chain(0).store().certificate_at(Height(2))));
}

TEST(Driver, BlocksWithABadCertificateAreRefusedAndCounted) {
  DriverNet net(1, no_proofs());
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(2); }));
  DriverNet other(1, no_proofs());  // same genesis, fresh chain
  auto b1 = net.chain(0).store().block_at(Height(1));
  auto c1 = net.chain(0).store().certificate_at(Height(1));
  ASSERT_TRUE(b1 && c1 && *c1);
  CommitCertificate bad = **c1;
  bad.sigs[0].signature = Signature{};
  wire::Blocks msg{{wire::CertifiedBlock{*b1, bad}}};
  other.driver(0).on_message(4, wire::encode(msg));
  EXPECT_EQ(other.tip(0), Height(0));
  EXPECT_EQ(other.driver(0).counters(4).dropped.at("bad_certificate"), 1u);
  msg.blocks[0].cert = **c1;
  other.driver(0).on_message(4, wire::encode(msg));
  EXPECT_EQ(other.tip(0), Height(1));
  EXPECT_EQ(other.driver(0).stats().blocks_synced, 1u);
}

// Found by the simulator: a validator restarted in the middle of a height must be able to take
// part in it again. Node 2 is down, so the three others are an exact quorum and every message of
// node 3 is needed. Node 3 crashes just after signing its precommit of height 1, and the crash
// loses what it had not yet sent. Restarted at round 0, its guard (which recorded the precommit)
// would refuse the prevote its engine asks for, and nobody would ever see its precommit: the
// height would stall. The driver resumes the signed round and sends the recorded votes again.
TEST(Driver, AValidatorRestartedMidHeightResumesItsRoundAndResendsItsVotes) {
  DriverNet net(4, no_proofs());
  net.down[2] = true;
  net.start();
  auto precommitted = [&] {
    const auto last = net.signer(3).last_signed();
    return last && last->height == Height(1) && last->votes.size() == 2;
  };
  ASSERT_TRUE(net.run_until(precommitted));
  ASSERT_EQ(net.tip(0), Height(0));
  const SignedRound before = *net.signer(3).last_signed();
  const Vote precommit = before.votes[1];
  ASSERT_EQ(precommit.type, VoteType::kPrecommit);

  const std::size_t sent_before = net.sent.size();
  net.restart(3);
  EXPECT_EQ(net.driver(3).engine().height(), Height(1));
  EXPECT_EQ(net.driver(3).engine().round(), before.round);
  // At start, before any message arrives, the very precommit it signed went out again (the
  // same signature); its engine counts it as its own.
  bool resent = false;
  for (std::size_t i = sent_before; i < net.sent.size() && !resent; ++i) {
    auto m = wire::decode(net.sent[i].bytes);
    resent = net.sent[i].from == 3 && m && std::holds_alternative<consensus::Message>(*m) &&
             std::get<consensus::Message>(*m) == consensus::Message(precommit);
  }
  EXPECT_TRUE(resent);
  const auto own = net.driver(3).engine().own_messages();
  EXPECT_NE(std::find(own.begin(), own.end(), consensus::Message(precommit)), own.end());
  ASSERT_TRUE(net.run_until([&] {
    return net.tip(0) >= Height(3) && net.tip(1) >= Height(3) && net.tip(3) >= Height(3);
  }));
  for (uint64_t h = 1; h <= 3; ++h) {
    EXPECT_EQ(hash_at(net.chain(3), h), hash_at(net.chain(0), h)) << h;
    EXPECT_EQ(hash_at(net.chain(1), h), hash_at(net.chain(0), h)) << h;
  }
  // Height 1 was decided by consensus (node 3's precommit was needed for it).
  EXPECT_GE(net.driver(0).stats().blocks_decided, 3u);
  EXPECT_FALSE(net.driver(3).failure().has_value());
}

TEST(Driver, ARefusedSignatureIsCountedAndNothingIsSent) {
  DriverNet net(1, no_proofs());
  net.signer(0).refuse = true;
  net.start();
  for (int i = 0; i < 50 && net.step(); ++i) {
  }
  EXPECT_EQ(net.tip(0), Height(0));
  EXPECT_GT(net.driver(0).stats().sign_refusals, 0u);
  EXPECT_EQ(net.signer(0).signed_count, 0u);
}

TEST(Driver, ASignStateThatCannotBeWrittenStopsTheDriverAsADiskFailure) {
  DriverNet net(1, no_proofs());
  net.start();
  ASSERT_TRUE(net.run_until([&] { return net.tip(0) >= Height(2); }));
  net.signer(0).set_disk_failing(true);
  for (int i = 0; i < 50 && net.step() && !net.driver(0).failure(); ++i) {
  }
  const auto& f = net.driver(0).failure();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->code_as<DriverFailure>(), DriverFailure::kStorage) << f->message();
  EXPECT_NE(f->message().find("sign state"), std::string::npos) << f->message();
  const Height stopped = net.tip(0);
  for (int i = 0; i < 50 && net.step(); ++i) {
  }
  EXPECT_EQ(net.tip(0), stopped);  // nothing more is committed
}

TEST(Driver, UptimeProofsAreSentAtStartAndEveryIntervalAndIncluded) {
  DriverConfig c = no_proofs();
  c.send_uptime_proofs = true;
  c.contact.public_ip = 0x0A000001;
  c.contact.quorumnet_port = 22022;
  DriverNet net(1, c);
  const uint64_t t0 = net.clock().now_ms();
  net.start();
  EXPECT_EQ(net.driver(0).stats().uptime_proofs_sent, 1u);
  // A committee of one with a tx waiting proposes and commits at once, within start().
  EXPECT_EQ(net.tip(0), Height(1));
  EXPECT_EQ(net.mempool(0).size(), 0u);
  auto b1 = net.chain(0).store().block_at(Height(1));
  ASSERT_TRUE(b1.has_value());
  ASSERT_EQ(b1->txs.size(), 1u);  // proposed at once: a tx was waiting
  EXPECT_EQ(b1->txs[0].type(), TxType::kUptimeProof);
  EXPECT_EQ(b1->txs[0].sender, node_key(0).pubkey());
  const auto& proof = std::get<UptimeProofPayload>(b1->txs[0].payload);
  EXPECT_EQ(proof.time_ms, t0);
  EXPECT_EQ(proof.contact.public_ip, 0x0A000001u);
  EXPECT_EQ(proof.contact.quorumnet_port, 22022);
  const uint64_t interval = net.genesis().params.proof_interval_s * 1000;
  ASSERT_TRUE(net.run_until([&] { return net.driver(0).stats().uptime_proofs_sent >= 2; }));
  EXPECT_EQ(net.clock().now_ms(), t0 + interval);
}

TEST(Driver, AProofItsOwnMempoolRefusesIsTriedAgainSoonNotAnIntervalLater) {
  DriverConfig c = no_proofs();
  c.send_uptime_proofs = true;
  DriverNet net(1, c);
  net.start();
  ASSERT_EQ(net.driver(0).stats().uptime_proofs_sent, 1u);
  ASSERT_EQ(net.tip(0), Height(1));  // the proof is in block 1
  // A restart at once: the new start proof comes less than half an interval after the
  // included one, so its own mempool refuses it as too soon.
  const uint64_t t_restart = net.clock().now_ms();
  net.restart(0);
  EXPECT_EQ(net.driver(0).stats().uptime_proofs_sent, 0u);
  const uint64_t half = net.genesis().params.proof_interval_s * 1000 / 2;
  ASSERT_TRUE(net.run_until([&] { return net.driver(0).stats().uptime_proofs_sent >= 1; }));
  // Sent at the first 5 s retry past half an interval, not a whole interval after the restart.
  EXPECT_GE(net.clock().now_ms(), t_restart + half);
  EXPECT_LE(net.clock().now_ms(), t_restart + half + 5'000);
}

TEST(Driver, AnEquivocationBecomesAnEvidenceTxSentToPeers) {
  DriverNet net(4, no_proofs());
  net.start();
  // Two different prevotes of node 1 for height 1, round 0.
  Vote a;
  a.type = VoteType::kPrevote;
  a.height = Height(1);
  a.validator = node_key(1).pubkey();
  a.block_hash = swarmchain::Hash{};
  Vote b = a;
  b.block_hash.data[0] = 1;
  a.sign(node_key(1), net.chain(0).chain_id());
  b.sign(node_key(1), net.chain(0).chain_id());
  net.driver(0).on_message(1, wire::encode(consensus::Message(a)));
  net.driver(0).on_message(1, wire::encode(consensus::Message(b)));
  EXPECT_EQ(net.driver(0).stats().evidence_sent, 1u);
  bool sent = false;
  for (const auto& p : net.sent) {
    if (p.from != 0) continue;
    auto m = wire::decode(p.bytes);
    if (!m || !std::holds_alternative<wire::TxBatch>(*m)) continue;
    for (const Tx& tx : std::get<wire::TxBatch>(*m).txs)
      if (tx.type() == TxType::kEvidence) sent = true;
  }
  EXPECT_TRUE(sent);
  // The same equivocation again is not reported twice.
  net.driver(0).on_message(1, wire::encode(consensus::Message(b)));
  EXPECT_EQ(net.driver(0).stats().evidence_sent, 1u);
}

// A store that cannot write (the file-size limit makes the WAL's next write fail with EFBIG)
// makes the commit fail for a local reason: the driver reports it and does nothing more.
// Run in a child process that ends with _Exit: RocksDB (Debian's build keeps its asserts)
// asserts when a writer that failed is closed, which is not what this test is about.
int failed_commit_scenario() {
  TempDir dir("driver-failure");
  DriverNet net(1, no_proofs(), {dir.path()});
  net.start();
  if (!net.run_until([&] { return net.tip(0) >= Height(1); })) return 2;
  // RocksDB's info LOG must stay writable (it asserts when it cannot log an error), so the
  // limit is set between the LOG's size and the WAL's: commit blocks until the WAL is larger.
  auto size_of = [&](const std::string& suffix) {
    uintmax_t biggest = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      if (e.path().filename().string().ends_with(suffix))
        biggest = std::max(biggest, e.file_size());
    return biggest;
  };
  if (!net.run_until([&] { return size_of(".log") > size_of("LOG") + (64u << 10); }, 200'000))
    return 11;
  const Height tip = net.tip(0);

  struct rlimit old {};
  if (getrlimit(RLIMIT_FSIZE, &old) != 0) return 3;
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit none = old;
  none.rlim_cur = size_of(".log");
  if (setrlimit(RLIMIT_FSIZE, &none) != 0) return 4;
  const bool stopped = net.run_until([&] { return net.driver(0).failure().has_value(); }, 10'000);
  if (setrlimit(RLIMIT_FSIZE, &old) != 0) return 5;
  if (!stopped) return 6;
  const std::string why = net.driver(0).failure()->message();
  fprintf(stderr, "failure: %s\n", why.c_str());
  if (why.find("store could not commit block " + tip.next().to_string()) == std::string::npos)
    return 7;
  if (net.tip(0) != tip) return 8;
  const std::size_t signed_before = net.signer(0).signed_count;
  for (int i = 0; i < 20 && net.step(); ++i) {
  }
  if (net.signer(0).signed_count != signed_before) return 9;  // nothing more is done
  if (net.tip(0) != tip) return 10;
  return 0;
}

TEST(DriverDeathTest, AFailedCommitSetsFailureAndStopsTheDriver) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::_Exit(failed_commit_scenario()), testing::ExitedWithCode(0),
              "failure: the store could not commit block [0-9]+");
}

}  // namespace
}  // namespace swarmchain::test

// The sign-state guard (node/sign_state.h): a validator never signs two different things at
// one (height, round, step), nor anything below what it signed, across restarts; a damaged
// sign-state file is refused, not reset; a failed record signs nothing.
#include "node/sign_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "common/hex.h"
#include "tests/common/golden.h"

namespace swarmchain {
namespace {

namespace fs = std::filesystem;
using consensus::Message;
using consensus::Proposal;

KeyPair key() {
  Seed seed;
  seed.data.fill(7);
  return KeyPair::from_seed(seed);
}
Hash chain_id() {
  Hash h;
  h.data.fill(0xc1);
  return h;
}
Hash block(uint8_t b) {
  Hash h;
  h.data.fill(b);
  return h;
}

Message vote(VoteType type, uint64_t height, uint32_t round, uint8_t block_byte) {
  Vote v;
  v.type = type;
  v.height = Height(height);
  v.round = round;
  v.block_hash = block(block_byte);
  return v;
}
Message prevote(uint64_t h, uint32_t r, uint8_t b) { return vote(VoteType::kPrevote, h, r, b); }
Message precommit(uint64_t h, uint32_t r, uint8_t b) { return vote(VoteType::kPrecommit, h, r, b); }
Message proposal(uint64_t h, uint32_t r, uint8_t b) {
  Proposal p;
  p.height = Height(h);
  p.round = r;
  p.value_hash = block(b);
  p.value = {1, 2, 3};
  return p;
}

class TempFileDir {
 public:
  TempFileDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("swarmchain-sign-state-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempFileDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path file() const { return path_ / "sign_state"; }

 private:
  fs::path path_;
};

std::unique_ptr<GuardedSigner> open_signer(SignStateStore& store) {
  auto s = GuardedSigner::open(key(), chain_id(), store);
  EXPECT_TRUE(s) << s.error().message();
  return s ? std::move(*s) : nullptr;
}

void expect_refused(GuardedSigner& signer, Message m) {
  auto r = signer.sign(std::move(m));
  ASSERT_FALSE(r) << "signed what it must refuse";
  EXPECT_EQ(r.error().code_as<SignError>(), SignError::kConflict) << r.error().message();
}

Signature signature_of(const Message& m) {
  if (const auto* p = std::get_if<Proposal>(&m)) return p->signature;
  return std::get<Vote>(m).signature;
}

// ---- encoding ----

TEST(SignStateEncoding, MatchesTheGoldenVector) {
  const auto golden = swarmchain::testing::load_golden("node_sign_state.json")["sign_state"];
  SignState s;
  s.height = Height(golden["height"].get<uint64_t>());
  s.round = golden["round"].get<uint32_t>();
  s.step = golden["step"].get<uint8_t>();
  s.digest = swarmchain::testing::pattern<Hash>(golden["digest_start"].get<uint8_t>());
  s.signature = swarmchain::testing::pattern<Signature>(golden["signature_start"].get<uint8_t>());
  s.committed_height = Height(golden["committed_height"].get<uint64_t>());
  s.prevote.present = true;
  s.prevote.block_hash =
      swarmchain::testing::pattern<Hash>(golden["prevote_block_start"].get<uint8_t>());
  s.prevote.signature =
      swarmchain::testing::pattern<Signature>(golden["prevote_signature_start"].get<uint8_t>());
  EXPECT_EQ(to_hex(s.encode()), golden["hex"].get<std::string>());
  auto back = SignState::decode(s.encode());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, s);
}

TEST(SignStateEncoding, AnyFlippedByteOrWrongSizeIsRefused) {
  SignState s;
  s.height = Height(9);
  s.step = 1;
  s.committed_height = Height(8);
  s.precommit = {true, block(3), swarmchain::testing::pattern<Signature>(9)};
  const Bytes good = s.encode();
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    auto r = SignState::decode(bad);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().code_as<SignError>(), SignError::kDamaged);
  }
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(SignState::decode(longer));
  EXPECT_FALSE(SignState::decode(ByteView(good).first(good.size() - 1)));
}

// ---- the guard ----

TEST(GuardedSigner, SignsAndFillsInItsKey) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  auto m = signer->sign(prevote(5, 0, 0xaa));
  ASSERT_TRUE(m) << m.error().message();
  const Vote& v = std::get<Vote>(*m);
  EXPECT_EQ(v.validator, key().pubkey());
  EXPECT_TRUE(v.signature_valid(chain_id()));
  auto p = signer->sign(proposal(6, 0, 0xbb));
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(std::get<Proposal>(*p).signature_valid(chain_id()));
  EXPECT_EQ(std::get<Proposal>(*p).proposer, key().pubkey());
}

TEST(GuardedSigner, WalksUpThroughStepsRoundsAndHeights) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  for (Message m : {proposal(3, 0, 1), prevote(3, 0, 1), precommit(3, 0, 1), proposal(3, 1, 2),
                    prevote(3, 1, 2), precommit(3, 2, 0), prevote(4, 0, 3)}) {
    auto r = signer->sign(m);
    EXPECT_TRUE(r) << r.error().message();
  }
}

TEST(GuardedSigner, RefusesALowerHeight) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(prevote(10, 0, 1)));
  expect_refused(*signer, precommit(9, 5, 1));
}

TEST(GuardedSigner, RefusesALowerRound) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(prevote(10, 2, 1)));
  expect_refused(*signer, precommit(10, 1, 1));
}

TEST(GuardedSigner, RefusesALowerStep) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(precommit(10, 0, 1)));
  expect_refused(*signer, prevote(10, 0, 1));
  expect_refused(*signer, proposal(10, 0, 1));
}

TEST(GuardedSigner, RefusesTheSameStepWithAnotherBlock) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(prevote(10, 0, 1)));
  expect_refused(*signer, prevote(10, 0, 2));
  expect_refused(*signer, prevote(10, 0, 0));  // nil is another vote too
}

TEST(GuardedSigner, RefusesTheSameProposalSlotWithAnotherValue) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(proposal(10, 0, 1)));
  expect_refused(*signer, proposal(10, 0, 2));
}

TEST(GuardedSigner, SigningTheSameMessageAgainGivesTheSameSignature) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  auto first = signer->sign(precommit(10, 1, 7));
  ASSERT_TRUE(first);
  auto again = signer->sign(precommit(10, 1, 7));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(signature_of(*again), signature_of(*first));
}

TEST(GuardedSigner, SurvivesARestartOnTheSameFile) {
  TempFileDir dir;
  Signature first;
  {
    FileSignStateStore store(dir.file());
    auto signer = open_signer(store);
    auto m = signer->sign(precommit(12, 3, 4));
    ASSERT_TRUE(m);
    first = signature_of(*m);
    ASSERT_TRUE(signer->note_committed(Height(11)));
  }
  struct stat st {};
  ASSERT_EQ(stat(dir.file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  FileSignStateStore store(dir.file());
  auto signer = open_signer(store);
  EXPECT_EQ(signer->committed_height(), Height(11));
  expect_refused(*signer, precommit(12, 3, 5));
  expect_refused(*signer, prevote(12, 3, 4));
  auto again = signer->sign(precommit(12, 3, 4));
  ASSERT_TRUE(again);
  EXPECT_EQ(signature_of(*again), first);
  EXPECT_TRUE(signer->sign(prevote(12, 4, 5)));
}

TEST(GuardedSigner, ADamagedFileIsRefusedNotReset) {
  TempFileDir dir;
  {
    FileSignStateStore store(dir.file());
    auto signer = open_signer(store);
    ASSERT_TRUE(signer->sign(prevote(12, 0, 4)));
  }
  {
    std::fstream f(dir.file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5);
    f.put('\x7f');
  }
  FileSignStateStore store(dir.file());
  auto refused = GuardedSigner::open(key(), chain_id(), store);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code_as<SignError>(), SignError::kDamaged);
  EXPECT_NE(refused.error().message().find(dir.file().string()), std::string::npos);
  EXPECT_NE(refused.error().message().find("damaged"), std::string::npos);
}

TEST(GuardedSigner, ATruncatedFileIsRefused) {
  TempFileDir dir;
  std::ofstream(dir.file()) << "short";
  FileSignStateStore store(dir.file());
  EXPECT_FALSE(GuardedSigner::open(key(), chain_id(), store));
}

TEST(GuardedSigner, CommittedHeightOnlyIncreasesAndBlocksSigningAtOrBelowIt) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->note_committed(Height(20)));
  ASSERT_TRUE(signer->note_committed(Height(15)));
  EXPECT_EQ(signer->committed_height(), Height(20));
  EXPECT_EQ((*store.load())->committed_height, Height(20));
  expect_refused(*signer, prevote(20, 0, 1));
  EXPECT_TRUE(signer->sign(prevote(21, 0, 1)));
}

TEST(GuardedSigner, WhenTheFileCannotBeMadeDurableNothingIsSigned) {
  TempFileDir dir;
  FileSignStateStore good(dir.file());
  {
    auto signer = open_signer(good);
    ASSERT_TRUE(signer->sign(prevote(5, 0, 1)));
  }
  FileSignStateStore failing(dir.file(), [](const fs::path&) {
    return Status::error("injected: fsync EIO");
  });
  auto signer = open_signer(failing);
  auto r = signer->sign(precommit(5, 0, 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<SignError>(), SignError::kRecord);
  // The in-memory state did not move either: the same request still fails, a retry signs
  // nothing behind the file's back.
  EXPECT_EQ(signer->state().step, 1);
  EXPECT_FALSE(signer->note_committed(Height(5)));
  EXPECT_EQ(signer->committed_height(), Height(0));
}

TEST(GuardedSigner, AFailingMemoryStoreSignsNothing) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  store.set_failing(true);
  EXPECT_FALSE(signer->sign(prevote(5, 0, 1)));
  store.set_failing(false);
  EXPECT_EQ(*store.load(), std::nullopt);
  EXPECT_TRUE(signer->sign(prevote(5, 0, 1)));
}

TEST(GuardedSigner, MemoryStoreSurvivesASimulatedCrash) {
  MemorySignStateStore store;  // the simulator keeps it; the signer object is the node
  {
    auto signer = open_signer(store);
    ASSERT_TRUE(signer->sign(precommit(8, 0, 1)));
  }
  auto signer = open_signer(store);
  expect_refused(*signer, precommit(8, 0, 2));
}

TEST(GuardedSigner, RefusesHeightZero) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  expect_refused(*signer, prevote(0, 0, 1));
}

// ---- the votes of the last round, for a restart ----

TEST(GuardedSigner, LastSignedIsNothingBeforeTheFirstSignature) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  EXPECT_FALSE(signer->last_signed().has_value());
}

TEST(GuardedSigner, KeepsTheSignedVotesOfTheLastRoundAcrossARestart) {
  TempFileDir dir;
  Message pv, pc;
  {
    FileSignStateStore store(dir.file());
    auto signer = open_signer(store);
    ASSERT_TRUE(signer->sign(prevote(7, 0, 1)));
    ASSERT_TRUE(signer->sign(proposal(7, 2, 5)));
    auto a = signer->sign(prevote(7, 2, 5));
    auto b = signer->sign(precommit(7, 2, 0));  // nil
    ASSERT_TRUE(a && b);
    pv = *a;
    pc = *b;
  }
  FileSignStateStore store(dir.file());
  auto signer = open_signer(store);
  const auto last = signer->last_signed();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->height, Height(7));
  EXPECT_EQ(last->round, 2u);
  ASSERT_EQ(last->votes.size(), 2u);
  EXPECT_EQ(Message(last->votes[0]), pv);  // exactly the votes sent: same bytes, same signature
  EXPECT_EQ(Message(last->votes[1]), pc);
  for (const Vote& v : last->votes) EXPECT_TRUE(v.signature_valid(chain_id()));
  // Resigning them gives the same signatures; anything else of that round is still refused.
  auto again = signer->sign(prevote(7, 2, 5));
  ASSERT_TRUE(again);
  EXPECT_EQ(signature_of(*again), signature_of(pv));
  expect_refused(*signer, precommit(7, 2, 5));
  expect_refused(*signer, prevote(7, 2, 0));
}

TEST(GuardedSigner, TheKeptVotesAreClearedWhenTheRoundMoves) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(prevote(7, 0, 1)));
  ASSERT_TRUE(signer->sign(precommit(7, 0, 1)));
  ASSERT_TRUE(signer->sign(proposal(7, 1, 2)));  // a new round: nothing voted there yet
  auto last = signer->last_signed();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->round, 1u);
  EXPECT_TRUE(last->votes.empty());
  EXPECT_FALSE((*store.load())->prevote.present);
  ASSERT_TRUE(signer->sign(precommit(8, 0, 3)));  // a new height
  last = signer->last_signed();
  ASSERT_EQ(last->votes.size(), 1u);
  EXPECT_EQ(last->votes[0].type, VoteType::kPrecommit);
  EXPECT_EQ(last->votes[0].height, Height(8));
  EXPECT_EQ(last->votes[0].validator, key().pubkey());
}

TEST(GuardedSigner, AFailedRecordKeepsNoVote) {
  MemorySignStateStore store;
  auto signer = open_signer(store);
  ASSERT_TRUE(signer->sign(prevote(7, 0, 1)));
  store.set_failing(true);
  EXPECT_FALSE(signer->sign(precommit(7, 0, 1)));
  ASSERT_EQ(signer->last_signed()->votes.size(), 1u);
  EXPECT_FALSE(signer->state().precommit.present);
}

// ---- node start ----

TEST(CheckStoreNotBehind, RefusesAStoreBelowTheCommittedHeightWithAClearMessage) {
  EXPECT_TRUE(check_store_not_behind(Height(30), Height(30)));
  EXPECT_TRUE(check_store_not_behind(Height(31), Height(30)));
  Status s = check_store_not_behind(Height(14), Height(30));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<SignError>(), SignError::kStoreBehind);
  EXPECT_NE(s.message().find("at height 14 but this node already committed 30"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("refusing to start"), std::string::npos);
}

}  // namespace
}  // namespace swarmchain

// Keystore: create/open round trip, file format, atomic no-clobber writes, file mode.
#include "wallet/keystore.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/hex.h"
#include "tests/wallet/test_util.h"

namespace swarmchain {
namespace {

using test::read_file;
using test::TempDir;
using test::write_file;

Seed test_seed() {
  Seed s;
  for (std::size_t i = 0; i < s.size(); ++i) s.data[i] = static_cast<uint8_t>(i);
  return s;
}

class KeystoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init()); }
  Status create(const Seed& seed = test_seed(), std::string_view password = "correct horse") {
    return Keystore::create(path_, seed, password, KdfStrength::kInteractive);
  }
  TempDir dir_;
  std::filesystem::path path_ = dir_ / "keystore.json";
};

TEST_F(KeystoreTest, OpeningWithTheRightPasswordGivesBackTheSameKey) {
  ASSERT_TRUE(create());
  auto kp = Keystore::open(path_, "correct horse");
  ASSERT_TRUE(kp) << kp.error().message();
  EXPECT_EQ(kp->seed(), test_seed());
  EXPECT_EQ(kp->pubkey(), KeyPair::from_seed(test_seed()).pubkey());
}

TEST_F(KeystoreTest, AGeneratedKeyRoundTripsToo) {
  KeyPair original = KeyPair::generate();
  ASSERT_TRUE(create(original.seed(), "p"));
  auto kp = Keystore::open(path_, "p");
  ASSERT_TRUE(kp) << kp.error().message();
  EXPECT_EQ(kp->pubkey(), original.pubkey());
}

TEST_F(KeystoreTest, ReadAddressNeedsNoPasswordAndMatchesTheKey) {
  ASSERT_TRUE(create());
  auto address = Keystore::read_address(path_);
  ASSERT_TRUE(address) << address.error().message();
  EXPECT_EQ(*address, address_from_pubkey(KeyPair::from_seed(test_seed()).pubkey()));
}

TEST_F(KeystoreTest, WrongPasswordIsReportedAsExactlyWrongPassword) {
  ASSERT_TRUE(create());
  auto kp = Keystore::open(path_, "correct hors");
  ASSERT_FALSE(kp);
  EXPECT_EQ(kp.error().code_as<KeystoreError>(), KeystoreError::kWrongPassword);
  EXPECT_EQ(kp.error().message(), "wrong password");
}

TEST_F(KeystoreTest, EmptyPasswordIsNotTheSameAsAnyOther) {
  ASSERT_TRUE(create(test_seed(), ""));
  EXPECT_TRUE(Keystore::open(path_, ""));
  EXPECT_FALSE(Keystore::open(path_, " "));
}

TEST_F(KeystoreTest, FileModeIs0600WhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}, mode_t{0277}}) {
    SCOPED_TRACE(mask);
    std::filesystem::path p = dir_ / ("ks-" + std::to_string(mask));
    mode_t old = ::umask(mask);
    Status s = Keystore::create(p, test_seed(), "pw", KdfStrength::kInteractive);
    ::umask(old);
    ASSERT_TRUE(s) << s.message();
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
  }
}

TEST_F(KeystoreTest, AKeystoreReadableByOthersIsRefusedWithTheChmodThatFixesIt) {
  ASSERT_TRUE(create());
  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  for (auto fn : {0, 1}) {
    Status err = fn == 0 ? Keystore::open(path_, "correct horse").error()
                         : Keystore::read_address(path_).error();
    EXPECT_EQ(err.code_as<KeystoreError>(), KeystoreError::kUnsafe);
    EXPECT_EQ(err.message(), "keystore " + path_.string() +
                                 " is readable by others (mode 0640); run: chmod 600 " +
                                 path_.string());
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  EXPECT_TRUE(Keystore::open(path_, "correct horse"));
}

TEST_F(KeystoreTest, ASymlinkedKeystoreIsRefusedEvenWhenItsTargetIsPrivate) {
  ASSERT_TRUE(create());
  const std::filesystem::path link = dir_ / "link.json";
  std::filesystem::create_symlink(path_, link);
  auto kp = Keystore::open(link, "correct horse");
  ASSERT_FALSE(kp);
  EXPECT_EQ(kp.error().code_as<KeystoreError>(), KeystoreError::kUnsafe);
  EXPECT_NE(kp.error().message().find(link.string() + " is a symlink"), std::string::npos)
      << kp.error().message();
}

TEST_F(KeystoreTest, CreateRefusesToOverwriteAndLeavesTheOldFileByteIdentical) {
  ASSERT_TRUE(create());
  std::string before = read_file(path_);
  Status s = create(KeyPair::generate().seed(), "other");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<KeystoreError>(), KeystoreError::kExists);
  EXPECT_EQ(s.message(), "keystore already exists at " + path_.string());
  EXPECT_EQ(read_file(path_), before);
  EXPECT_TRUE(Keystore::open(path_, "correct horse"));
}

TEST_F(KeystoreTest, CreateRefusesToReplaceAnyFileNotOnlyAKeystore) {
  write_file(path_, "my notes");
  EXPECT_EQ(create().code_as<KeystoreError>(), KeystoreError::kExists);
  EXPECT_EQ(read_file(path_), "my notes");
}

TEST_F(KeystoreTest, CreateRefusesADanglingSymlinkRatherThanWriteThroughIt) {
  std::filesystem::create_symlink(dir_ / "elsewhere", path_);
  EXPECT_EQ(create().code_as<KeystoreError>(), KeystoreError::kExists);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere"));
}

TEST_F(KeystoreTest, CreateLeavesNoTemporaryFilesBehind) {
  ASSERT_TRUE(create());
  EXPECT_EQ(dir_.entries(), std::vector<std::string>{"keystore.json"});
  ASSERT_FALSE(create());
  EXPECT_EQ(dir_.entries(), std::vector<std::string>{"keystore.json"});
}

TEST_F(KeystoreTest, CreateInAMissingDirectoryIsAnIoErrorAndWritesNothing) {
  Status s = Keystore::create(dir_ / "no" / "such" / "keystore.json", test_seed(), "pw",
                              KdfStrength::kInteractive);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<KeystoreError>(), KeystoreError::kIo);
  EXPECT_NE(s.message().find("does not exist"), std::string::npos) << s.message();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(KeystoreTest, MissingFileIsNotFoundWithAHintToCreateOne) {
  for (auto fn : {0, 1}) {
    Status err = fn == 0 ? Keystore::open(path_, "pw").error() : Keystore::read_address(path_).error();
    EXPECT_EQ(err.code_as<KeystoreError>(), KeystoreError::kNotFound);
    EXPECT_EQ(err.message(),
              "no keystore at " + path_.string() + " (create one with `swarmchain-wallet create`)");
  }
}

TEST_F(KeystoreTest, ADirectoryOrAFifoIsNotAKeystoreAndDoesNotHang) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  for (const auto& p : {dir_.path(), path_}) {
    auto kp = Keystore::open(p, "pw");
    ASSERT_FALSE(kp);
    EXPECT_EQ(kp.error().code_as<KeystoreError>(), KeystoreError::kIo);
    EXPECT_EQ(kp.error().message(), "keystore path " + p.string() + " is not a regular file");
  }
}

TEST_F(KeystoreTest, FileHasTheDocumentedFields) {
  ASSERT_TRUE(create());
  auto j = nlohmann::json::parse(read_file(path_));
  EXPECT_EQ(j.size(), 4u);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["address"], address_from_pubkey(KeyPair::from_seed(test_seed()).pubkey()));
  EXPECT_EQ(j["kdf"]["alg"], "argon2id13");
  EXPECT_EQ(j["kdf"]["opslimit"], kInteractiveKdfLimits.opslimit);
  EXPECT_EQ(j["kdf"]["memlimit"], kInteractiveKdfLimits.memlimit);
  EXPECT_EQ(j["kdf"]["salt"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["cipher"]["alg"], "xchacha20poly1305-ietf");
  EXPECT_EQ(j["cipher"]["nonce"].get<std::string>().size(), 48u);
  EXPECT_EQ(j["cipher"]["ciphertext"].get<std::string>().size(), 96u);
  // The seed itself appears nowhere in the file.
  EXPECT_EQ(read_file(path_).find(to_hex(test_seed())), std::string::npos);
}

TEST_F(KeystoreTest, TwoKeystoresOfTheSameSeedAndPasswordDiffer) {
  ASSERT_TRUE(create());
  std::filesystem::path other = dir_ / "other.json";
  ASSERT_TRUE(Keystore::create(other, test_seed(), "correct horse", KdfStrength::kInteractive));
  auto a = nlohmann::json::parse(read_file(path_));
  auto b = nlohmann::json::parse(read_file(other));
  EXPECT_NE(a["kdf"]["salt"], b["kdf"]["salt"]);
  EXPECT_NE(a["cipher"]["nonce"], b["cipher"]["nonce"]);
  EXPECT_NE(a["cipher"]["ciphertext"], b["cipher"]["ciphertext"]);
}

TEST_F(KeystoreTest, ModerateIsTheDefaultStrengthAndIsRecordedInTheFile) {
  ASSERT_TRUE(Keystore::create(path_, test_seed(), "pw"));
  auto j = nlohmann::json::parse(read_file(path_));
  EXPECT_EQ(j["kdf"]["opslimit"], kModerateKdfLimits.opslimit);
  EXPECT_EQ(j["kdf"]["memlimit"], kModerateKdfLimits.memlimit);
  EXPECT_EQ(kdf_limits(KdfStrength::kModerate), kModerateKdfLimits);
  EXPECT_EQ(kdf_limits(KdfStrength::kInteractive), kInteractiveKdfLimits);
}

// A version-1 file written when the format was fixed. If this stops opening, old wallets
// stop opening: change the reader, not this file.
constexpr std::string_view kGoldenV1 = R"({
  "version": 1,
  "address": "sw103a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8ef7c00d9",
  "kdf": {
    "alg": "argon2id13",
    "opslimit": 2,
    "memlimit": 67108864,
    "salt": "e262a140003b02f2b8cea480fa8a0330"
  },
  "cipher": {
    "alg": "xchacha20poly1305-ietf",
    "nonce": "bbf8f80e1274418de468da8caf3a913b0db53a30e8c2101a",
    "ciphertext": "2782c0a6d50d36a73b6988d06ca73ad44d67914c896181351d13f1666abacdd9e89a7774a78a85db62830badec97f720"
  }
}
)";

TEST_F(KeystoreTest, AVersion1FileFromTheFormatDefinitionStillOpens) {
  write_file(path_, std::string(kGoldenV1));
  auto kp = Keystore::open(path_, "swarmchain golden");
  ASSERT_TRUE(kp) << kp.error().message();
  EXPECT_EQ(kp->seed(), test_seed());
}

}  // namespace
}  // namespace swarmchain

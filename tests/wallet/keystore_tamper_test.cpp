// Keystore: modified, truncated, garbled and hostile files fail cleanly (never crash).
//
// AEAD cannot tell a wrong password from a modified ciphertext or header: the tag simply does
// not verify. Every authenticated change therefore reads as kWrongPassword, "wrong password";
// changes that break the file's shape read as kCorrupt, and KDF limits we refuse as
// kUnsupported (before Argon2id allocates anything).
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "tests/wallet/test_util.h"
#include "wallet/keystore.h"

namespace swarmchain {
namespace {

using test::read_file;
using test::TempDir;
using test::write_file;
using nlohmann::json;

constexpr std::string_view kPassword = "correct horse";

class KeystoreTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    ASSERT_TRUE(Keystore::create(path_, seed_, kPassword, KdfStrength::kInteractive));
    original_ = read_file(path_);
  }
  // Rewrites the file with `edit` applied to its JSON.
  template <typename Edit>
  void edit_json(Edit edit) {
    json j = json::parse(original_);
    edit(j);
    write_file(path_, j.dump(2));
  }
  Status open_error() {
    auto kp = Keystore::open(path_, kPassword);
    if (kp) return Status::ok();
    return kp.error();
  }
  void expect_wrong_password() {
    Status s = open_error();
    EXPECT_EQ(s.code_as<KeystoreError>(), KeystoreError::kWrongPassword) << s.message();
    EXPECT_EQ(s.message(), "wrong password");
  }
  void expect_error(KeystoreError code, std::string_view message_part) {
    Status s = open_error();
    EXPECT_EQ(s.code_as<KeystoreError>(), code) << s.message();
    EXPECT_NE(s.message().find(message_part), std::string::npos) << s.message();
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_ / "keystore.json";
  Seed seed_ = KeyPair::generate().seed();
  std::string original_;
};

std::string flip_hex_digit(const json& field, std::size_t i) {
  std::string hex = field.get<std::string>();
  hex.at(i) = hex.at(i) == '0' ? '1' : '0';
  return hex;
}

TEST_F(KeystoreTamperTest, AFlippedCiphertextDigitReadsAsWrongPassword) {
  // First byte, last seed byte, and inside the Poly1305 tag.
  for (std::size_t digit : {0u, 63u, 64u, 95u}) {
    SCOPED_TRACE(digit);
    edit_json([&](json& j) {
      j["cipher"]["ciphertext"] = flip_hex_digit(j["cipher"]["ciphertext"], digit);
    });
    expect_wrong_password();
  }
}

TEST_F(KeystoreTamperTest, AFlippedNonceDigitReadsAsWrongPassword) {
  edit_json([](json& j) { j["cipher"]["nonce"] = flip_hex_digit(j["cipher"]["nonce"], 10); });
  expect_wrong_password();
}

TEST_F(KeystoreTamperTest, AFlippedSaltDigitReadsAsWrongPassword) {
  edit_json([](json& j) { j["kdf"]["salt"] = flip_hex_digit(j["kdf"]["salt"], 31); });
  expect_wrong_password();
}

TEST_F(KeystoreTamperTest, ChangedKdfLimitsWithinTheAcceptedRangeFailToDecrypt) {
  edit_json([](json& j) { j["kdf"]["opslimit"] = 3; });
  expect_wrong_password();
  edit_json([](json& j) { j["kdf"]["memlimit"] = kInteractiveKdfLimits.memlimit + 1024; });
  expect_wrong_password();
}

TEST_F(KeystoreTamperTest, AnotherValidAddressFailsToDecrypt) {
  std::string other = address_from_pubkey(KeyPair::generate().pubkey());
  edit_json([&](json& j) { j["address"] = other; });
  // read_address has no key to check with; open does, and refuses.
  EXPECT_EQ(*Keystore::read_address(path_), other);
  expect_wrong_password();
}

TEST_F(KeystoreTamperTest, AnInvalidAddressIsCorrupt) {
  edit_json([](json& j) { j["address"] = flip_hex_digit(j["address"], 10); });
  expect_error(KeystoreError::kCorrupt, "checksum");
  EXPECT_EQ(Keystore::read_address(path_).error().code_as<KeystoreError>(),
            KeystoreError::kCorrupt);
}

TEST_F(KeystoreTamperTest, AnUppercaseAddressIsNotCanonical) {
  edit_json([](json& j) {
    std::string a = j["address"];
    for (char& c : a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    j["address"] = a;
  });
  expect_error(KeystoreError::kCorrupt, "address is not lowercase");
}

TEST_F(KeystoreTamperTest, AnAbsurdMemlimitIsRefusedBeforeAllocating) {
  // 100 GiB: if this reached crypto_pwhash it would fail slowly or take the machine down.
  edit_json([](json& j) { j["kdf"]["memlimit"] = 100ULL << 30; });
  auto start = std::chrono::steady_clock::now();
  Status s = open_error();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code_as<KeystoreError>(), KeystoreError::kUnsupported);
  EXPECT_EQ(s.message(), "keystore file " + path_.string() +
                             " asks for Argon2id memlimit 107374182400 bytes (102400 MiB); "
                             "refusing more than 1024 MiB");
  EXPECT_LT(elapsed, std::chrono::seconds(2));  // no Argon2id pass ran
}

TEST_F(KeystoreTamperTest, KdfLimitsOutsideTheAcceptedRangeAreRefused) {
  struct Case {
    const char* field;
    uint64_t value;
    const char* message_part;
  };
  for (Case c : {Case{"memlimit", kMaxKdfLimits.memlimit + 1, "refusing more than 1024 MiB"},
                 Case{"memlimit", kMinKdfLimits.memlimit - 1, "refusing less than 64 MiB"},
                 Case{"memlimit", 0, "refusing less than 64 MiB"},
                 Case{"opslimit", kMaxKdfLimits.opslimit + 1, "refusing more than 16"},
                 Case{"opslimit", UINT64_MAX, "refusing more than 16"},
                 Case{"opslimit", 1, "refusing less than 2"},
                 Case{"opslimit", 0, "refusing less than 2"}}) {
    SCOPED_TRACE(std::string(c.field) + "=" + std::to_string(c.value));
    edit_json([&](json& j) { j["kdf"][c.field] = c.value; });
    expect_error(KeystoreError::kUnsupported, c.message_part);
    // The address is still readable: the limits only matter for decryption.
    EXPECT_TRUE(Keystore::read_address(path_));
  }
}

TEST_F(KeystoreTamperTest, AnUnknownVersionIsUnsupported) {
  edit_json([](json& j) { j["version"] = 2; });
  expect_error(KeystoreError::kUnsupported, "has version 2; this program reads version 1");
  // A future version may change every other field; the version is checked first.
  write_file(path_, R"({"version": 7, "something": "else"})");
  expect_error(KeystoreError::kUnsupported, "has version 7");
}

TEST_F(KeystoreTamperTest, UnknownAlgorithmsAreUnsupported) {
  edit_json([](json& j) { j["kdf"]["alg"] = "scrypt"; });
  expect_error(KeystoreError::kUnsupported, "uses key derivation \"scrypt\"");
  edit_json([](json& j) { j["cipher"]["alg"] = "aes-256-gcm"; });
  expect_error(KeystoreError::kUnsupported, "uses cipher \"aes-256-gcm\"");
}

TEST_F(KeystoreTamperTest, ErrorMessagesDoNotEchoControlCharactersFromTheFile) {
  edit_json([](json& j) { j["kdf"]["alg"] = "\x1b]0;pwned\x07" + std::string(200, 'a'); });
  Status s = open_error();
  EXPECT_EQ(s.message().find('\x1b'), std::string::npos);
  EXPECT_LT(s.message().size(), 200u + path_.string().size());
}

TEST_F(KeystoreTamperTest, WrongShapesAreCorruptAndSaySo) {
  struct Case {
    std::function<void(json&)> edit;
    const char* what;
  };
  std::vector<Case> cases = {
      {[](json& j) { j.erase("address"); }, "missing field \"address\""},
      {[](json& j) { j["kdf"].erase("salt"); }, "missing field \"kdf.salt\""},
      {[](json& j) { j["cipher"].erase("nonce"); }, "missing field \"cipher.nonce\""},
      {[](json& j) { j["comment"] = "hi"; }, "unexpected field \"comment\""},
      {[](json& j) { j["kdf"]["extra"] = 1; }, "unexpected field \"kdf.extra\""},
      {[](json& j) { j["version"] = "1"; }, "version is not a non-negative integer"},
      {[](json& j) { j["version"] = -1; }, "version is not a non-negative integer"},
      {[](json& j) { j["version"] = 1.5; }, "version is not a non-negative integer"},
      {[](json& j) { j["kdf"] = "argon2id"; }, "kdf is not an object"},
      {[](json& j) { j["cipher"] = json::array(); }, "cipher is not an object"},
      {[](json& j) { j["kdf"]["opslimit"] = -2; }, "kdf.opslimit is not a non-negative integer"},
      {[](json& j) { j["kdf"]["memlimit"] = 6.7e7; }, "kdf.memlimit is not a non-negative integer"},
      {[](json& j) { j["kdf"]["memlimit"] = "67108864"; }, "kdf.memlimit is not"},
      {[](json& j) { j["kdf"]["alg"] = 5; }, "kdf.alg is not a string"},
      {[](json& j) { j["kdf"]["salt"] = std::string(30, 'a'); }, "kdf.salt has 30 hex digits, expected 32"},
      {[](json& j) { j["kdf"]["salt"] = std::string(32, 'g'); }, "kdf.salt is not lowercase hexadecimal"},
      {[](json& j) { j["kdf"]["salt"] = std::string(32, 'A'); }, "kdf.salt is not lowercase hexadecimal"},
      {[](json& j) { j["cipher"]["nonce"] = std::string(46, '0'); }, "cipher.nonce has 46 hex digits, expected 48"},
      {[](json& j) { j["cipher"]["ciphertext"] = std::string(98, '0'); }, "cipher.ciphertext has 98 hex digits, expected 96"},
      {[](json& j) { j["cipher"]["ciphertext"] = nullptr; }, "cipher.ciphertext is not a string"},
      {[](json& j) { j["address"] = 12; }, "address is not a string"},
      {[](json& j) { j["address"] = "sw1"; }, "invalid address"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    edit_json(c.edit);
    expect_error(KeystoreError::kCorrupt, "keystore file " + path_.string() + " is corrupt: ");
    expect_error(KeystoreError::kCorrupt, c.what);
  }
}

TEST_F(KeystoreTamperTest, GarbageIsCorruptNotACrash) {
  std::vector<std::string> inputs = {"",     " ",    "null", "[]",  "{}",       "1",
                                     "\"x\"", "{\"version\":1}",   "\xff\xfe\x00garbage",
                                     std::string(20000, '['), std::string(20000, '{'),
                                     "{\"version\":1e999}", "{\"version\":99999999999999999999999}"};
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::string junk(static_cast<std::size_t>(rng() % 2000), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    inputs.push_back(junk);
  }
  for (const auto& input : inputs) {
    write_file(path_, input);
    Status s = open_error();
    EXPECT_FALSE(s.is_ok());
    EXPECT_TRUE(s.code_as<KeystoreError>() == KeystoreError::kCorrupt ||
                s.code_as<KeystoreError>() == KeystoreError::kUnsupported)
        << s.message();
    EXPECT_FALSE(Keystore::read_address(path_));
  }
}

TEST_F(KeystoreTamperTest, AFileLargerThanAnyKeystoreIsRefusedUnread) {
  write_file(path_, original_ + std::string(Keystore::kMaxFileBytes, ' '));
  expect_error(KeystoreError::kCorrupt, "larger than 65536 bytes");
}

TEST_F(KeystoreTamperTest, ATruncatedFileIsAnErrorAtEveryLength) {
  ASSERT_EQ(original_.back(), '\n');
  // Dropping only the final newline leaves the same JSON document, which must still open.
  for (std::size_t len = 0; len + 1 < original_.size(); ++len) {
    write_file(path_, original_.substr(0, len));
    Status s = open_error();
    ASSERT_EQ(s.code_as<KeystoreError>(), KeystoreError::kCorrupt)
        << "length " << len << ": " << s.message();
    EXPECT_NE(s.message().find("is corrupt: "), std::string::npos);
  }
  write_file(path_, original_.substr(0, original_.size() - 1));
  EXPECT_TRUE(open_error().is_ok());
}

TEST_F(KeystoreTamperTest, EverySingleByteChangeIsHandled) {
  // read_address parses and checks the whole structure without the (slow) KDF; each change
  // either leaves an equivalent document (whitespace, a digit in an authenticated field) or
  // is reported as an error.
  const std::string address = *Keystore::read_address(path_);
  for (std::size_t i = 0; i < original_.size(); ++i) {
    for (char c : {'x', '"', '}', '\0'}) {
      if (original_[i] == c) continue;
      std::string mutated = original_;
      mutated[i] = c;
      write_file(path_, mutated);
      auto a = Keystore::read_address(path_);
      if (a)
        EXPECT_EQ(*a, address) << "byte " << i;
      else
        EXPECT_FALSE(a.error().message().empty());
    }
  }
}

// check_text (what fuzz_keystore drives): the same checks as open up to the KDF, on text.
TEST_F(KeystoreTamperTest, CheckTextGivesTheAddressOrTheErrorOpenWouldGiveBeforeItsKdf) {
  EXPECT_EQ(*Keystore::check_text(original_), *Keystore::read_address(path_));
  edit_json([](json& j) { j["kdf"]["memlimit"] = 100ULL << 30; });
  auto r = Keystore::check_text(read_file(path_), path_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), open_error().message());
  auto garbage = Keystore::check_text("{\"version\":1,", "pasted");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code_as<KeystoreError>(), KeystoreError::kCorrupt);
  EXPECT_EQ(garbage.error().message(), "keystore file pasted is corrupt: not valid JSON");
}

}  // namespace
}  // namespace swarmchain

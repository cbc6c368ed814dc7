// Files at rest through the real binaries: `swarmchaind keygen` under umask 000 makes a 0700
// datadir and a 0600 key; a node whose key was made readable by others does not start and
// says which file and which chmod; `swarmchain-wallet` refuses a keystore readable by others.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

// Runs argv with umask 000: the binary inherits it (restored here before returning).
RunResult run_under_umask_000(const std::vector<std::string>& argv) {
  const mode_t old = ::umask(0);
  RunResult r = run(argv, 60s);
  ::umask(old);
  return r;
}

TEST(FilesAtRest, KeygenUnderUmask000MakesA0700DatadirAndA0600Key) {
  const fs::path root = make_temp_dir("keygen-at-rest");
  const fs::path datadir = root / "a" / "datadir";
  const RunResult r = run_under_umask_000({bin_path("swarmchaind"), "keygen", "--datadir",
                                           datadir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(mode_of(root / "a"), 0700u);
  EXPECT_EQ(mode_of(datadir), 0700u);
  EXPECT_EQ(mode_of(datadir / "node_key"), 0600u);
  fs::remove_all(root);
}

TEST(FilesAtRest, ANodeWithAKeyReadableByOthersDoesNotStartAndSaysTheFix) {
  const fs::path root = make_temp_dir("node-key-0644");
  const fs::path datadir = root / "data";
  ASSERT_EQ(run({bin_path("swarmchaind"), "keygen", "--datadir", datadir.string()}).exit_code, 0);
  fs::permissions(datadir / "node_key", fs::perms::owner_read | fs::perms::owner_write |
                                            fs::perms::group_read | fs::perms::others_read);
  // prepare-registration reads the key before it asks any node anything.
  const RunResult r =
      run({bin_path("swarmchaind"), "prepare-registration", "--datadir", datadir.string(),
           "--operator", "sw1d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a858d187b",
           "--node", "http://127.0.0.1:1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("node key " + (datadir / "node_key").string() +
                               " is readable by others (mode 0644); run: chmod 600 " +
                               (datadir / "node_key").string()));
  fs::remove_all(root);
}

TEST(FilesAtRest, TheWalletRefusesAKeystoreReadableByOthersAndANonKeyAddress) {
  const fs::path root = make_temp_dir("wallet-at-rest");
  const fs::path ks = root / "wallets" / "w.json";
  const fs::path pw = root / "pw";
  {
    std::FILE* f = std::fopen(pw.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("pw\n", f);
    std::fclose(f);
  }
  const RunResult made = run_under_umask_000({bin_path("swarmchain-wallet"), "--keystore",
                                              ks.string(), "--password-file", pw.string(),
                                              "create"});
  ASSERT_EQ(made.exit_code, 0) << made.out;
  EXPECT_EQ(mode_of(root / "wallets"), 0700u);
  EXPECT_EQ(mode_of(ks), 0600u);
  EXPECT_EQ(run({bin_path("swarmchain-wallet"), "--keystore", ks.string(), "address"}).exit_code, 0);

  // 32 bytes that are not a curve point (y = 2), with a right checksum (golden_vectors.py's
  // address()): refused before any node is asked.
  const std::string not_a_key =
      "sw102000000000000000000000000000000000000000000000000000000000000007bcd6352";
  const RunResult to_bad = run({bin_path("swarmchain-wallet"), "--keystore", ks.string(),
                                "--password-file", pw.string(), "--node", "http://127.0.0.1:1",
                                "transfer", not_a_key, "1"});
  EXPECT_NE(to_bad.exit_code, 0);
  EXPECT_THAT(to_bad.out, HasSubstr("address " + not_a_key +
                                    " is not a valid public key (not a point on the curve)"));

  fs::permissions(ks, fs::perms::group_read, fs::perm_options::add);
  const RunResult r = run({bin_path("swarmchain-wallet"), "--keystore", ks.string(), "address"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("keystore " + ks.string() +
                               " is readable by others (mode 0640); run: chmod 600 " + ks.string()));
  fs::remove_all(root);
}

}  // namespace
}  // namespace swarmchain::test

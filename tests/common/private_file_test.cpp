// Files at rest (common/private_file.h): key files are written 0600 whatever the umask and read
// only when they are private, plain files reached directly; data directories are created 0700
// and refused when others may write them. Real files in a temp directory; the umask is set
// explicitly where it matters and restored.
#include "common/private_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include "tests/common/temp_files.h"

namespace swarmchain {
namespace {

using test_files::TempDirectory;
using test_files::ScopedUmask;
using test_files::mode_of;

namespace fs = std::filesystem;
using ::testing::HasSubstr;




void write_with_mode(const fs::path& p, const std::string& text, mode_t mode) {
  std::ofstream(p) << text;
  ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

PrivateFileError code_of(const Status& s) { return s.code_as<PrivateFileError>(); }

// ---- write_private_file ----

TEST(WritePrivateFile, WritesMode0600EvenUnderUmask000) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "node_key";
  {
    ScopedUmask u(0);
    ASSERT_TRUE(write_private_file(f, "secret\n", false));
  }
  EXPECT_EQ(mode_of(f), 0600u);
  auto back = read_private_file(f, 100, "node key");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, "secret\n");
}

TEST(WritePrivateFile, ReplacesASymlinkInsteadOfWritingThroughIt) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path target = dir.path() / "elsewhere";
  const fs::path f = dir.path() / "sign_state";
  write_with_mode(target, "theirs", 0644);
  fs::create_symlink(target, f);
  ASSERT_TRUE(write_private_file(f, "ours", true));
  EXPECT_FALSE(fs::is_symlink(f));
  EXPECT_EQ(mode_of(f), 0600u);
  std::ifstream in(target);
  std::string left;
  in >> left;
  EXPECT_EQ(left, "theirs");
}

TEST(WritePrivateFile, KeepsAnExistingFileUnlessAskedToReplaceIt) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "node_key";
  ASSERT_TRUE(write_private_file(f, "one", false));
  EXPECT_FALSE(write_private_file(f, "two", false));
  EXPECT_EQ(*read_private_file(f, 100, "node key"), "one");
}

// ---- read_private_file ----

TEST(ReadPrivateFile, RefusesAFileReadableByOthersNamingThePathAndTheChmod) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "node_key";
  write_with_mode(f, "secret", 0644);
  auto r = read_private_file(f, 100, "node key");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), PrivateFileError::kNotPrivate);
  EXPECT_EQ(r.error().message(), "node key " + f.string() +
                                     " is readable by others (mode 0644); run: chmod 600 " +
                                     f.string());
}

TEST(ReadPrivateFile, RefusesGroupReadAndOtherWriteBitsToo) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "keystore.json";
  for (mode_t m : {0640, 0602, 0610, 0700 | 0001}) {
    write_with_mode(f, "{}", m);
    auto r = read_private_file(f, 100, "keystore");
    ASSERT_FALSE(r) << std::oct << m;
    EXPECT_EQ(code_of(r.error()), PrivateFileError::kNotPrivate);
    EXPECT_THAT(r.error().message(), HasSubstr("run: chmod 600 " + f.string()));
  }
  write_with_mode(f, "{}", 0400);  // read-only for the owner is private
  EXPECT_TRUE(read_private_file(f, 100, "keystore"));
}

TEST(ReadPrivateFile, RefusesASymlinkEvenToAPrivateFile) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path target = dir.path() / "real_key";
  const fs::path link = dir.path() / "node_key";
  write_with_mode(target, "secret", 0600);
  fs::create_symlink(target, link);
  auto r = read_private_file(link, 100, "node key");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), PrivateFileError::kSymlink);
  EXPECT_THAT(r.error().message(), HasSubstr("node key " + link.string() + " is a symlink"));
  EXPECT_THAT(r.error().message(), HasSubstr("replace the link with the file"));
}

TEST(ReadPrivateFile, RefusesADirectoryAndAFifoWithoutBlocking) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const fs::path& p : {dir.path(), fifo}) {
    auto r = read_private_file(p, 100, "keystore");
    ASSERT_FALSE(r);
    EXPECT_EQ(code_of(r.error()), PrivateFileError::kNotRegular) << r.error().message();
  }
}

TEST(ReadPrivateFile, RefusesAFileOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another uid needs root";
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "node_key";
  write_with_mode(f, "secret", 0600);
  ASSERT_EQ(::chown(f.c_str(), 65534, 65534), 0);
  auto r = read_private_file(f, 100, "node key");
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), PrivateFileError::kNotPrivate);
  EXPECT_THAT(r.error().message(), HasSubstr("is owned by uid 65534"));
}

TEST(ReadPrivateFile, SaysNotFoundAndRefusesAFileAboveTheLimit) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path f = dir.path() / "sign_state";
  auto missing = read_private_file(f, 10, "sign state");
  ASSERT_FALSE(missing);
  EXPECT_EQ(code_of(missing.error()), PrivateFileError::kNotFound);
  write_with_mode(f, std::string(11, 'x'), 0600);
  auto big = read_private_file(f, 10, "sign state");
  ASSERT_FALSE(big);
  EXPECT_EQ(code_of(big.error()), PrivateFileError::kTooLarge);
}

// ---- data directories ----

TEST(CreatePrivateDir, CreatesTheDirectoryAndMissingParents0700UnderUmask000) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path d = dir.path() / "a" / "b" / "datadir";
  {
    ScopedUmask u(0);
    Status s = create_private_dir(d, "datadir");
    ASSERT_TRUE(s) << s.message();
  }
  EXPECT_EQ(mode_of(dir.path() / "a"), 0700u);
  EXPECT_EQ(mode_of(dir.path() / "a" / "b"), 0700u);
  EXPECT_EQ(mode_of(d), 0700u);
}

TEST(CreatePrivateDir, GivesExactly0700EvenWhenTheUmaskTakesOwnerBits) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path d = dir.path() / "datadir";
  {
    ScopedUmask u(0277);
    ASSERT_TRUE(create_private_dir(d, "datadir"));
  }
  EXPECT_EQ(mode_of(d), 0700u);
}

TEST(CreatePrivateDir, RefusesAnExistingDirectoryOthersCanWriteNamingTheChmod) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path d = dir.path() / "datadir";
  fs::create_directory(d);
  ASSERT_EQ(::chmod(d.c_str(), 0777), 0);
  Status s = create_private_dir(d, "datadir");
  ASSERT_FALSE(s);
  EXPECT_EQ(code_of(s), PrivateFileError::kNotPrivate);
  EXPECT_EQ(s.message(), "datadir " + d.string() +
                             " is writable by others (mode 0777); run: chmod 700 " + d.string());
  EXPECT_EQ(mode_of(d), 0777u) << "an existing directory is reported, never changed";
}

TEST(CreatePrivateDir, AcceptsAnExisting0755DirectoryAndASymlinkToAPrivateOne) {
  TempDirectory dir{"swarmchain-private-file"};
  const fs::path d = dir.path() / "datadir";
  fs::create_directory(d);
  ASSERT_EQ(::chmod(d.c_str(), 0755), 0);
  EXPECT_TRUE(check_private_dir(d, "datadir"));
  const fs::path link = dir.path() / "link";
  fs::create_directory_symlink(d, link);
  EXPECT_TRUE(check_private_dir(link, "datadir"));
}

TEST(CheckPrivateDir, SaysAMissingDirectoryDoesNotExistAndAFileIsNotADirectory) {
  TempDirectory dir{"swarmchain-private-file"};
  Status missing = check_private_dir(dir.path() / "nope", "datadir");
  EXPECT_EQ(code_of(missing), PrivateFileError::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("does not exist"));
  write_with_mode(dir.path() / "file", "x", 0600);
  Status file = create_private_dir(dir.path() / "file", "datadir");
  EXPECT_FALSE(file);
}

TEST(CreateDirs0700, LeavesExistingDirectoriesAsTheyAre) {
  TempDirectory dir{"swarmchain-private-file"};
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  {
    ScopedUmask u(0);
    ASSERT_TRUE(create_dirs_0700(dir.path() / "wallets"));
  }
  EXPECT_EQ(mode_of(dir.path()), 0755u);
  EXPECT_EQ(mode_of(dir.path() / "wallets"), 0700u);
}

}  // namespace
}  // namespace swarmchain

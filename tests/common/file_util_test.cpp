// write_file_atomic: the file appears whole with its mode, an existing file is kept unless
// asked, and a failed directory fsync is a failed write (the new file is not known durable).
#include "common/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include "tests/common/temp_files.h"

namespace swarmchain {
namespace {

using test_files::TempDirectory;
using test_files::ScopedUmask;
using test_files::mode_of;

namespace fs = std::filesystem;


Status failing_dir_sync(const fs::path&) { return Status::error("injected: EIO"); }

std::size_t entries_in(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(WriteFileAtomic, WritesTheContentWithTheGivenModeWhateverTheUmask) {
  TempDirectory dir{"swarmchain-file-util"};
  const fs::path f = dir.path() / "key";
  const mode_t old = umask(0);
  Status s = write_file_atomic(f, "secret", 0600, false);
  umask(old);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(*read_file(f), "secret");
  struct stat st {};
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(entries_in(dir.path()), 1u);  // no temp file left behind
}

TEST(WriteFileAtomic, RefusesToReplaceAFileUnlessAskedTo) {
  TempDirectory dir{"swarmchain-file-util"};
  const fs::path f = dir.path() / "f";
  ASSERT_TRUE(write_file_atomic(f, "one", 0644, false));
  EXPECT_FALSE(write_file_atomic(f, "two", 0644, false));
  EXPECT_EQ(*read_file(f), "one");
  ASSERT_TRUE(write_file_atomic(f, "three", 0644, true));
  EXPECT_EQ(*read_file(f), "three");
}

TEST(WriteFileAtomic, FailsWhenTheDirectoryFsyncFailsAndRemovesTheNewName) {
  TempDirectory dir{"swarmchain-file-util"};
  const fs::path f = dir.path() / "f";
  Status s = write_file_atomic(f, "data", 0644, false, failing_dir_sync);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("injected: EIO"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(f));
  EXPECT_EQ(entries_in(dir.path()), 0u);
  // A retry with a working fsync then succeeds.
  EXPECT_TRUE(write_file_atomic(f, "data", 0644, false));
}

TEST(WriteFileAtomic, FailsWhenTheDirectoryFsyncFailsOnOverwrite) {
  TempDirectory dir{"swarmchain-file-util"};
  const fs::path f = dir.path() / "f";
  ASSERT_TRUE(write_file_atomic(f, "old", 0644, false));
  EXPECT_FALSE(write_file_atomic(f, "new", 0644, true, failing_dir_sync));
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(FsyncDirectory, ReportsADirectoryThatCannotBeOpened) {
  TempDirectory dir{"swarmchain-file-util"};
  EXPECT_TRUE(fsync_directory(dir.path()));
  Status s = fsync_directory(dir.path() / "missing");
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace swarmchain

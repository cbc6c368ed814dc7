// A full disk (issue 11): a dev node whose datadir is a tmpfs the test mounts (skipped, with a
// message, where mounting is not permitted) runs under a load of transfers; the tmpfs is then
// shrunk to what is used plus a little, so the node's writes soon fail. The node must stop by
// itself with a clear message naming the full disk, exit non-zero, and, once the tmpfs is made
// bigger, start again from that datadir with every tx the RPC reported committed still there.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>

#include "tests/net/crash_support.h"
#include "tests/node/process.h"
#include "wallet/keystore.h"

namespace swarmchain::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr uint64_t kRoomyBytes = 64u << 20;
// What is left once the tmpfs is shrunk: the node stops once less than 1 MiB is free
// (--min-free-disk-mb 1), before RocksDB's writes meet ENOSPC.
constexpr uint64_t kHeadroomBytes = 1792u << 10;

// A tmpfs mounted on `dir` for the test's lifetime (lazily unmounted at the end).
class Tmpfs {
 public:
  explicit Tmpfs(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    const std::string opts = "size=" + std::to_string(kRoomyBytes) + ",mode=0700";
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) != 0)
      error_ = std::strerror(errno);
    else
      mounted_ = true;
  }
  ~Tmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  uint64_t used() const {
    struct statvfs s {};
    if (statvfs(dir_.c_str(), &s) != 0) return 0;
    return uint64_t(s.f_blocks - s.f_bfree) * s.f_frsize;
  }
  bool resize(uint64_t bytes) {
    const std::string opts = "size=" + std::to_string(bytes);
    return mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, opts.c_str()) == 0;
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

TEST(DiskFull, TheNodeStopsWithAClearMessageAndRestartsWithNothingCommittedLost) {
  const fs::path dir = make_temp_dir("disk-full");
  auto tmpfs = std::make_unique<Tmpfs>(dir / "disk");
  if (!tmpfs->mounted()) {
    const std::string why = tmpfs->error();
    tmpfs.reset();
    fs::remove_all(dir);
    GTEST_SKIP() << "cannot mount a tmpfs here (" << why
                 << "); the full-disk test needs root or CAP_SYS_ADMIN";
  }
  Tmpfs& disk = *tmpfs;
  const fs::path datadir = dir / "disk" / "data";
  const uint16_t port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> argv{bin_path("swarmchaind"), "--dev", "--datadir",
                                      datadir.string(), "--rpc-bind",
                                      "127.0.0.1:" + std::to_string(port), "--min-free-disk-mb",
                                      "1"};
  const auto node = rpc_client(url);
  auto proc = std::make_unique<Process>(argv, dir / "node-1.log");
  ASSERT_TRUE(wait_until([&] { return rpc_height(node) >= 2; }, 60s)) << read_text(dir / "node-1.log");
  auto key = Keystore::open(datadir / "dev-wallet.json", "dev");
  ASSERT_TRUE(key) << key.error().message();
  std::atomic<bool> up{true};
  TxLoad load(
      *key,
      [&]() -> std::optional<std::string> {
        if (!up) return std::nullopt;
        return url;
      },
      32, 20ms);  // a fast load: the disk fills in seconds
  load.start();
  CommitLedger ledger;
  ASSERT_TRUE(wait_until(
      [&] {
        ledger.add_accepted(load.take_accepted());
        ledger.confirm(node);
        return ledger.committed() >= 50;
      },
      60s));
  const uint64_t used = disk.used();
  ASSERT_TRUE(disk.resize(used + kHeadroomBytes)) << std::strerror(errno);
  std::cout << "tmpfs shrunk to " << used << " + " << kHeadroomBytes << " bytes\n";

  // The node fills the rest and stops by itself; meanwhile, what it reports committed counts.
  uint64_t last_height = 0;
  std::string last_hash;
  const bool exited = wait_until(
      [&] {
        ledger.add_accepted(load.take_accepted());
        ledger.confirm(node);
        if (const uint64_t h = rpc_height(node); h > 0)
          if (auto hash = rpc_hash_at(node, h)) last_height = h, last_hash = *hash;
        return !proc->running();
      },
      120s);
  up = false;
  load.stop();
  const std::string log = read_text(dir / "node-1.log");
  ASSERT_TRUE(exited) << "the node did not stop on a full disk; log:\n" << log;
  const int code = proc->wait(1s);
  EXPECT_NE(code, 0) << log;
  EXPECT_NE(log.find("disk full"), std::string::npos) << log;
  EXPECT_NE(log.find("stopping: "), std::string::npos) << log;
  EXPECT_NE(log.find("free space on"), std::string::npos) << log;
  std::cout << "the node stopped at height " << last_height << " with exit code " << code
            << "; its message:\n";
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.find(" error ") != std::string::npos || line.find(" warning ") != std::string::npos)
      std::cout << "  " << line << "\n";

  ASSERT_TRUE(disk.resize(kRoomyBytes)) << std::strerror(errno);
  const ReplayReport rep = replay_store(datadir);
  ASSERT_EQ(rep.exit_code, 0) << rep.out;
  EXPECT_GE(rep.blocks, last_height) << rep.out;
  proc = std::make_unique<Process>(argv, dir / "node-2.log");
  ASSERT_TRUE(wait_until([&] { return rpc_height(node) > last_height; }, 60s))
      << read_text(dir / "node-2.log");
  EXPECT_EQ(rpc_hash_at(node, last_height), last_hash);
  std::mt19937_64 rng(1);
  EXPECT_TRUE(ledger.still_committed(node, rng, ledger.committed()));
  std::cout << ledger.committed() << " txs reported committed before the disk filled are still "
            << "committed after the restart (height " << rpc_height(node) << ")\n";
  proc.reset();
  tmpfs.reset();
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace swarmchain::test

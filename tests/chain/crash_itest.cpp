// Crash atomicity of the chain store (design §4.3): "a crash at any instant leaves height H or
// H+1, never a mix".
//
// The parent forks a child that re-executes this binary in child mode (a fresh process: no
// inherited RocksDB or thread state). The child opens a Blockchain in a temp dir and commits
// blocks of several transfers in a loop, writing each committed height to a pipe. The parent
// reads a few heights, lets the child run a random extra moment, SIGKILLs it, drains the pipe
// (H = the last height reported), reaps it with waitpid, then reopens the store and checks it:
// it opens cleanly, the tip is H or H+1, the state matches the tip header, every block 1..tip is
// readable with a valid certificate, and the balances add up to exactly tip blocks' worth of fees.
// Every wait is bounded; the child also stops on its own after kChildLifetime.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "chain/blockchain.h"
#include "tests/chain/test_util.h"

extern char** environ;

namespace swarmchain {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using test::make_transfer;
using test::TempDir;
using test::test_key;

constexpr const char* kDirVar = "SWARMCHAIN_CRASH_CHILD_DIR";
constexpr int kChildFd = 100;  // the pipe's write end, as the child sees it
constexpr std::size_t kAccounts = 8;
constexpr std::size_t kTxsPerBlock = 6;
constexpr int kRounds = 20;
constexpr int kMinRounds = 8;
constexpr auto kTimeBudget = std::chrono::seconds(40);
constexpr auto kReadTimeout = milliseconds(20'000);
constexpr auto kChildLifetime = std::chrono::seconds(60);
const Amount kBalance = Amount::coins(1000);
const Amount kFee(100'000);  // make_transfer's default

Genesis crash_genesis() { return test::test_genesis(kAccounts, kBalance); }

CommitCertificate certify(const Hash& chain_id, const Block& b) {
  return solo_certificate(chain_id, b.header.height, b.hash(), test_key(200));
}

// Builds, certifies and commits the next block: kTxsPerBlock transfers around the accounts.
Status commit_next_block(Blockchain& bc) {
  const uint64_t h = bc.tip().header.height.value + 1;
  std::vector<Tx> txs;
  for (std::size_t j = 0; j < kTxsPerBlock; ++j) {
    const auto from = static_cast<uint8_t>(1 + (h + j) % kAccounts);
    const auto to = static_cast<uint8_t>(1 + (h + j + 1) % kAccounts);
    const uint64_t nonce = bc.account(test_key(from).pubkey()).value_or(Account{}).nonce;
    txs.push_back(make_transfer(bc.chain_id(), test_key(from), nonce, test_key(to).pubkey(),
                                Amount(1'000 + j), kFee));
  }
  Block block;
  bc.with_state([&](const ChainState& state, const ChainTip& tip) {
    block = bc.executor()
                .build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500,
                       test_key(200).pubkey())
                .block;
  });
  if (block.txs.size() != kTxsPerBlock) return Status::error("a transfer did not apply");
  return bc.commit(block, certify(bc.chain_id(), block));
}

// ---- child ----

[[noreturn]] void run_child(const char* dir) {
  auto bc = Blockchain::open(dir, crash_genesis());
  if (!bc) {
    std::fprintf(stderr, "crash child: open failed: %s\n", bc.error().message().c_str());
    _exit(3);
  }
  const auto stop = Clock::now() + kChildLifetime;
  while (Clock::now() < stop) {
    if (Status s = commit_next_block(**bc); !s) {
      std::fprintf(stderr, "crash child: commit failed: %s\n", s.message().c_str());
      _exit(4);
    }
    const uint64_t h = (*bc)->tip().header.height.value;
    if (write(kChildFd, &h, sizeof h) != static_cast<ssize_t>(sizeof h)) _exit(5);
  }
  _exit(0);
}

// Runs only when the parent test below re-executes this binary; skipped in a normal run.
TEST(CrashChild, CommitsBlocksUntilKilled) {
  const char* dir = std::getenv(kDirVar);
  if (dir == nullptr) GTEST_SKIP() << "child mode of CrashAtomicity (set " << kDirVar << ")";
  run_child(dir);
}

// ---- parent ----

// Reads 8-byte heights from the child's pipe, each read bounded by a deadline.
class HeightReader {
 public:
  explicit HeightReader(int fd) : fd_(fd) {}
  enum class Result { kHeight, kEof, kTimeout };
  // Waits until `deadline` for the next height.
  Result next(Clock::time_point deadline) {
    while (buf_.size() < sizeof(uint64_t)) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left < 0) return Result::kTimeout;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return Result::kTimeout;
      char chunk[512];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Result::kEof;
      buf_.insert(buf_.end(), chunk, chunk + n);
    }
    std::memcpy(&last_, buf_.data(), sizeof last_);
    buf_.erase(buf_.begin(), buf_.begin() + sizeof(uint64_t));
    ++count_;
    return Result::kHeight;
  }
  uint64_t last() const { return last_; }
  std::size_t count() const { return count_; }

 private:
  int fd_;
  std::vector<char> buf_;
  uint64_t last_ = 0;
  std::size_t count_ = 0;
};

struct Child {
  pid_t pid = -1;
  int read_fd = -1;
};

// fork + execve of this binary in child mode. Everything the child needs is prepared before
// fork(), so the child only calls async-signal-safe functions.
Child spawn_child(const fs::path& dir) {
  static const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const std::string filter = "--gtest_filter=CrashChild.CommitsBlocksUntilKilled";
  const std::string dir_var = std::string(kDirVar) + "=" + dir.string();
  std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>(filter.c_str()),
                          nullptr};
  std::vector<char*> envp;
  // Not the parent's gtest settings (a shard index could filter the child test out).
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, kDirVar, std::strlen(kDirVar)) != 0 && std::strncmp(*e, "GTEST_", 6) != 0)
      envp.push_back(*e);
  envp.push_back(const_cast<char*>(dir_var.c_str()));
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // dup2 clears FD_CLOEXEC on the copy, so only these survive execve.
    if (::dup2(fds[1], kChildFd) < 0 || (devnull >= 0 && ::dup2(devnull, STDOUT_FILENO) < 0))
      _exit(126);
    ::execve(exe.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  ::close(fds[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    ::close(fds[0]);
    return {};
  }
  return {pid, fds[0]};
}

// Checks the reopened store; `reported` is the last height the child said it committed. Sets
// `ahead` when the tip is the block the child wrote but did not live to report.
void check_recovered_store(const fs::path& dir, uint64_t reported, bool& ahead) {
  auto opened = Blockchain::open(dir, crash_genesis());
  ASSERT_TRUE(opened) << "store does not reopen after the crash: " << opened.error().message();
  Blockchain& bc = **opened;
  const ChainTip tip = bc.tip();
  const uint64_t top = tip.header.height.value;
  ASSERT_TRUE(top == reported || top == reported + 1)
      << "tip " << top << " after the child reported " << reported;
  ahead = top == reported + 1;

  Hash root;
  uint64_t supply = 0;
  bc.with_state([&](const ChainState& s, const ChainTip&) {
    root = s.accounts.root();
    s.accounts.for_each([&](const PubKey&, const Account& a) { supply += a.balance.atomic(); });
  });
  EXPECT_EQ(root, tip.header.state_root);
  // Fees are burned and each block issues one reward: the state holds exactly `top` blocks'
  // worth of transfers and rewards, no more, no less.
  EXPECT_EQ(supply, kAccounts * kBalance.atomic() - top * kTxsPerBlock * kFee.atomic() +
                        top * bc.params().block_reward.atomic());

  Hash prev = bc.executor().genesis_block().hash();
  for (uint64_t h = 1; h <= top; ++h) {
    auto block = bc.store().block_at(Height(h));
    ASSERT_TRUE(block) << "block " << h << ": " << block.error().message();
    EXPECT_EQ(block->header.prev_hash, prev) << "block " << h;
    EXPECT_EQ(block->txs.size(), kTxsPerBlock) << "block " << h;
    auto cert = test::read_ok(bc.store().certificate_at(Height(h)));
    ASSERT_TRUE(cert) << "certificate of block " << h << " is missing";
    Status s = verify_certificate(*cert, bc.chain_id(), Height(h), block->hash(),
                                  bc.committee(Height(h)));
    EXPECT_TRUE(s) << "certificate of block " << h << ": " << s.message();
    EXPECT_EQ(test::read_ok(bc.store().height_of(block->hash())), Height(h));
    prev = block->hash();
  }
  EXPECT_EQ(prev, tip.hash);
  // And the chain goes on from the recovered tip.
  Status s = commit_next_block(bc);
  EXPECT_TRUE(s) << "cannot extend the recovered chain: " << s.message();
}

TEST(CrashAtomicity, KilledWriterLeavesTheLastReportedBlockOrTheNextOne) {
  const uint64_t seed = 0x5eed0001;
  std::mt19937_64 rng(seed);
  const auto started = Clock::now();
  int rounds = 0, ahead_count = 0;
  for (int round = 0; round < kRounds; ++round, ++rounds) {
    // Stay under a minute on a loaded machine: after kMinRounds, stop when time runs short.
    if (round >= kMinRounds && Clock::now() - started > kTimeBudget) break;
    SCOPED_TRACE("round " + std::to_string(round) + " (rng seed " + std::to_string(seed) + ")");
    TempDir dir("swarmchain-crash-itest-" + std::to_string(round));
    const Child child = spawn_child(dir.path());
    ASSERT_GT(child.pid, 0) << "fork/pipe failed: " << std::strerror(errno);
    HeightReader reader(child.read_fd);

    // A few committed blocks first, then a random extra moment (0-30 ms) of committing.
    const std::size_t want = 1 + rng() % 4;
    bool stalled = false;
    while (reader.count() < want) {
      if (reader.next(Clock::now() + kReadTimeout) != HeightReader::Result::kHeight) {
        stalled = true;
        break;
      }
    }
    const auto kill_at = Clock::now() + std::chrono::microseconds(rng() % 30'000);
    while (!stalled && Clock::now() < kill_at) {
      if (reader.next(kill_at) == HeightReader::Result::kEof) break;
    }
    ::kill(child.pid, SIGKILL);
    // Drain what the child wrote before it died: H is the last height it reported.
    const auto drain_deadline = Clock::now() + kReadTimeout;
    while (reader.next(drain_deadline) == HeightReader::Result::kHeight) {
    }
    ::close(child.read_fd);
    int status = 0;
    ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
    ASSERT_FALSE(stalled) << "child reported only " << reader.count() << " heights";
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child ended on its own (exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << ") before it was killed";
    ASSERT_GE(reader.count(), want);

    bool ahead = false;
    check_recovered_store(dir.path(), reader.last(), ahead);
    if (::testing::Test::HasFatalFailure()) return;
    ahead_count += ahead ? 1 : 0;
  }
  const auto ms = std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
  std::printf("%d kill rounds in %lld ms; the tip was the unreported block H+1 in %d of them\n",
              rounds, static_cast<long long>(ms), ahead_count);
  RecordProperty("rounds", rounds);
}

}  // namespace
}  // namespace swarmchain

// swarmchaind's start-up errors, on the real binary (issue 12, "Errors that say what to do"): a
// datadir in use is said before anything else is printed, a stale lock from a killed node does
// not block a restart, a busy RPC port is found before --dev writes anything, an IPv6 address
// prints as written, --dev-accounts says where its keystores are, and the command line's exit
// codes (2 usage, 1 failure).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "rpc/client.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A socket listening on 127.0.0.1:<port> for as long as it lives: a port in use.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

bool ipv6_loopback_available() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class Startup : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("startup"); }
  void TearDown() override {
    node_.reset();
    fs::remove_all(dir_);
  }
  fs::path datadir() const { return dir_ / "data"; }
  std::vector<std::string> dev_args(uint16_t port) const {
    return {bin_path("swarmchaind"), "--dev", "--datadir", datadir().string(), "--rpc-bind",
            "127.0.0.1:" + std::to_string(port)};
  }
  void start_dev(uint16_t port) {
    node_ = std::make_unique<Process>(dev_args(port), dir_ / "node.log");
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    ASSERT_TRUE(wait_until([&] { return rpc::RpcClient(url).call("get_info").has_value(); }, 30s))
        << read_text(dir_ / "node.log");
  }

  fs::path dir_;
  std::unique_ptr<Process> node_;
};

TEST_F(Startup, ADatadirInUseIsSaidFirstWithTheHoldersPid) {
  ASSERT_NO_FATAL_FAILURE(start_dev(free_port()));
  const RunResult second = run(dev_args(free_port()), 30s);
  EXPECT_EQ(second.exit_code, 1) << second.out;
  EXPECT_EQ(second.out, "error: datadir " + datadir().string() +
                            " is in use by another swarmchaind (pid " +
                            std::to_string(node_->pid()) +
                            "); stop that node first, or give another --datadir\n");
}

TEST_F(Startup, TheLockOfAKilledNodeDoesNotBlockARestart) {
  ASSERT_NO_FATAL_FAILURE(start_dev(free_port()));
  node_->signal(SIGKILL);
  node_->wait(10s);
  ASSERT_TRUE(fs::exists(datadir() / "swarmchaind.lock"));  // the file stays, the lock does not
  ASSERT_NO_FATAL_FAILURE(start_dev(free_port()));
  EXPECT_EQ(read_text(datadir() / "swarmchaind.lock"), std::to_string(node_->pid()) + "\n");
}

TEST_F(Startup, ABusyRpcPortIsFoundBeforeDevCreatesTheDatadir) {
  Listener busy;
  const RunResult r = run(dev_args(busy.port()), 30s);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("error: --rpc-bind 127.0.0.1:" + std::to_string(busy.port()) +
                       ": the address is in use"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(datadir())) << "--dev created the datadir before finding the port busy";
}

TEST_F(Startup, AnIpv6RpcAddressPrintsAsWritten) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback on this host";
  const uint16_t port = free_port();
  const std::string where = "[::1]:" + std::to_string(port);
  node_ = std::make_unique<Process>(
      std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir", datadir().string(),
                               "--rpc-bind", where},
      dir_ / "node.log");
  ASSERT_TRUE(wait_until(
      [&] { return read_text(dir_ / "node.log").find("RPC listening on") != std::string::npos; },
      30s))
      << read_text(dir_ / "node.log");
  EXPECT_NE(read_text(dir_ / "node.log").find("RPC listening on http://" + where + "/json_rpc"),
            std::string::npos)
      << read_text(dir_ / "node.log");
  EXPECT_TRUE(rpc::RpcClient("http://" + where).call("get_info").has_value());
}

TEST_F(Startup, AnIpv6AddressWithoutBracketsIsAUsageError) {
  const RunResult r = run({bin_path("swarmchaind"), "--dev", "--datadir", datadir().string(),
                           "--rpc-bind", "::1:22023"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("put it in brackets: [::1]:22023"), std::string::npos) << r.out;
}

TEST_F(Startup, DevAccountsSayWhereTheyAreAndAreIgnoredOnAnExistingDevnet) {
  std::vector<std::string> args = dev_args(free_port());
  args.insert(args.end(), {"--dev-accounts", "3"});
  node_ = std::make_unique<Process>(args, dir_ / "node.log");
  ASSERT_TRUE(wait_until(
      [&] { return read_text(dir_ / "node.log").find("dev accounts:") != std::string::npos; }, 60s))
      << read_text(dir_ / "node.log");
  const std::string log = read_text(dir_ / "node.log");
  const fs::path accounts = fs::absolute(datadir() / "dev-accounts");
  EXPECT_NE(log.find("creating 3 dev account keystores in " + accounts.string()), std::string::npos)
      << log;
  EXPECT_NE(log.find("3/3 dev accounts"), std::string::npos) << log;
  EXPECT_NE(log.find("dev accounts:        3 keystores, " + (accounts / "account-1.json").string() +
                     " .. account-3.json (password dev)"),
            std::string::npos)
      << log;
  node_->signal(SIGTERM);
  ASSERT_EQ(node_->wait(30s), 0) << read_text(dir_ / "node.log");

  args = dev_args(free_port());
  args.insert(args.end(), {"--dev-accounts", "5"});
  node_ = std::make_unique<Process>(args, dir_ / "node2.log");
  ASSERT_TRUE(wait_until(
      [&] { return read_text(dir_ / "node2.log").find("is ignored") != std::string::npos; }, 30s))
      << read_text(dir_ / "node2.log");
  EXPECT_NE(read_text(dir_ / "node2.log").find("note: --dev-accounts 5 is ignored: the devnet in"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(datadir() / "dev-accounts" / "account-4.json"));
}

TEST_F(Startup, AnUnknownCommandNamesTheClosestOneAndExitsTwo) {
  const RunResult r = run({bin_path("swarmchaind"), "kegen", "--datadir", datadir().string()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("error: unknown command 'kegen' (did you mean keygen?)"), std::string::npos)
      << r.out;
}

TEST_F(Startup, UsageErrorsExitTwoAndFailuresExitOne) {
  EXPECT_EQ(run({bin_path("swarmchaind"), "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(run({bin_path("swarmchaind"), "--log-level", "loud"}).exit_code, 2);
  EXPECT_EQ(run({bin_path("swarmchaind")}).exit_code, 2);  // neither --dev nor --datadir
  EXPECT_EQ(run({bin_path("swarmchaind"), "--help"}).exit_code, 0);
  // A well-formed command that cannot be done: no datadir there.
  const RunResult r =
      run({bin_path("swarmchaind"), "--datadir", (dir_ / "missing").string(), "--rpc-bind",
           "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(r.exit_code, 1) << r.out;
}

TEST_F(Startup, AMissingGenesisFileIsNamedAsMissing) {
  ASSERT_EQ(run({bin_path("swarmchaind"), "keygen", "--datadir", datadir().string()}).exit_code, 0);
  const fs::path genesis = dir_ / "no-genesis.json";
  const RunResult r = run({bin_path("swarmchaind"), "--datadir", datadir().string(), "--genesis",
                           genesis.string(), "--rpc-bind",
                           "127.0.0.1:" + std::to_string(free_port()), "--p2p-bind",
                           "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("genesis " + genesis.string() + " does not exist"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace swarmchain::test

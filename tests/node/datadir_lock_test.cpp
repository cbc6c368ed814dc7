// One swarmchaind per datadir (node/datadir_lock.h), and the listen-address probe
// (node/port_probe.h) that runs before --dev writes anything.
#include "node/datadir_lock.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "node/port_probe.h"
#include "tests/node/process.h"

namespace swarmchain {
namespace {

namespace fs = std::filesystem;

class DatadirLockTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir = test::make_temp_dir("datadir-lock");
};

TEST_F(DatadirLockTest, TheHolderWritesItsPid) {
  auto lock = DatadirLock::acquire(dir);
  ASSERT_TRUE(lock) << lock.error().message();
  EXPECT_EQ(test::read_text(dir / kDatadirLockFile), std::to_string(getpid()) + "\n");
}

TEST_F(DatadirLockTest, ASecondHolderIsRefusedNamingTheFirstsPid) {
  auto first = DatadirLock::acquire(dir);
  ASSERT_TRUE(first);
  auto second = DatadirLock::acquire(dir);  // flock: a second open file conflicts, same process too
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code_as<DatadirLockError>(), DatadirLockError::kInUse);
  EXPECT_EQ(second.error().message(),
            "datadir " + dir.string() + " is in use by another swarmchaind (pid " +
                std::to_string(getpid()) + "); stop that node first, or give another --datadir");
}

TEST_F(DatadirLockTest, ALockFileWithoutAHolderDoesNotBlock) {
  std::ofstream(dir / kDatadirLockFile) << "999999\n";  // left by a killed process
  auto lock = DatadirLock::acquire(dir);
  ASSERT_TRUE(lock) << lock.error().message();
  EXPECT_EQ(test::read_text(dir / kDatadirLockFile), std::to_string(getpid()) + "\n");
}

TEST_F(DatadirLockTest, ReleasedWhenTheHolderGoes) {
  { auto first = DatadirLock::acquire(dir); ASSERT_TRUE(first); }
  EXPECT_TRUE(DatadirLock::acquire(dir));
}

TEST(PortProbe, AFreePortPassesAndABusyOneIsNamedWithItsFlag) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const uint16_t busy = ntohs(a.sin_port);
  Status s = check_listen_address("127.0.0.1", busy, "--rpc-bind");
  ::close(fd);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message().rfind("--rpc-bind 127.0.0.1:" + std::to_string(busy) +
                                  ": the address is in use",
                              0),
            0u)
      << s.message();
  EXPECT_TRUE(check_listen_address("127.0.0.1", busy, "--rpc-bind")) << "free once closed";
  EXPECT_TRUE(check_listen_address("127.0.0.1", 0, "--rpc-bind"));
}

TEST(PortProbe, AnAddressNotOfThisMachineIsSaidSo) {
  Status s = check_listen_address("192.0.2.1", 1234, "--p2p-bind");  // TEST-NET-1
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("192.0.2.1 is not an address of this machine"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace swarmchain

// common/host_port.h: host:port as typed, IPv6 in brackets, printed back as written.
#include "common/host_port.h"

#include <gtest/gtest.h>

#include <string>

namespace swarmchain {
namespace {

TEST(HostPort, ReadsANameAnIpv4AndABracketedIpv6Address) {
  auto a = parse_host_port("localhost:22023", "--rpc-bind");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 22023);
  auto b = parse_host_port("[::1]:80", "--rpc-bind");
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 80);
}

TEST(HostPort, PrintsAnIpv6AddressAsWritten) {
  auto hp = parse_host_port("[fe80::1]:22023", "--rpc-bind");
  ASSERT_TRUE(hp);
  EXPECT_EQ(format_host_port(hp->host, hp->port), "[fe80::1]:22023");
  EXPECT_EQ(format_host_port("127.0.0.1", 1), "127.0.0.1:1");
}

TEST(HostPort, AnIpv6AddressWithoutBracketsIsRefusedShowingTheFix) {
  auto hp = parse_host_port("::1:22023", "--rpc-bind");
  ASSERT_FALSE(hp);
  EXPECT_EQ(hp.error().message(),
            "--rpc-bind: \"::1:22023\" looks like an IPv6 address; put it in brackets: "
            "[::1]:22023");
}

TEST(HostPort, BadPortsAndMissingPartsAreRefusedNamingTheFlag) {
  for (const char* bad : {"127.0.0.1", ":80", "host:", "host:65536", "host:8x", "[::1]", "[::1]80",
                          "[]:80"}) {
    auto hp = parse_host_port(bad, "--peer");
    EXPECT_FALSE(hp) << bad;
    if (!hp) {
      EXPECT_EQ(hp.error().message().rfind("--peer", 0), 0u) << hp.error().message();
    }
  }
}

}  // namespace
}  // namespace swarmchain

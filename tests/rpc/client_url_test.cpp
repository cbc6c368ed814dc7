// parse_rpc_url and RpcClient's answer to a bad URL (no network needed).
#include <string>

#include <gtest/gtest.h>

#include "rpc/client.h"

namespace swarmchain::rpc {
namespace {

TEST(RpcUrlTest, ParsesHostAndPort) {
  auto e = parse_rpc_url("http://127.0.0.1:22023");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 22023);
}

TEST(RpcUrlTest, AcceptsTrailingSlashAndJsonRpcPath) {
  EXPECT_TRUE(parse_rpc_url("http://localhost:1/"));
  EXPECT_TRUE(parse_rpc_url("http://localhost:1/json_rpc"));
}

TEST(RpcUrlTest, ParsesBracketedIpv6) {
  auto e = parse_rpc_url("http://[::1]:22023");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 22023);
}

TEST(RpcUrlTest, RejectsBadUrlsNamingThem) {
  for (const char* url :
       {"", "127.0.0.1:22023", "https://127.0.0.1:22023", "http://127.0.0.1", "http://:22023",
        "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:22x", "http://::1:22023",
        "http://[::1:22023", "http://127.0.0.1:22023/other", "http://u@127.0.0.1:22023"}) {
    auto e = parse_rpc_url(url);
    ASSERT_FALSE(e) << url;
    EXPECT_NE(e.error().find(std::string("'") + url + "'"), std::string::npos) << e.error();
  }
}

TEST(RpcUrlTest, HttpsGetsAnExplicitMessage) {
  auto e = parse_rpc_url("https://node:22023");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("https is not supported"), std::string::npos) << e.error();
}

TEST(RpcClientTest, InvalidUrlMakesEveryCallATransportError) {
  RpcClient client("ftp://x:1");
  auto r = client.call("get_info");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kTransportError);
  EXPECT_NE(r.error().message.find("invalid RPC URL 'ftp://x:1'"), std::string::npos);
}

}  // namespace
}  // namespace swarmchain::rpc

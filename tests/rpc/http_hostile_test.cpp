// The RPC server against clients that misbehave on purpose (issue 11): slow clients, header
// floods, bad framing, other hosts, too many connections or requests. Real sockets on
// loopback; the server's deadlines are shortened so each test is quick, and every wait is
// bounded. Each refusal is followed by a normal call to show the server keeps serving.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rpc/http_server.h"
#include "rpc/json_rpc.h"
#include "rpc/rpc_metrics.h"
#include "tests/rpc/raw_http.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using test::post_request;
using test::RawHttp;

Dispatcher make_dispatcher() {
  Dispatcher d;
  d.add("echo", [](const json& params) -> RpcResult { return params; });
  d.add("stop", [](const json&) -> RpcResult { return json{{"stopping", true}}; }, Access::admin);
  return d;
}

const std::string kCall = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":1}})";

HttpServerOptions options() {
  HttpServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.request_timeout_ms = 1000;
  o.idle_timeout_ms = 1000;
  o.router.cookie = "__cookie__:00112233";
  return o;
}

class HostileTest : public ::testing::Test {
 protected:
  void serve(HttpServerOptions o = options()) {
    server = std::make_unique<HttpServer>(o, dispatcher);
    server->set_request_metrics(&metrics);
    ASSERT_TRUE(server->start());
  }
  // One normal call on a fresh connection from `source`: true if answered 200 with the echo.
  bool served(const std::string& source = "127.0.0.1") {
    RawHttp c(server->port(), source);
    if (!c.send(post_request(kCall))) return false;
    auto r = c.read_response();
    return r && r->status == 200 && json::parse(r->body).value("result", json()) == json{{"x", 1}};
  }
  RawHttp connect(const std::string& source = "127.0.0.1") { return RawHttp(server->port(), source); }

  Dispatcher dispatcher = make_dispatcher();
  RpcMetrics metrics{dispatcher.method_names()};
  std::unique_ptr<HttpServer> server;
};

TEST_F(HostileTest, ATricklingClientIsCutAtTheWholeRequestDeadline) {
  serve();
  RawHttp slow = connect();
  ASSERT_TRUE(slow.send("POST /json_rpc HTTP/1.1\r\n"));
  const auto start = std::chrono::steady_clock::now();
  bool cut = false;
  // One header byte every 100 ms: each read is quick, the request never completes.
  for (int i = 0; i < 60 && !cut; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    cut = !slow.send("X");
  }
  if (!cut) cut = slow.wait_closed(milliseconds(2000));
  EXPECT_TRUE(cut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(4000));
  EXPECT_TRUE(served());
}

TEST_F(HostileTest, TwoHundredSlowClientsDoNotDelayOthers) {
  HttpServerOptions o = options();
  o.request_timeout_ms = 30'000;  // they stay for the whole test
  o.limits.max_connections_per_ip = 256;
  serve(o);
  std::vector<std::unique_ptr<RawHttp>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<RawHttp>(server->port()));
    ASSERT_TRUE(slow.back()->send("POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  }
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(served()) << "call " << i;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(1000));
  }
  EXPECT_GE(server->open_connections(), 200u);  // the slow ones are all still open
}

TEST_F(HostileTest, AHeaderFloodIsRefusedAt431WithoutReadingIt) {
  serve();
  RawHttp flood = connect();
  ASSERT_TRUE(flood.send("POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const std::string line = "X-Flood: " + std::string(100, 'a') + "\r\n";
  std::size_t sent = 0;
  while (sent < (64u << 20) && flood.send(line)) sent += line.size();  // stops when cut
  EXPECT_LT(sent, 64u << 20) << "the server kept reading the flood";
  EXPECT_TRUE(served());
  EXPECT_EQ(metrics.count("other", "http_431"), 1u);
}

TEST_F(HostileTest, TooManyHeaderFieldsAre431) {
  serve();
  RawHttp c = connect();
  std::string fields;
  for (int i = 0; i < 100; ++i) fields += "X-" + std::to_string(i) + ": 1\r\n";
  ASSERT_TRUE(c.send(post_request(kCall, fields)));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(r->body.find("header fields"), std::string::npos) << r->body;
  EXPECT_TRUE(served());
}

TEST_F(HostileTest, TwoContentLengthsAreRefused) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(kCall, "Content-Length: " + std::to_string(kCall.size()) + "\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(served());
}

TEST_F(HostileTest, ContentLengthWithChunkedIsRefused) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send("POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(served());
}

TEST_F(HostileTest, ANulByteInTheBodyIsAParseErrorNotTheEndOfTheBody) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(kCall + std::string(1, '\0') + "garbage")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], kParseError);
}

TEST_F(HostileTest, PipelinedRequestsAreAnsweredInOrder) {
  serve();
  RawHttp c = connect();
  std::string both;
  for (int id = 1; id <= 3; ++id)
    both += post_request(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"echo"})");
  ASSERT_TRUE(c.send(both));
  for (int id = 1; id <= 3; ++id) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << "answer " << id;
    EXPECT_EQ(json::parse(r->body)["id"], id);
  }
}

TEST_F(HostileTest, AHalfClosedClientStillGetsItsAnswer) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(kCall)));
  c.shutdown_write();
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["result"], (json{{"x", 1}}));
}

TEST_F(HostileTest, ARangeHeaderIsIgnored) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(kCall, "Range: bytes=0-3\r\n")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["result"], (json{{"x", 1}}));
}

TEST_F(HostileTest, AHugeIdIsAParseError) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(R"({"jsonrpc":"2.0","id":1e400,"method":"echo"})")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], kParseError);
}

TEST_F(HostileTest, AnotherHostIsRefusedUnlessAllowed) {
  serve();
  auto host_call = [&](const std::string& host) {
    RawHttp c = connect();
    c.send("POST /json_rpc HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " +
           std::to_string(kCall.size()) + "\r\n\r\n" + kCall);
    auto r = c.read_response();
    return r ? r->status : 0;
  };
  EXPECT_EQ(host_call("attacker.example"), 403);  // DNS rebinding: a name that is not ours
  EXPECT_EQ(host_call("attacker.example:22023"), 403);
  EXPECT_EQ(host_call("localhost:22023"), 200);
  EXPECT_EQ(host_call("127.0.0.1"), 200);
  EXPECT_EQ(host_call("[::1]:22023"), 200);
  HttpServerOptions o = options();
  o.router.allowed_hosts = {"node.example"};
  serve(o);
  EXPECT_EQ(host_call("NODE.example:80"), 200);
  EXPECT_EQ(host_call("other.example"), 403);
  RawHttp no_host = connect();
  ASSERT_TRUE(no_host.send("POST /json_rpc HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"));
  auto r = no_host.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HostileTest, AHundredMegabyteBodyIsRefusedBeforeItIsSent) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send("POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n\r\n"));
  auto r = c.read_response(milliseconds(2000));  // answered with no body byte sent
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(served());
}

TEST_F(HostileTest, ExpectContinueIsAnsweredBeforeTheBody) {
  serve();
  RawHttp c = connect();
  ASSERT_TRUE(c.send("POST /json_rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                     "Content-Length: " + std::to_string(kCall.size()) + "\r\n\r\n"));
  auto cont = c.read_response();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.send(kCall));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HostileTest, ConnectionsOverTheCapsAreAnswered503) {
  HttpServerOptions o = options();
  o.limits.max_connections_per_ip = 2;
  o.limits.max_connections = 3;
  serve(o);
  RawHttp a = connect(), b = connect();
  ASSERT_TRUE(a.send("P") && b.send("P"));  // both accepted and counted
  for (int i = 0; i < 200 && server->open_connections() < 2; ++i) std::this_thread::sleep_for(milliseconds(10));
  RawHttp third = connect();
  auto r = third.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("too many connections from 127.0.0.1"), std::string::npos) << r->body;
  EXPECT_TRUE(served("127.0.0.2"));  // another address has its own share
  // That connection's slot is freed when its session ends, a moment after the answer.
  for (int i = 0; i < 200 && server->open_connections() > 2; ++i) std::this_thread::sleep_for(milliseconds(10));
  ASSERT_EQ(server->open_connections(), 2u);
  RawHttp d = connect("127.0.0.3");
  ASSERT_TRUE(d.send("P"));
  for (int i = 0; i < 200 && server->open_connections() < 3; ++i) std::this_thread::sleep_for(milliseconds(10));
  ASSERT_EQ(server->open_connections(), 3u);
  RawHttp fourth = connect("127.0.0.4");
  auto over = fourth.read_response();
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 503);  // the overall cap
  EXPECT_GE(metrics.count("other", "http_503"), 2u);
}

TEST_F(HostileTest, RequestsOverTheRateAreAnswered429) {
  HttpServerOptions o = options();
  o.limits.rate_per_s = 5;
  o.limits.burst = 5;
  o.limits.exempt_loopback = false;
  serve(o);
  int ok = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    RawHttp c = connect();
    c.send(post_request(kCall));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      EXPECT_EQ(r->header("retry-after"), "1");
    }
  }
  EXPECT_LE(ok, 6);  // the burst, and at most one token refilled meanwhile
  EXPECT_GE(limited, 2);
  EXPECT_TRUE(served("127.0.0.2"));  // the limit is per address
}

TEST_F(HostileTest, LoopbackIsExemptFromTheRateByDefault) {
  HttpServerOptions o = options();
  o.limits.rate_per_s = 1;
  o.limits.burst = 1;
  serve(o);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(served()) << i;
}

TEST_F(HostileTest, KeepAliveEndsAfterTheMaximumAndWhenIdle) {
  HttpServerOptions o = options();
  o.keep_alive_max = 2;
  o.idle_timeout_ms = 300;
  serve(o);
  RawHttp c = connect();
  ASSERT_TRUE(c.send(post_request(kCall)));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_NE(first->header("connection"), "close");
  ASSERT_TRUE(c.send(post_request(kCall)));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed());
  RawHttp idle = connect();
  ASSERT_TRUE(idle.send(post_request(kCall)));
  ASSERT_TRUE(idle.read_response());
  EXPECT_TRUE(idle.wait_closed(milliseconds(2000)));  // closed after ~300 ms of silence
}

TEST_F(HostileTest, AdminMethodsNeedTheCookie) {
  serve();
  const std::string stop = R"({"jsonrpc":"2.0","id":1,"method":"stop"})";
  auto call = [&](const std::string& auth) {
    RawHttp c = connect();
    c.send(post_request(stop, auth.empty() ? "" : "Authorization: Basic " + auth + "\r\n"));
    return c.read_response();
  };
  auto anonymous = call("");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(json::parse(anonymous->body)["error"]["code"], kAdminOnly);
  auto wrong = call("X19jb29raWVfXzowMDExMjI0NA==");  // __cookie__:00112244
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto right = call("X19jb29raWVfXzowMDExMjIzMw==");  // __cookie__:00112233
  ASSERT_TRUE(right);
  EXPECT_EQ(json::parse(right->body)["result"]["stopping"], true);
}

}  // namespace
}  // namespace swarmchain::rpc

// HttpServer + RpcClient over real sockets on 127.0.0.1 (label: integration).
// Every error case is followed by a normal call to prove the server keeps serving.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rpc/client.h"
#include "rpc/http_server.h"
#include "rpc/httplib_include.h"
#include "rpc/json_rpc.h"
#include "rpc/params.h"
#include "rpc/rpc_metrics.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

Dispatcher make_dispatcher() {
  Dispatcher d;
  d.add("add", [](const json& params) -> RpcResult {
    Params p(params);
    uint64_t a = p.required_u64("a");
    uint64_t b = p.required_u64("b");
    if (auto err = p.error()) return unexpected(*err);
    return json{{"sum", a + b}};
  });
  d.add("throws", [](const json&) -> RpcResult { throw std::runtime_error("handler bug"); });
  return d;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(server); }

  static HttpServerOptions local_options() {
    HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    return o;
  }
  void start(HttpServer& s) {
    Status st = s.start();
    ASSERT_TRUE(st) << st.message();
    ASSERT_NE(s.port(), 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  httplib::Client raw() const { return httplib::Client("127.0.0.1", server.port()); }
  json post_raw(const std::string& body) const {
    auto res = raw().Post("/json_rpc", body, "application/json");
    EXPECT_TRUE(res);
    if (!res) return nullptr;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    return json::parse(res->body);
  }
  void expect_still_serving() const {
    auto r = RpcClient(url()).call("add", {{"a", 2}, {"b", 3}});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ((*r)["sum"], 5);
  }

  Dispatcher dispatcher = make_dispatcher();
  HttpServer server{local_options(), dispatcher};
};

TEST_F(HttpServerTest, MethodCallThroughClientReturnsResult) {
  auto r = RpcClient(url()).call("add", {{"a", 40}, {"b", 2}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, (json{{"sum", 42}}));
}

TEST_F(HttpServerTest, ParseErrorIsReturnedAndServerKeepsServing) {
  json r = post_raw("{not json");
  EXPECT_EQ(r["error"]["code"], kParseError);
  EXPECT_TRUE(r["id"].is_null());
  expect_still_serving();
}

TEST_F(HttpServerTest, EmptyBodyIsParseError) {
  EXPECT_EQ(post_raw("")["error"]["code"], kParseError);
  expect_still_serving();
}

TEST_F(HttpServerTest, InvalidRequestIsReturnedAndServerKeepsServing) {
  json r = post_raw(R"({"jsonrpc":"1.0","id":1,"method":"add"})");
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  expect_still_serving();
}

TEST_F(HttpServerTest, UnknownMethodIsReturnedAndServerKeepsServing) {
  auto r = RpcClient(url()).call("get_nothing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kMethodNotFound);
  EXPECT_EQ(r.error().message, "method not found: 'get_nothing'");
  expect_still_serving();
}

TEST_F(HttpServerTest, InvalidParamsNameTheParamAndServerKeepsServing) {
  auto r = RpcClient(url()).call("add", {{"a", "two"}, {"b", 3}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kInvalidParams);
  EXPECT_EQ(r.error().message, "invalid params: 'a' must be an unsigned integer");
  expect_still_serving();
}

TEST_F(HttpServerTest, ThrowingHandlerIsInternalErrorAndServerKeepsServing) {
  auto r = RpcClient(url()).call("throws");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kInternalError);
  expect_still_serving();
}

TEST_F(HttpServerTest, TwoMebibyteBodyGets413AndServerKeepsServing) {
  std::string body(2u << 20, ' ');
  auto res = raw().Post("/json_rpc", body, "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  expect_still_serving();
}

TEST_F(HttpServerTest, OversizedChunkedBodyIsRefusedAndServerKeepsServing) {
  // Chunked bodies have no Content-Length for httplib to check; the server counts them itself.
  const std::string chunk(64 * 1024, ' ');
  std::size_t sent = 0;
  auto res = raw().Post(
      "/json_rpc",
      [&](std::size_t, httplib::DataSink& sink) {
        if (sent >= (2u << 20)) {
          sink.done();
          return true;
        }
        sent += chunk.size();
        return sink.write(chunk.data(), chunk.size());
      },
      "application/json");
  // The server stops reading at the cap, so the client may see the 413 or a reset connection;
  // either way it must never get a 200.
  if (res) {
    EXPECT_EQ(res->status, 413);
  }
  expect_still_serving();
}

TEST_F(HttpServerTest, RequestMetricsCountMethodStatusAndRefusedBodies) {
  RpcMetrics metrics(dispatcher.method_names());
  HttpServer s(local_options(), dispatcher);
  s.set_request_metrics(&metrics);
  start(s);
  const std::string u = "http://127.0.0.1:" + std::to_string(s.port());
  ASSERT_TRUE(RpcClient(u).call("add", {{"a", 1}, {"b", 2}}));
  EXPECT_FALSE(RpcClient(u).call("add", {{"a", "x"}}));
  EXPECT_FALSE(RpcClient(u).call("nope"));
  auto big = httplib::Client("127.0.0.1", s.port())
                 .Post("/json_rpc", std::string(2u << 20, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(metrics.count("add", "ok"), 1u);
  EXPECT_EQ(metrics.count("add", "-32602"), 1u);
  EXPECT_EQ(metrics.count("other", "-32601"), 1u);
  EXPECT_EQ(metrics.count("other", "http_413"), 1u);
}

TEST_F(HttpServerTest, ClientReportsHttpErrorsAsBadResponse) {
  json big = {{"blob", std::string(2u << 20, 'x')}};
  auto r = RpcClient(url()).call("add", big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kBadResponse);
  EXPECT_NE(r.error().message.find("answered HTTP 413"), std::string::npos) << r.error().message;
  expect_still_serving();
}

TEST_F(HttpServerTest, HealthDefaultsToStatusOk) {
  auto res = raw().Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body), (json{{"status", "ok"}}));
}

TEST_F(HttpServerTest, MetricsWithoutProviderIsNotFound) {
  auto res = raw().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(HttpServerTest, UnknownPathIsNotFound) {
  auto res = raw().Get("/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(HttpServerTest, HealthAnswers503WithTheReasonWhenTheNodeFailed) {
  HttpServer s(local_options(), dispatcher);
  s.set_health([] { return json{{"status", "failed"}, {"reason", "the store could not commit"}}; });
  start(s);
  auto res = httplib::Client("127.0.0.1", s.port()).Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body).at("reason"), "the store could not commit");
}

TEST_F(HttpServerTest, HealthAndMetricsUseTheirProviders) {
  HttpServer s(local_options(), dispatcher);
  s.set_health([] { return json{{"status", "syncing"}, {"height", 7}}; });
  s.set_metrics([] { return std::string("swarmchain_height 7\n"); });
  start(s);
  httplib::Client c("127.0.0.1", s.port());

  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body), (json{{"status", "syncing"}, {"height", 7}}));

  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->body, "swarmchain_height 7\n");
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(HttpServerTest, ThrowingHealthProviderGives500AndServerKeepsServing) {
  HttpServer s(local_options(), dispatcher);
  s.set_health([]() -> json { throw std::runtime_error("db closed"); });
  start(s);
  auto res = httplib::Client("127.0.0.1", s.port()).Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  auto again = httplib::Client("127.0.0.1", s.port()).Get("/health");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 500);
}

TEST_F(HttpServerTest, BindingAPortInUseGivesAClearError) {
  HttpServerOptions o = local_options();
  o.port = server.port();
  HttpServer second(o, dispatcher);
  Status st = second.start();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(),
            "cannot bind RPC to 127.0.0.1:" + std::to_string(server.port()) + ": address in use");
  EXPECT_FALSE(second.running());
  expect_still_serving();
}

TEST_F(HttpServerTest, ClientToAClosedPortNamesTheUrl) {
  HttpServer s(local_options(), dispatcher);
  start(s);
  std::string closed = "http://127.0.0.1:" + std::to_string(s.port());
  s.stop();
  auto r = RpcClient(closed).call("add", {{"a", 1}, {"b", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kTransportError);
  EXPECT_EQ(r.error().message, "cannot reach node at " + closed + ": connection refused");
}

TEST_F(HttpServerTest, StartTwiceIsAnErrorAndStopIsIdempotent) {
  EXPECT_FALSE(server.start());
  server.stop();
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.port(), 0);
  start(server);  // and it can start again
  expect_still_serving();
}

TEST_F(HttpServerTest, InvalidOptionsAreRejected) {
  HttpServerOptions o = local_options();
  o.threads = 0;
  HttpServer s(o, dispatcher);
  Status st = s.start();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("invalid RPC server options"), std::string::npos);
}

TEST_F(HttpServerTest, ConcurrentClientsAreAllServedByTheBoundedPool) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  RpcClient client(url());  // shared on purpose: call() is thread-safe
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        auto r = client.call("add", {{"a", t}, {"b", i}});
        if (r && (*r)["sum"] == t + i) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
}

}  // namespace
}  // namespace swarmchain::rpc

// RpcMetrics and the Dispatcher's CallOutcome: which method and status a request counts under,
// bounded labels for unknown names, and the rendered text.
#include "rpc/rpc_metrics.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rpc/json_rpc.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

class RpcMetricsTest : public ::testing::Test {
 protected:
  RpcMetricsTest() {
    d.add("get_height", [](const json&) -> RpcResult { return json{{"height", 1}}; });
    d.add("send", [](const json&) -> RpcResult {
      return unexpected(RpcError::rejected("nonce too low"));
    });
    d.add("needs_x", [](const json& p) -> RpcResult { return p.at("x"); });
  }
  CallOutcome call(const std::string& body) {
    CallOutcome o;
    d.handle(body, &o);
    m.record(o, 0.002);
    return o;
  }
  static std::string req(const std::string& method, const std::string& params = "{}") {
    return R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":)" + params + "}";
  }
  Dispatcher d;
  RpcMetrics m{std::vector<std::string>{"get_height", "needs_x", "send"}};
};

TEST_F(RpcMetricsTest, OutcomeNamesTheRegisteredMethodAndItsErrorCode) {
  CallOutcome ok = call(req("get_height"));
  ASSERT_NE(ok.method, nullptr);
  EXPECT_EQ(*ok.method, "get_height");
  EXPECT_EQ(ok.error_code, 0);
  EXPECT_EQ(call(req("send")).error_code, kRejected);
  EXPECT_EQ(call(req("needs_x")).error_code, kInvalidParams);
  CallOutcome bad_params = call(req("get_height", "[1]"));
  ASSERT_NE(bad_params.method, nullptr);
  EXPECT_EQ(bad_params.error_code, kInvalidRequest);
  CallOutcome unknown = call(req("no_such_method"));
  EXPECT_EQ(unknown.method, nullptr);
  EXPECT_EQ(unknown.error_code, kMethodNotFound);
  EXPECT_EQ(call("{not json").error_code, kParseError);

  EXPECT_EQ(m.count("get_height", "ok"), 1u);
  EXPECT_EQ(m.count("get_height", "-32600"), 1u);
  EXPECT_EQ(m.count("send", "-32000"), 1u);
  EXPECT_EQ(m.count("needs_x", "-32602"), 1u);
  EXPECT_EQ(m.count("other", "-32601"), 1u);
  EXPECT_EQ(m.count("other", "-32700"), 1u);
}

TEST_F(RpcMetricsTest, UnknownMethodNamesAllCountUnderOther) {
  for (int i = 0; i < 50; ++i) call(req("made_up_" + std::to_string(i)));
  EXPECT_EQ(m.count("other", "-32601"), 50u);
  prom::TextWriter w;
  m.render(w);
  const std::string text = w.text();
  EXPECT_EQ(text.find("made_up"), std::string::npos) << text;
  EXPECT_NE(text.find("swarmchain_rpc_requests_total{method=\"other\",status=\"-32601\"} 50\n"),
            std::string::npos)
      << text;
}

TEST_F(RpcMetricsTest, RendersEveryMethodsOkAndOnlyNonZeroErrors) {
  call(req("get_height"));
  m.record_http(413, 0.0001);
  prom::TextWriter w;
  m.render(w);
  EXPECT_EQ(w.text(),
            "# HELP swarmchain_rpc_requests_total JSON-RPC requests served, by method (\"other\": "
            "a name not registered, or none) and status (\"ok\", the JSON-RPC error code, or "
            "http_<code> for a request refused before dispatch).\n"
            "# TYPE swarmchain_rpc_requests_total counter\n"
            "swarmchain_rpc_requests_total{method=\"get_height\",status=\"ok\"} 1\n"
            "swarmchain_rpc_requests_total{method=\"needs_x\",status=\"ok\"} 0\n"
            "swarmchain_rpc_requests_total{method=\"send\",status=\"ok\"} 0\n"
            "swarmchain_rpc_requests_total{method=\"other\",status=\"ok\"} 0\n"
            "swarmchain_rpc_requests_total{method=\"other\",status=\"http_413\"} 1\n"
            "# HELP swarmchain_rpc_request_duration_seconds Time to serve a JSON-RPC request "
            "(body read, parse, handler), every method.\n"
            "# TYPE swarmchain_rpc_request_duration_seconds histogram\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.0005\"} 1\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.001\"} 1\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.0025\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.005\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.01\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.025\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.05\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.1\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.25\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"0.5\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"1\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"2.5\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"5\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_bucket{le=\"+Inf\"} 2\n"
            "swarmchain_rpc_request_duration_seconds_sum 0.0021\n"
            "swarmchain_rpc_request_duration_seconds_count 2\n");
}

}  // namespace
}  // namespace swarmchain::rpc

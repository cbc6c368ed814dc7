// Dispatcher: the JSON-RPC 2.0 envelope, every error code, and handler exceptions.
#include "rpc/json_rpc.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    d.add("echo", [](const json& params) -> RpcResult { return params; });
    d.add("height", [](const json&) -> RpcResult { return json{{"height", 42}}; });
    d.add("reject", [](const json&) -> RpcResult {
      return unexpected(RpcError::rejected("nonce too low", json{{"expected", 7}}));
    });
    d.add("throws_type_error", [](const json& params) -> RpcResult {
      return json(params.at("x").get<std::string>());  // x is a number in the tests: type_error
    });
    d.add("throws_out_of_range", [](const json& params) -> RpcResult {
      return params.at("missing");
    });
    d.add("throws_runtime_error",
          [](const json&) -> RpcResult { throw std::runtime_error("disk on fire"); });
    d.add("throws_int", [](const json&) -> RpcResult { throw 7; });
    d.add("bad_utf8", [](const json&) -> RpcResult { return json(std::string("a\xff" "b")); });
  }

  json call(std::string_view body) const { return json::parse(d.handle(body)); }

  Dispatcher d;
};

TEST_F(DispatcherTest, ResultEchoesIdAndVersion) {
  json r = call(R"({"jsonrpc":"2.0","id":5,"method":"height"})");
  EXPECT_EQ(r, (json{{"jsonrpc", "2.0"}, {"id", 5}, {"result", {{"height", 42}}}}));
}

TEST_F(DispatcherTest, StringIdIsEchoedUnchanged) {
  json r = call(R"({"jsonrpc":"2.0","id":"abc","method":"height"})");
  EXPECT_EQ(r["id"], "abc");
}

TEST_F(DispatcherTest, ResponseStartsWithVersionThenId) {
  std::string r = d.handle(R"({"jsonrpc":"2.0","id":1,"method":"height"})");
  EXPECT_EQ(r.rfind(R"({"jsonrpc":"2.0","id":1,"result":)", 0), 0u) << r;
}

TEST_F(DispatcherTest, ParamsReachTheHandler) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":[1,2]}})");
  EXPECT_EQ(r["result"], (json{{"a", {1, 2}}}));
}

TEST_F(DispatcherTest, AbsentParamsArriveAsEmptyObject) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  EXPECT_EQ(r["result"], json::object());
}

TEST_F(DispatcherTest, NotificationIsAnsweredWithNullId) {
  json r = call(R"({"jsonrpc":"2.0","method":"height"})");
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_EQ(r["result"]["height"], 42);
}

TEST_F(DispatcherTest, UnparsableBodyIsParseErrorWithNullId) {
  for (std::string_view body : {"{", "", "not json", R"({"jsonrpc":"2.0",})"}) {
    json r = call(body);
    EXPECT_EQ(r["error"]["code"], kParseError) << body;
    EXPECT_TRUE(r["id"].is_null());
    EXPECT_TRUE(r["error"]["message"].get<std::string>().starts_with("parse error")) << r;
  }
}

TEST_F(DispatcherTest, InvalidUtf8InRequestIsParseError) {
  json r = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xff\"}");
  EXPECT_EQ(r["error"]["code"], kParseError);
}

TEST_F(DispatcherTest, NonObjectRequestIsInvalidRequest) {
  for (std::string_view body : {"5", R"("x")", "null", "true"}) {
    json r = call(body);
    EXPECT_EQ(r["error"]["code"], kInvalidRequest) << body;
    EXPECT_TRUE(r["id"].is_null());
  }
}

TEST_F(DispatcherTest, BatchIsRejectedAsInvalidRequest) {
  json r = call(R"([{"jsonrpc":"2.0","id":1,"method":"height"}])");
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("batch"), std::string::npos);
}

TEST_F(DispatcherTest, MissingOrWrongVersionIsInvalidRequest) {
  for (std::string_view body : {R"({"id":1,"method":"height"})",
                                R"({"jsonrpc":"1.0","id":1,"method":"height"})",
                                R"({"jsonrpc":2.0,"id":1,"method":"height"})"}) {
    json r = call(body);
    EXPECT_EQ(r["error"]["code"], kInvalidRequest) << body;
    EXPECT_EQ(r["id"], 1) << "a valid id is echoed so the client can match the answer";
  }
}

TEST_F(DispatcherTest, MethodNotAStringIsInvalidRequest) {
  for (std::string_view body : {R"({"jsonrpc":"2.0","id":1})",
                                R"({"jsonrpc":"2.0","id":1,"method":5})",
                                R"({"jsonrpc":"2.0","id":1,"method":null})"}) {
    EXPECT_EQ(call(body)["error"]["code"], kInvalidRequest) << body;
  }
}

TEST_F(DispatcherTest, ParamsNeitherObjectNorAbsentIsInvalidRequest) {
  for (std::string_view body : {R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[1]})",
                                R"({"jsonrpc":"2.0","id":1,"method":"echo","params":"x"})",
                                R"({"jsonrpc":"2.0","id":1,"method":"echo","params":null})"}) {
    EXPECT_EQ(call(body)["error"]["code"], kInvalidRequest) << body;
  }
}

TEST_F(DispatcherTest, StructuredIdIsInvalidRequestWithNullId) {
  json r = call(R"({"jsonrpc":"2.0","id":{"a":1},"method":"height"})");
  EXPECT_EQ(r["error"]["code"], kInvalidRequest);
  EXPECT_TRUE(r["id"].is_null());
}

TEST_F(DispatcherTest, UnknownMethodIsMethodNotFoundNamingIt) {
  json r = call(R"({"jsonrpc":"2.0","id":3,"method":"get_blok"})");
  EXPECT_EQ(r["error"]["code"], kMethodNotFound);
  EXPECT_EQ(r["error"]["message"], "method not found: 'get_blok'");
  EXPECT_EQ(r["id"], 3);
}

TEST_F(DispatcherTest, VeryLongUnknownMethodNameIsTruncatedInTheMessage) {
  json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", std::string(10000, 'm')}};
  json r = call(req.dump());
  EXPECT_EQ(r["error"]["code"], kMethodNotFound);
  EXPECT_LT(r["error"]["message"].get<std::string>().size(), 200u);
}

TEST_F(DispatcherTest, HandlerErrorIsReturnedWithData) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"reject"})");
  EXPECT_EQ(r["error"], (json{{"code", kRejected}, {"message", "nonce too low"},
                              {"data", {{"expected", 7}}}}));
  EXPECT_FALSE(r.contains("result"));
}

TEST_F(DispatcherTest, JsonTypeErrorInHandlerIsInvalidParams) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"throws_type_error","params":{"x":1}})");
  EXPECT_EQ(r["error"]["code"], kInvalidParams);
  EXPECT_TRUE(r["error"]["message"].get<std::string>().starts_with("invalid params: ")) << r;
}

TEST_F(DispatcherTest, JsonOutOfRangeInHandlerIsInvalidParams) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"throws_out_of_range"})");
  EXPECT_EQ(r["error"]["code"], kInvalidParams);
}

TEST_F(DispatcherTest, OtherExceptionsAreInternalErrors) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"throws_runtime_error"})");
  EXPECT_EQ(r["error"]["code"], kInternalError);
  EXPECT_EQ(r["error"]["message"], "internal error: disk on fire");
  EXPECT_EQ(call(R"({"jsonrpc":"2.0","id":2,"method":"throws_int"})")["error"]["code"],
            kInternalError);
}

TEST_F(DispatcherTest, KeepsServingAfterAThrowingHandler) {
  (void)d.handle(R"({"jsonrpc":"2.0","id":1,"method":"throws_runtime_error"})");
  EXPECT_EQ(call(R"({"jsonrpc":"2.0","id":2,"method":"height"})")["result"]["height"], 42);
}

TEST_F(DispatcherTest, InvalidUtf8InResultIsReplacedNotThrown) {
  json r = call(R"({"jsonrpc":"2.0","id":1,"method":"bad_utf8"})");
  EXPECT_EQ(r["result"], "a\xEF\xBF\xBD" "b");
}

TEST_F(DispatcherTest, DeeplyNestedParamsDoNotCrash) {
  std::string nested = std::string(100000, '[') + std::string(100000, ']');
  std::string body = R"({"jsonrpc":"2.0","id":1,"method":"height","params":{"x":)" + nested + "}}";
  EXPECT_EQ(call(body)["result"]["height"], 42);
}

TEST_F(DispatcherTest, HasReportsRegisteredMethods) {
  EXPECT_TRUE(d.has("echo"));
  EXPECT_FALSE(d.has("nope"));
}

TEST(RpcErrorTest, HelpersUseTheRightCodes) {
  EXPECT_EQ(RpcError::invalid_params("'x' is required").code, kInvalidParams);
  EXPECT_EQ(RpcError::invalid_params("'x' is required").message, "invalid params: 'x' is required");
  EXPECT_EQ(RpcError::rejected("bad nonce").code, kRejected);
  EXPECT_EQ(RpcError::internal("oops").code, kInternalError);
}

}  // namespace
}  // namespace swarmchain::rpc

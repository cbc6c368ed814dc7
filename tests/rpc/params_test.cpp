// Params: typed getters, -32602 messages that name the param, first-error-wins, strict mode.
#include "rpc/params.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

std::string message_of(const Params& p) {
  auto err = p.error();
  return err ? err->message : std::string("<no error>");
}

TEST(ParamsTest, ReadsEveryTypeWhenWellFormed) {
  json j = {{"height", 12},
            {"hash", "ab"},
            {"active_only", true},
            {"service_node_pubkeys", {"k1", "k2"}},
            {"fields", {{"swarm_id", true}}}};
  Params p(j);
  EXPECT_EQ(p.required_u64("height"), 12u);
  EXPECT_EQ(p.optional_string("hash"), "ab");
  EXPECT_TRUE(p.optional_bool("active_only", false));
  EXPECT_EQ(p.optional_string_array("service_node_pubkeys"), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(p.optional_object("fields"), (json{{"swarm_id", true}}));
  EXPECT_EQ(p.required_string("hash"), "ab");
  EXPECT_TRUE(p.required_bool("active_only"));
  EXPECT_EQ(p.required_string_array("service_node_pubkeys").size(), 2u);
  EXPECT_FALSE(p.error());
}

TEST(ParamsTest, AbsentOptionalsGiveFallbacks) {
  json j = json::object();
  Params p(j);
  EXPECT_EQ(p.optional_u64("limit"), std::nullopt);
  EXPECT_EQ(p.optional_u64("limit", 10), 10u);
  EXPECT_EQ(p.optional_string("hash"), std::nullopt);
  EXPECT_EQ(p.optional_string("hash", "x"), "x");
  EXPECT_FALSE(p.optional_bool("active_only", false));
  EXPECT_TRUE(p.optional_string_array("service_node_pubkeys").empty());
  EXPECT_EQ(p.optional_object("fields"), std::nullopt);
  EXPECT_FALSE(p.error());
}

TEST(ParamsTest, NullCountsAsAbsent) {
  json j = {{"hash", nullptr}, {"height", nullptr}};
  Params p(j);
  EXPECT_EQ(p.optional_string("hash"), std::nullopt);
  EXPECT_FALSE(p.has("hash"));
  EXPECT_FALSE(p.error());
  (void)p.required_u64("height");
  EXPECT_EQ(message_of(p), "invalid params: 'height' is required");
}

TEST(ParamsTest, MissingRequiredParamIsNamed) {
  json j = json::object();
  Params p(j);
  EXPECT_EQ(p.required_u64("height"), 0u);
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->code, kInvalidParams);
  EXPECT_EQ(p.error()->message, "invalid params: 'height' is required");
}

TEST(ParamsTest, MistypedU64IsNamed) {
  for (json bad : {json("12"), json(-1), json(1.5), json(true), json::array()}) {
    json j = {{"height", bad}};
    Params p(j);
    (void)p.required_u64("height");
    EXPECT_EQ(message_of(p), "invalid params: 'height' must be an unsigned integer") << bad;
  }
}

TEST(ParamsTest, U64AcceptsTheFullRange) {
  json j = json::parse(R"({"a":18446744073709551615,"b":0})");
  Params p(j);
  EXPECT_EQ(p.required_u64("a"), UINT64_MAX);
  EXPECT_EQ(p.required_u64("b"), 0u);
  EXPECT_FALSE(p.error());
}

TEST(ParamsTest, U64BeyondRangeIsRejected) {
  json j = json::parse(R"({"a":18446744073709551616})");  // parsed as a double
  Params p(j);
  (void)p.required_u64("a");
  EXPECT_TRUE(p.error());
}

TEST(ParamsTest, MistypedStringBoolArrayAndObjectAreNamed) {
  json j = {{"s", 1}, {"b", "yes"}, {"a", {"k", 2}}, {"o", {1}}};
  {
    Params p(j);
    (void)p.optional_string("s");
    EXPECT_EQ(message_of(p), "invalid params: 's' must be a string");
  }
  {
    Params p(j);
    (void)p.optional_bool("b", false);
    EXPECT_EQ(message_of(p), "invalid params: 'b' must be a boolean");
  }
  {
    Params p(j);
    EXPECT_TRUE(p.optional_string_array("a").empty());
    EXPECT_EQ(message_of(p), "invalid params: 'a' must be an array of strings");
  }
  {
    Params p(j);
    (void)p.optional_object("o");
    EXPECT_EQ(message_of(p), "invalid params: 'o' must be an object");
  }
}

TEST(ParamsTest, FirstErrorWins) {
  json j = {{"height", "x"}};
  Params p(j);
  (void)p.required_u64("height");
  (void)p.required_string("hash");
  EXPECT_EQ(message_of(p), "invalid params: 'height' must be an unsigned integer");
}

TEST(ParamsTest, MethodSpecificFailureGetsThePrefix) {
  json j = {{"hash", "zz"}};
  Params p(j);
  p.fail("'hash' must be 64 hex digits");
  EXPECT_EQ(message_of(p), "invalid params: 'hash' must be 64 hex digits");
}

TEST(ParamsTest, AllowOnlyRejectsUnknownNames) {
  json j = {{"height", 1}, {"heigth", 2}};
  Params p(j);
  p.allow_only({"height", "hash"});
  EXPECT_EQ(message_of(p), "invalid params: unknown param 'heigth'");
}

TEST(ParamsTest, AllowOnlyAcceptsListedNames) {
  json j = {{"height", 1}};
  Params p(j);
  p.allow_only({"height", "hash"});
  EXPECT_FALSE(p.error());
}

TEST(ParamsTest, AnAddressWhoseBytesAreNotAPublicKeyIsRefusedAndNamed) {
  PubKey not_a_point;  // y = 2: no x satisfies the curve equation
  not_a_point.data[0] = 2;
  const std::string text = address_from_pubkey(not_a_point);
  json j = {{"address", text}};
  Params p(j);
  EXPECT_FALSE(address_param(p, "address", text).has_value());
  EXPECT_EQ(message_of(p).rfind("invalid params: 'address': address " + text +
                                    " is not a valid public key (not a point on the curve)",
                                0),
            0u)
      << message_of(p);
}

TEST(ParamsTest, NonObjectParamsAreAnError) {
  json j = json::array({1});
  Params p(j);
  EXPECT_FALSE(p.has("x"));
  EXPECT_EQ(message_of(p), "invalid params: params must be an object");
}

}  // namespace
}  // namespace swarmchain::rpc

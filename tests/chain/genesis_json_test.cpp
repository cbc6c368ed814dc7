// Genesis JSON (chain/params.h): what the node reads at start. Cases found by fuzz_genesis
// (tests/fuzz) stay here as plain tests.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "chain/params.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;

json genesis_json() { return json::parse(test_genesis().to_json()); }

std::string error_of(const json& j) {
  auto g = Genesis::from_json(j.dump());
  return g ? std::string() : g.error().message();
}

TEST(GenesisJson, PrintsAndReadsBackToTheSameGenesis) {
  const Genesis g = test_genesis();
  auto again = Genesis::from_json(g.to_json());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, g);
}

TEST(GenesisJson, ANegativeBalanceIsRefusedNotReadAsAHugeOne) {
  json j = genesis_json();
  j["accounts"][0]["balance"] = -1;
  EXPECT_NE(error_of(j).find("\"balance\" must be a whole number"), std::string::npos) << error_of(j);
}

TEST(GenesisJson, AFractionalStakeIsRefusedNotRoundedDown) {
  json j = genesis_json();
  j["service_nodes"][0]["stake"] = 1e20 / 3;
  EXPECT_NE(error_of(j).find("\"stake\" must be a whole number"), std::string::npos) << error_of(j);
}

TEST(GenesisJson, AParamAboveItsWidthIsRefusedNotCut) {
  json j = genesis_json();
  j["params"]["committee_size"] = (uint64_t{1} << 32) + 4;  // would read as 4
  EXPECT_NE(error_of(j).find("\"committee_size\" must be a whole number from 0 to 4294967295"),
            std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, ANegativeGenesisTimeIsRefused) {
  json j = genesis_json();
  j["genesis_time_ms"] = -5;
  EXPECT_NE(error_of(j).find("\"genesis_time_ms\""), std::string::npos) << error_of(j);
}

TEST(GenesisJson, AccountsGivenAsAnObjectAreRefused) {
  json j = genesis_json();
  json as_object = json::object();
  as_object["b"] = j["accounts"][0];
  as_object["a"] = j["accounts"][1];
  j["accounts"] = as_object;
  EXPECT_NE(error_of(j).find("must be JSON arrays"), std::string::npos) << error_of(j);
}

}  // namespace
}  // namespace swarmchain::test

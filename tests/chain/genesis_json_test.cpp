// Genesis JSON (chain/params.h): what the node reads at start. Cases found by fuzz_genesis
// (tests/fuzz) stay here as plain tests.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
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
  EXPECT_NE(error_of(j).find("accounts[0].balance is negative (-1): it must be a whole number"),
            std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, AFractionalStakeIsRefusedNotRoundedDown) {
  json j = genesis_json();
  j["service_nodes"][0]["stake"] = 2.5;
  EXPECT_NE(error_of(j).find("service_nodes[0].stake is not a whole number"), std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, AParamAboveItsWidthIsRefusedNotCut) {
  json j = genesis_json();
  j["params"]["committee_size"] = (uint64_t{1} << 32) + 4;  // would read as 4
  EXPECT_NE(error_of(j).find("params.committee_size is out of range (4294967300): it must be a "
                            "whole number from 0 to 4294967295"),
            std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, ANegativeGenesisTimeIsRefused) {
  json j = genesis_json();
  j["genesis_time_ms"] = -5;
  EXPECT_NE(error_of(j).find("genesis_time_ms is negative (-5)"), std::string::npos) << error_of(j);
}

TEST(GenesisJson, AccountsGivenAsAnObjectAreRefused) {
  json j = genesis_json();
  json as_object = json::object();
  as_object["b"] = j["accounts"][0];
  as_object["a"] = j["accounts"][1];
  j["accounts"] = as_object;
  EXPECT_NE(error_of(j).find("accounts must be a JSON array, not an object"), std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, ASyntaxErrorIsNamedByLineAndColumnWithoutTheLibrarysText) {
  const std::string text = "{\n  \"network\": \"dev\",\n  \"genesis_time_ms\": 1,\n}\n";
  auto g = Genesis::from_json(text);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(), "line 3 column 23: a trailing comma before '}'");
  EXPECT_EQ(g.error().code_as<GenesisJsonError>(), GenesisJsonError::kSyntax);
}

TEST(GenesisJson, CommonSlipsAreSaidInPlainWords) {
  auto message = [](const std::string& text) {
    auto g = Genesis::from_json(text);
    return g ? std::string() : g.error().message();
  };
  EXPECT_EQ(message("{\"network\": 'dev'}"),
            "line 1 column 13: single quotes: JSON strings and keys take double quotes (\")");
  EXPECT_EQ(message("{\"a\": 1 \"b\": 2}"),
            "line 1 column 9: expected ',' or '}' after a value, found '\"' (a missing comma?)");
  EXPECT_EQ(message("{\"a\": tru}"),
            "line 1 column 7: unknown word 'tru': a value is a number, a \"string\" in double "
            "quotes, true, false, null, an object or an array");
  EXPECT_EQ(message("{\"a\": [1, 2"), "line 1 column 12: the file ends too early: expected ',' or ']'");
  EXPECT_EQ(message(""), "line 1 column 1: the file ends too early: expected a value");
  for (const std::string& m : {message("{\"a\": tru}"), message("{\"a\":1,}"), message("")})
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;
}

TEST(GenesisJson, AMissingKeyIsNamedWithWhereItIsMissing) {
  json j = genesis_json();
  j.erase("network");
  EXPECT_EQ(error_of(j), "missing key \"network\"");
  j = genesis_json();
  j["service_nodes"][0].erase("stake");
  EXPECT_EQ(error_of(j), "service_nodes[0]: missing key \"stake\"");
}

TEST(GenesisJson, AWrongTypeIsNamedWithWhatItIs) {
  json j = genesis_json();
  j["network"] = 5;
  EXPECT_EQ(error_of(j), "network must be a string, not a number");
  j = genesis_json();
  j["accounts"][0]["balance"] = "100";
  EXPECT_NE(error_of(j).find("accounts[0].balance must be a whole number from 0 to "
                             "18446744073709551615, not a string"),
            std::string::npos)
      << error_of(j);
}

TEST(GenesisJson, ANumberAboveTheLargestAmountIsOutOfRangeNotWrapped) {
  json j = genesis_json();
  j["accounts"][0]["balance"] = 1e20;  // above 2^64 - 1
  EXPECT_NE(error_of(j).find("accounts[0].balance is out of range"), std::string::npos)
      << error_of(j);
}

class GenesisFile : public ::testing::Test {
 protected:
  GenesisFile() { std::filesystem::create_directories(dir.path()); }
  std::string load_error(const std::filesystem::path& p) {
    auto g = Genesis::load(p);
    return g ? std::string() : g.error().message();
  }
  TempDir dir{"swarmchain-genesis-file"};
};

TEST_F(GenesisFile, AMissingFileIsToldApartFromTheOthers) {
  const auto p = dir.path() / "nope.json";
  EXPECT_EQ(load_error(p).rfind("genesis " + p.string() + " does not exist: give", 0), 0u)
      << load_error(p);
}

TEST_F(GenesisFile, ADirectoryIsToldApart) {
  EXPECT_EQ(load_error(dir.path()).rfind("genesis " + dir.path().string() + " is a directory", 0),
            0u)
      << load_error(dir.path());
}

TEST_F(GenesisFile, AnUnreadableFileGivesTheOsReason) {
  // A symlink loop cannot be opened even by root, who reads a mode-000 file.
  const auto p = dir.path() / "loop.json";
  std::filesystem::create_symlink(p, p);
  EXPECT_EQ(load_error(p), "cannot read genesis " + p.string() + ": " + std::strerror(ELOOP));
}

TEST_F(GenesisFile, ASyntaxErrorNamesTheFileLineAndColumn) {
  const auto p = dir.path() / "genesis.json";
  std::ofstream(p) << "{\n  \"network\": \"dev\"\n  \"genesis_time_ms\": 1\n}\n";
  EXPECT_EQ(load_error(p), "genesis " + p.string() +
                               " line 3 column 3: expected ',' or '}' after a value, found '\"' "
                               "(a missing comma?)");
}

TEST_F(GenesisFile, AContentErrorNamesTheFileAndTheKey) {
  const auto p = dir.path() / "genesis.json";
  json j = genesis_json();
  j["params"]["epoch_blocks"] = -3;
  std::ofstream(p) << j.dump(2);
  EXPECT_EQ(load_error(p).rfind("genesis " + p.string() + ": params.epoch_blocks is negative (-3)", 0),
            0u)
      << load_error(p);
}

}  // namespace
}  // namespace swarmchain::test

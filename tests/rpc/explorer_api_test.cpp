// get_block_list and get_service_node_page on a real Blockchain (the registry tests' fixture:
// 40 genesis nodes run by three operators): defaults, paging, every sort key in both orders,
// the state and q filters, entries equal to get_service_nodes', and every bad param.
#include "rpc/explorer_api.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/hex.h"
#include "rpc/service_node_order.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::kGenesisNodes;
using test::operator_key;
using test::sn_key;
using test::test_key;

class ExplorerApiTest : public test::RegistryApiTest {
 protected:
  ExplorerApiTest() { register_explorer_methods(d, *chain); }

  json page(const json& params) const { return result("get_service_node_page", params); }
  std::vector<std::string> page_keys(const json& params) const {
    std::vector<std::string> out;
    const json r = page(params);  // kept: a range-for over a temporary's member would dangle
    for (const json& n : r["nodes"]) out.push_back(n["service_node_pubkey"]);
    return out;
  }
};

// The entry field a sort key compares.
const char* field_of(std::string_view sort) {
  if (sort == "pubkey") return "service_node_pubkey";
  if (sort == "stake") return "total_contributed";
  if (sort == "swarm") return "swarm_id";
  return sort.data();  // state, operator_fee, last_uptime_proof, registration_height
}

// ---- get_service_node_page -----------------------------------------------------------------

TEST_F(ExplorerApiTest, DefaultsAreTheFirstFiftyNodesAscendingByPubkey) {
  const json r = page(json::object());
  EXPECT_EQ(r["height"], 0);
  EXPECT_EQ(r["total"], kGenesisNodes);
  EXPECT_EQ(r["matched"], kGenesisNodes);
  EXPECT_EQ(r["offset"], 0);
  EXPECT_EQ(r["limit"], 50);
  const auto keys = sorted_genesis_keys();
  ASSERT_EQ(r["nodes"].size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    EXPECT_EQ(r["nodes"][i]["service_node_pubkey"], to_hex(keys[i]));
}

TEST_F(ExplorerApiTest, EveryNodeHasExactlyItsGetServiceNodesEntry) {
  register_awaiting_node();  // an awaiting node too: null active_since_height, no swarm
  const json pg = page({{"limit", 200}});
  const json all = result("get_service_nodes")["service_node_states"];
  EXPECT_EQ(pg["height"], 1);
  ASSERT_EQ(pg["nodes"].size(), kGenesisNodes + 1);
  EXPECT_EQ(pg["nodes"], all);
}

TEST_F(ExplorerApiTest, PagesAreConsecutiveSlices) {
  std::vector<std::string> joined;
  for (uint64_t offset = 0; offset < kGenesisNodes; offset += 7) {
    const json r = page({{"offset", offset}, {"limit", 7}, {"sort", "swarm"}, {"order", "desc"}});
    EXPECT_EQ(r["offset"], offset);
    EXPECT_EQ(r["limit"], 7);
    EXPECT_EQ(r["matched"], kGenesisNodes);
    for (const json& n : r["nodes"]) joined.push_back(n["service_node_pubkey"]);
  }
  EXPECT_EQ(joined, page_keys({{"limit", 200}, {"sort", "swarm"}, {"order", "desc"}}));
  EXPECT_TRUE(page({{"offset", kGenesisNodes}})["nodes"].empty());
}

TEST_F(ExplorerApiTest, EverySortKeyInBothOrdersComparesItsFieldThenThePubkey) {
  register_awaiting_node();  // differs in every key but last_uptime_proof
  for (std::string_view sort : kNodeSortNames) {
    for (const char* order : {"asc", "desc"}) {
      const json nodes = page({{"limit", 200}, {"sort", sort}, {"order", order}})["nodes"];
      ASSERT_EQ(nodes.size(), kGenesisNodes + 1) << sort;
      const bool desc = std::string_view(order) == "desc";
      for (std::size_t i = 1; i < nodes.size(); ++i) {
        const json &a = nodes[i - 1][field_of(sort)], &b = nodes[i][field_of(sort)];
        const std::string pa = nodes[i - 1]["service_node_pubkey"], pb = nodes[i]["service_node_pubkey"];
        if (sort == "pubkey") {
          EXPECT_TRUE(desc ? pa > pb : pa < pb) << sort << " " << order << " at " << i;
        } else {
          EXPECT_TRUE(a == b ? pa < pb : (desc ? b < a : a < b))
              << sort << " " << order << " at " << i << ": " << a << " then " << b;
        }
      }
    }
  }
}

TEST_F(ExplorerApiTest, TheNewNodeLeadsTheKeysWhereItDiffers) {
  const std::string awaiting = to_hex(register_awaiting_node());
  EXPECT_EQ(page_keys({{"sort", "operator_fee"}, {"order", "desc"}}).front(), awaiting);
  EXPECT_EQ(page_keys({{"sort", "stake"}}).front(), awaiting);
  EXPECT_EQ(page_keys({{"sort", "registration_height"}, {"order", "desc"}}).front(), awaiting);
  EXPECT_EQ(page_keys({{"sort", "swarm"}, {"order", "desc"}}).front(), awaiting);  // unassigned
  EXPECT_EQ(page_keys({{"sort", "state"}, {"order", "desc"}}).front(), awaiting);
}

TEST_F(ExplorerApiTest, StateFilterCountsMatchesAndKeepsTheTotal) {
  const std::string awaiting = to_hex(register_awaiting_node());
  const json a = page({{"state", "awaiting"}});
  EXPECT_EQ(a["total"], kGenesisNodes + 1);
  EXPECT_EQ(a["matched"], 1);
  ASSERT_EQ(a["nodes"].size(), 1u);
  EXPECT_EQ(a["nodes"][0]["service_node_pubkey"], awaiting);
  EXPECT_EQ(page({{"state", "active"}})["matched"], kGenesisNodes);
  EXPECT_EQ(page({{"state", "decommissioned"}})["matched"], 0);
  EXPECT_EQ(page({{"state", "all"}})["matched"], kGenesisNodes + 1);
}

TEST_F(ExplorerApiTest, QMatchesAPubkeyPrefixInAnyCase) {
  const std::string key = to_hex(sn_key(7).pubkey());
  std::string upper = key.substr(0, 9);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const json r = page({{"q", upper}});
  ASSERT_GE(r["matched"].get<std::size_t>(), 1u);
  bool found = false;
  for (const json& n : r["nodes"]) {
    const std::string pk = n["service_node_pubkey"];
    const std::string op = to_hex(*parse_address(n["operator_address"].get<std::string>()));
    EXPECT_TRUE(pk.starts_with(key.substr(0, 9)) || op.starts_with(key.substr(0, 9))) << pk;
    found = found || pk == key;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(page({{"q", key}})["matched"], 1);
}

TEST_F(ExplorerApiTest, QMatchesAnOperatorByAddressAddressPrefixOrKeyPrefix) {
  const PubKey op = operator_key(7).pubkey();
  std::size_t expected = 0;
  for (std::size_t i = 0; i < kGenesisNodes; ++i) expected += operator_key(i).pubkey() == op;
  const std::string address = address_from_pubkey(op);
  for (const std::string& q : {address, address.substr(0, 20), to_hex(op).substr(0, 20)}) {
    const json r = page({{"q", q}, {"limit", 200}});
    EXPECT_EQ(r["matched"], expected) << q;
    for (const json& n : r["nodes"]) EXPECT_EQ(n["operator_address"], address) << q;
  }
  std::string upper = address;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(page({{"q", upper}})["matched"], expected);
  EXPECT_EQ(page({{"q", address_from_pubkey(test_key(60).pubkey())}})["matched"], 0);
  EXPECT_EQ(page({{"q", ""}})["matched"], kGenesisNodes);
}

TEST_F(ExplorerApiTest, BadPageParamsAreInvalidParamsNamingWhatIsAllowed) {
  expect_invalid("get_service_node_page", {{"sort", "fee"}},
                 "'sort' must be one of pubkey, state, operator_fee, stake, swarm, "
                 "last_uptime_proof, registration_height; got 'fee'");
  expect_invalid("get_service_node_page", {{"order", "up"}}, "'order' must be one of asc, desc");
  expect_invalid("get_service_node_page", {{"state", "gone"}},
                 "'state' must be one of all, active, decommissioned, awaiting");
  expect_invalid("get_service_node_page", {{"limit", 0}}, "'limit' must be 1 to 200");
  expect_invalid("get_service_node_page", {{"limit", 201}}, "'limit' must be 1 to 200");
  expect_invalid("get_service_node_page", {{"offset", -1}}, "'offset'");
  expect_invalid("get_service_node_page", {{"sort", 3}}, "'sort'");
  expect_invalid("get_service_node_page", {{"q", std::string(129, 'a')}},
                 "'q' is longer than 128 characters");
  expect_invalid("get_service_node_page", {{"q", "node-7"}}, "'q' must be hex digits");
  expect_invalid("get_service_node_page", {{"q", std::string(65, 'a')}}, "'q' must be hex digits");
  std::string bad_sum = address_from_pubkey(operator_key(1).pubkey());
  bad_sum.back() = bad_sum.back() == '0' ? '1' : '0';
  expect_invalid("get_service_node_page", {{"q", bad_sum}}, "'q'");
  expect_invalid("get_service_node_page", {{"page", 2}}, "unknown param 'page'");
}

// ---- get_block_list ------------------------------------------------------------------------

TEST_F(ExplorerApiTest, BlockListIsNewestFirstWithEachBlocksSummary) {
  for (int i = 0; i < 5; ++i) commit();
  commit({awaiting_registration_tx()});  // height 6 holds one tx
  const json r = result("get_block_list");
  EXPECT_EQ(r["tip_height"], 6);
  ASSERT_EQ(r["blocks"].size(), 7u);
  EXPECT_TRUE(r["next_before"].is_null());
  for (std::size_t i = 0; i < 7; ++i) {
    const json& b = r["blocks"][i];
    const uint64_t h = 6 - i;
    EXPECT_EQ(b["height"], h);
    const json block = result("get_block", {{"height", h}});
    EXPECT_EQ(b["hash"], block["header"]["hash"]);
    EXPECT_EQ(b["time_ms"], block["header"]["time_ms"]);
    EXPECT_EQ(b["proposer"], block["header"]["proposer"]);
    EXPECT_EQ(b["tx_count"], block["tx_count"]);
    EXPECT_EQ(b["committee_size"], chain->committee(Height(h)).size());
    if (h == 0) {
      EXPECT_TRUE(b["round"].is_null());
      EXPECT_TRUE(b["signers"].is_null());
    } else {
      EXPECT_EQ(b["round"], block["certificate"]["round"]);
      EXPECT_EQ(b["signers"], block["certificate"]["signatures"].size());
    }
  }
  EXPECT_EQ(r["blocks"][0]["tx_count"], 1);
}

TEST_F(ExplorerApiTest, BlockListPagesFollowNextBefore) {
  for (int i = 0; i < 5; ++i) commit();
  std::vector<uint64_t> heights;
  json params{{"limit", 2}};
  for (int pages = 0; pages < 10; ++pages) {
    const json r = result("get_block_list", params);
    for (const json& b : r["blocks"]) heights.push_back(b["height"]);
    if (r["next_before"].is_null()) break;
    EXPECT_EQ(r["next_before"], heights.back());
    params["before_height"] = r["next_before"];
  }
  EXPECT_EQ(heights, (std::vector<uint64_t>{5, 4, 3, 2, 1, 0}));
}

TEST_F(ExplorerApiTest, BlockListBeforeHeightIsClampedToTheTipAndZeroIsEmpty) {
  for (int i = 0; i < 3; ++i) commit();
  const json high = result("get_block_list", {{"before_height", 1000}, {"limit", 1}});
  ASSERT_EQ(high["blocks"].size(), 1u);
  EXPECT_EQ(high["blocks"][0]["height"], 3);
  EXPECT_EQ(high["next_before"], 3);
  const json low = result("get_block_list", {{"before_height", 2}});
  ASSERT_EQ(low["blocks"].size(), 2u);
  EXPECT_EQ(low["blocks"][0]["height"], 1);
  EXPECT_TRUE(low["next_before"].is_null());
  const json none = result("get_block_list", {{"before_height", 0}});
  EXPECT_TRUE(none["blocks"].empty());
  EXPECT_TRUE(none["next_before"].is_null());
  EXPECT_EQ(none["tip_height"], 3);
}

TEST_F(ExplorerApiTest, BadBlockListParamsAreInvalidParams) {
  expect_invalid("get_block_list", {{"limit", 0}}, "'limit' must be 1 to 100");
  expect_invalid("get_block_list", {{"limit", 101}}, "'limit' must be 1 to 100");
  expect_invalid("get_block_list", {{"before_height", "top"}}, "'before_height'");
  expect_invalid("get_block_list", {{"height", 1}}, "unknown param 'height'");
}

}  // namespace
}  // namespace swarmchain::rpc

// SortedServiceNodes over a made-up registry of 300 varied records: every sort key in both
// orders against the rule written plainly (compare the field the key names, ties by pubkey
// ascending), the state and q filters against a plain scan, and paging over the result.
#include "rpc/service_node_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "registry/registry_state.h"
#include "rpc/service_node_json.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

constexpr std::size_t kNodes = 300;

PubKey random_key(std::mt19937_64& rng) {
  PubKey k;
  for (auto& b : k.data) b = static_cast<uint8_t>(rng());
  return k;
}

// Few distinct values per field, so that every key has many ties.
RegistryState varied_registry() {
  std::mt19937_64 rng(13);
  const std::vector<PubKey> operators{random_key(rng), random_key(rng), random_key(rng)};
  RegistryState r;
  for (std::size_t i = 0; i < kNodes; ++i) {
    ServiceNode sn;
    sn.pubkey = random_key(rng);
    sn.pubkey_x25519 = random_key(rng);
    sn.operator_address = operators[rng() % operators.size()];
    sn.fee_bps = static_cast<uint16_t>(100 * (rng() % 5));
    sn.staking_requirement = Amount::coins(100);
    sn.total_contributed = Amount::coins(10 * (rng() % 11));
    sn.contributors = {{sn.operator_address, sn.total_contributed, Amount()}};
    sn.registration_height = Height(rng() % 7);
    sn.state = static_cast<NodeState>(rng() % 4);
    sn.swarm_id = rng() % 3 == 0 ? kUnassignedSwarm : rng() % 4;
    sn.last_proof_time_ms = 1000 * (rng() % 6) + rng() % 1000;  // ties within a second
    r.load(sn);
  }
  r.rebuild();
  return r;
}

// The value a sort key names, read from the entry's JSON as get_service_nodes writes it.
json field_of(const ServiceNode& sn, NodeSort sort) {
  const json e = service_node_to_json(sn);
  switch (sort) {
    case NodeSort::kPubkey: return e["service_node_pubkey"];
    case NodeSort::kState: return e["state"];
    case NodeSort::kOperatorFee: return e["operator_fee"];
    case NodeSort::kStake: return e["total_contributed"];
    case NodeSort::kSwarm: return e["swarm_id"];
    case NodeSort::kLastUptimeProof: return e["last_uptime_proof"];
    case NodeSort::kRegistrationHeight: return e["registration_height"];
  }
  return nullptr;
}

std::vector<ServiceNode> all_records(const RegistryState& r) {
  std::vector<ServiceNode> out;
  r.for_each([&](const ServiceNode& sn) { out.push_back(sn); });
  return out;
}

// The rule, plainly: sort by the field's JSON value, then by pubkey ascending.
std::vector<PubKey> reference_order(std::vector<ServiceNode> nodes, NodeSort sort, bool desc) {
  std::sort(nodes.begin(), nodes.end(), [&](const ServiceNode& a, const ServiceNode& b) {
    const json fa = field_of(a, sort), fb = field_of(b, sort);
    if (fa != fb) return desc ? fb < fa : fa < fb;
    if (sort == NodeSort::kPubkey) return false;
    return a.pubkey < b.pubkey;
  });
  std::vector<PubKey> out;
  for (const auto& sn : nodes) out.push_back(sn.pubkey);
  return out;
}

std::vector<PubKey> keys_of(const SortedServiceNodes& s, const std::vector<uint32_t>& order) {
  std::vector<PubKey> out;
  for (uint32_t i : order) out.push_back(s.nodes().entries()[i]->record.pubkey);
  return out;
}

class ServiceNodeOrder : public ::testing::Test {
 protected:
  RegistryState registry = varied_registry();
  SortedServiceNodes sorted{registry};
};

TEST_F(ServiceNodeOrder, EveryKeyInBothOrdersFollowsTheFieldThenThePubkey) {
  ASSERT_EQ(sorted.nodes().size(), kNodes);
  const std::vector<ServiceNode> nodes = all_records(registry);
  for (std::size_t k = 0; k < kNodeSortNames.size(); ++k) {
    for (bool desc : {false, true}) {
      const auto sort = static_cast<NodeSort>(k);
      EXPECT_EQ(keys_of(sorted, sorted.order(sort, desc)), reference_order(nodes, sort, desc))
          << kNodeSortNames[k] << (desc ? " desc" : " asc");
    }
  }
}

TEST_F(ServiceNodeOrder, StateSortsByTheStatesName) {
  const auto& order = sorted.order(NodeSort::kState, false);
  const auto& entries = sorted.nodes().entries();
  EXPECT_EQ(entries[order.front()]->record.state, NodeState::kActive);
  EXPECT_EQ(entries[order.back()]->record.state, NodeState::kDeregistered);
}

TEST_F(ServiceNodeOrder, AnOrderIsSortedOnceAndKept) {
  const auto* first = &sorted.order(NodeSort::kStake, true);
  EXPECT_EQ(first, &sorted.order(NodeSort::kStake, true));
}

TEST_F(ServiceNodeOrder, StateFilterKeepsOnlyThatStateAndAllKeepsEvery) {
  for (auto [filter, wanted] : {std::pair{NodeStateFilter::kActive, NodeState::kActive},
                                std::pair{NodeStateFilter::kDecommissioned, NodeState::kDecommissioned},
                                std::pair{NodeStateFilter::kAwaiting, NodeState::kAwaiting}}) {
    // A copy: clang 14 cannot capture a structured binding in a lambda (C++20 allows it).
    const NodeState state = wanted;
    NodeFilter f;
    f.state = filter;
    const auto page = sorted.page(NodeSort::kPubkey, false, f, 0, kNodes);
    std::size_t expected = 0;
    registry.for_each([&](const ServiceNode& sn) { expected += sn.state == state ? 1 : 0; });
    EXPECT_GT(expected, 0u);
    EXPECT_EQ(page.matched, expected);
    ASSERT_EQ(page.entries.size(), expected);
    for (const auto* e : page.entries) EXPECT_EQ(e->record.state, state);
  }
  EXPECT_EQ(sorted.page(NodeSort::kPubkey, false, NodeFilter{}, 0, 10).matched, kNodes);
}

TEST_F(ServiceNodeOrder, HexPrefixMatchesThePubkeyOrTheOperatorAtAnyLength) {
  const ServiceNode sn = all_records(registry)[17];
  for (std::size_t len : {1u, 2u, 3u, 7u, 64u}) {
    NodeFilter f;
    f.hex_prefix = to_hex(sn.pubkey).substr(0, len);
    std::size_t expected = 0;
    registry.for_each([&](const ServiceNode& n) {
      expected += to_hex(n.pubkey).starts_with(f.hex_prefix) ||
                          to_hex(n.operator_address).starts_with(f.hex_prefix)
                      ? 1
                      : 0;
    });
    EXPECT_EQ(sorted.page(NodeSort::kPubkey, false, f, 0, 1).matched, expected) << len;
  }
  NodeFilter whole;
  whole.hex_prefix = to_hex(sn.pubkey);
  const auto page = sorted.page(NodeSort::kPubkey, false, whole, 0, 5);
  ASSERT_EQ(page.matched, 1u);
  EXPECT_EQ(page.entries[0]->record.pubkey, sn.pubkey);
}

TEST_F(ServiceNodeOrder, OperatorOnlyPrefixAndWholeOperatorMatchThatOperatorsNodes) {
  const ServiceNode sn = all_records(registry)[3];
  std::size_t of_operator = 0;
  registry.for_each([&](const ServiceNode& n) { of_operator += n.operator_address == sn.operator_address; });
  NodeFilter prefix;
  prefix.hex_prefix = to_hex(sn.operator_address).substr(0, 10);
  prefix.prefix_of_pubkey = false;
  EXPECT_EQ(sorted.page(NodeSort::kPubkey, false, prefix, 0, 1).matched, of_operator);
  NodeFilter exact;
  exact.operator_address = sn.operator_address;
  const auto page = sorted.page(NodeSort::kPubkey, false, exact, 0, kNodes);
  EXPECT_EQ(page.matched, of_operator);
  for (const auto* e : page.entries) EXPECT_EQ(e->record.operator_address, sn.operator_address);
}

TEST_F(ServiceNodeOrder, PagesAreConsecutiveSlicesOfTheFilteredOrder) {
  NodeFilter f;
  f.state = NodeStateFilter::kActive;
  const auto whole = sorted.page(NodeSort::kLastUptimeProof, true, f, 0, kNodes);
  std::vector<const ServiceNodeSnapshot::Entry*> joined;
  for (uint64_t offset = 0; offset < whole.matched + 7; offset += 7) {
    const auto page = sorted.page(NodeSort::kLastUptimeProof, true, f, offset, 7);
    EXPECT_EQ(page.matched, whole.matched);
    joined.insert(joined.end(), page.entries.begin(), page.entries.end());
  }
  EXPECT_EQ(joined, whole.entries);
  EXPECT_TRUE(sorted.page(NodeSort::kLastUptimeProof, true, f, whole.matched, 7).entries.empty());
  EXPECT_TRUE(sorted.page(NodeSort::kPubkey, false, f, UINT64_MAX, 7).entries.empty());
}

TEST(ServiceNodeOrderEmpty, AnEmptyRegistryHasEmptyPages) {
  const SortedServiceNodes sorted{RegistryState()};
  const auto page = sorted.page(NodeSort::kStake, true, NodeFilter{}, 0, 50);
  EXPECT_EQ(page.matched, 0u);
  EXPECT_TRUE(page.entries.empty());
}

}  // namespace
}  // namespace swarmchain::rpc

// SortedServiceNodes: the service-node list of one registry state in every order the explorer
// asks for (get_service_node_page, rpc/explorer_api.h), and the filter that picks a page.
//
// It wraps a ServiceNodeSnapshot (rpc/service_node_snapshot.h), so a page's entries are the
// very "name":value pieces get_service_nodes writes: the same fields with the same values, by
// construction. It is a RegistrySnapshotCache snapshot too (made once per registry change,
// outside the chain lock); each order is an index vector sorted on first use and kept for the
// snapshot's life, so at 10,000 nodes a request is a walk over one vector, not a sort.
//
// Orders: a sort key compares the value of the entry field of that name (state: its name, so
// active < awaiting < decommissioned < deregistered; swarm: swarm_id, unassigned last when
// ascending; last_uptime_proof: seconds, as the field says). Ties are broken by pubkey
// ascending in both directions (a stable sort over the snapshot's pubkey order); "pubkey"
// descending is the pubkey order reversed.
//
// Thread-safety: immutable after construction except the lazily sorted orders, each made
// once under its std::once_flag; share it through shared_ptr<const SortedServiceNodes>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "registry/registry_state.h"
#include "registry/service_node.h"
#include "rpc/service_node_snapshot.h"

namespace swarmchain::rpc {

enum class NodeSort : uint8_t {
  kPubkey,
  kState,
  kOperatorFee,
  kStake,  // total_contributed
  kSwarm,
  kLastUptimeProof,
  kRegistrationHeight,
};
inline constexpr std::array<std::string_view, 7> kNodeSortNames{
    "pubkey", "state", "operator_fee", "stake", "swarm", "last_uptime_proof",
    "registration_height"};

enum class NodeStateFilter : uint8_t { kAll, kActive, kDecommissioned, kAwaiting };
inline constexpr std::array<std::string_view, 4> kNodeStateFilterNames{"all", "active",
                                                                       "decommissioned", "awaiting"};

// Which nodes a page lists. Every part must match.
struct NodeFilter {
  NodeStateFilter state = NodeStateFilter::kAll;
  // Lowercase hex digits (at most 64): a prefix of the node's pubkey (if `prefix_of_pubkey`) or
  // of its operator's. Empty: no condition.
  std::string hex_prefix;
  bool prefix_of_pubkey = true;
  std::optional<PubKey> operator_address;  // a whole operator address: that operator's nodes
};
bool node_matches(const ServiceNode& sn, const NodeFilter& filter);

class SortedServiceNodes {
 public:
  // For RegistrySnapshotCache: the inner snapshot reuses the previous one's unchanged entries.
  using Source = ServiceNodeSnapshot::Source;
  static Source collect(const RegistryState& registry, const SortedServiceNodes* previous) {
    return ServiceNodeSnapshot::collect(registry, previous ? &previous->nodes() : nullptr);
  }
  explicit SortedServiceNodes(Source source) : nodes_(std::move(source)) {}
  explicit SortedServiceNodes(const RegistryState& registry) : nodes_(registry) {}

  const ServiceNodeSnapshot& nodes() const { return nodes_; }

  // Indexes into nodes().entries() in the order of `sort`, ties by pubkey ascending.
  // O(n log n) on the first call for a (sort, descending), then O(1).
  const std::vector<uint32_t>& order(NodeSort sort, bool descending) const;

  struct Page {
    std::size_t matched = 0;  // entries that pass the filter
    std::vector<const ServiceNodeSnapshot::Entry*> entries;  // [offset, offset + limit) of them
  };
  Page page(NodeSort sort, bool descending, const NodeFilter& filter, uint64_t offset,
            std::size_t limit) const;

 private:
  static constexpr std::size_t kOrders = 2 * kNodeSortNames.size();
  ServiceNodeSnapshot nodes_;
  mutable std::array<std::once_flag, kOrders> made_;
  mutable std::array<std::vector<uint32_t>, kOrders> orders_;
};

}  // namespace swarmchain::rpc

#include "rpc/service_node_order.h"

#include <algorithm>
#include <numeric>

namespace swarmchain::rpc {
namespace {

// The state's rank in the alphabetical order of its name (node_state_name).
uint64_t state_rank(NodeState s) {
  switch (s) {
    case NodeState::kActive: return 0;
    case NodeState::kAwaiting: return 1;
    case NodeState::kDecommissioned: return 2;
    case NodeState::kDeregistered: return 3;
  }
  return 4;
}

// The value of the entry field `sort` names, as an integer that orders like it.
uint64_t sort_value(const ServiceNode& sn, NodeSort sort) {
  switch (sort) {
    case NodeSort::kPubkey: return 0;  // the snapshot's own order
    case NodeSort::kState: return state_rank(sn.state);
    case NodeSort::kOperatorFee: return sn.fee_bps;
    case NodeSort::kStake: return sn.total_contributed.atomic();
    case NodeSort::kSwarm: return sn.swarm_id;
    case NodeSort::kLastUptimeProof: return sn.last_proof_time_ms / 1000;  // the field's unit
    case NodeSort::kRegistrationHeight: return sn.registration_height.value;
  }
  return 0;
}

uint8_t hex_value(char c) {
  return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

// `digits`: lowercase hex digits, at most 2 * 32.
bool has_hex_prefix(const PubKey& pk, std::string_view digits) {
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const uint8_t byte = pk.data[i / 2];
    const uint8_t nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0f;
    if (nibble != hex_value(digits[i])) return false;
  }
  return true;
}

bool state_matches(NodeState s, NodeStateFilter f) {
  switch (f) {
    case NodeStateFilter::kAll: return true;
    case NodeStateFilter::kActive: return s == NodeState::kActive;
    case NodeStateFilter::kDecommissioned: return s == NodeState::kDecommissioned;
    case NodeStateFilter::kAwaiting: return s == NodeState::kAwaiting;
  }
  return false;
}

}  // namespace

bool node_matches(const ServiceNode& sn, const NodeFilter& filter) {
  if (!state_matches(sn.state, filter.state)) return false;
  if (filter.operator_address && sn.operator_address != *filter.operator_address) return false;
  if (filter.hex_prefix.empty()) return true;
  if (filter.hex_prefix.size() > 2 * PubKey::kSize) return false;  // no key is that long
  return (filter.prefix_of_pubkey && has_hex_prefix(sn.pubkey, filter.hex_prefix)) ||
         has_hex_prefix(sn.operator_address, filter.hex_prefix);
}

const std::vector<uint32_t>& SortedServiceNodes::order(NodeSort sort, bool descending) const {
  const std::size_t slot = 2 * static_cast<std::size_t>(sort) + (descending ? 1 : 0);
  std::call_once(made_[slot], [&] {
    const auto& entries = nodes_.entries();
    std::vector<uint32_t>& out = orders_[slot];
    out.resize(entries.size());
    std::iota(out.begin(), out.end(), uint32_t{0});  // ascending by pubkey
    if (sort == NodeSort::kPubkey) {
      if (descending) std::reverse(out.begin(), out.end());
      return;
    }
    std::vector<uint64_t> value(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) value[i] = sort_value(entries[i]->record, sort);
    // Stable over the pubkey order: equal values stay ascending by pubkey either way.
    if (descending) {
      std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return value[a] > value[b]; });
    } else {
      std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return value[a] < value[b]; });
    }
  });
  return orders_[slot];
}

SortedServiceNodes::Page SortedServiceNodes::page(NodeSort sort, bool descending,
                                                  const NodeFilter& filter, uint64_t offset,
                                                  std::size_t limit) const {
  Page out;
  const auto& entries = nodes_.entries();
  for (const uint32_t i : order(sort, descending)) {
    const ServiceNodeSnapshot::Entry* e = entries[i].get();
    if (!node_matches(e->record, filter)) continue;
    if (out.matched >= offset && out.entries.size() < limit) out.entries.push_back(e);
    ++out.matched;
  }
  return out;
}

}  // namespace swarmchain::rpc

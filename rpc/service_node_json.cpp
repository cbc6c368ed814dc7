#include "rpc/service_node_json.h"

#include <algorithm>
#include <string>

#include "common/address.h"
#include "common/hex.h"

namespace swarmchain::rpc {

using nlohmann::json;

namespace {

json contributors_json(const ServiceNode& sn) {
  json out = json::array();
  for (const Contributor& c : sn.contributors)
    out.push_back({{"address", address_from_pubkey(c.address)},
                   {"amount", c.amount.atomic()},
                   {"reserved", c.reserved.atomic()}});
  return out;
}

// Captureless lambdas, so that the table is a constant array of function pointers.
const std::array<ServiceNodeField, kServiceNodeFieldCount> kFields = {{
    {"service_node_pubkey", [](const ServiceNode& sn) { return json(to_hex(sn.pubkey)); }},
    // The node key is an ed25519 key: Oxen's separate legacy key and ed25519 key are one here.
    {"pubkey_ed25519", [](const ServiceNode& sn) { return json(to_hex(sn.pubkey)); }},
    {"pubkey_x25519", [](const ServiceNode& sn) { return json(to_hex(sn.pubkey_x25519)); }},
    {"swarm_id", [](const ServiceNode& sn) { return json(sn.swarm_id); }},
    {"swarm", [](const ServiceNode& sn) { return json(swarm_hex(sn.swarm_id)); }},
    // Contact data: from the last uptime proof; "0.0.0.0" and 0 before one, as Oxen answers.
    {"public_ip", [](const ServiceNode& sn) { return json(ipv4_text(sn.contact.public_ip)); }},
    {"storage_port", [](const ServiceNode& sn) { return json(sn.contact.storage_port); }},
    {"storage_lmq_port", [](const ServiceNode& sn) { return json(sn.contact.storage_lmq_port); }},
    {"quorumnet_port", [](const ServiceNode& sn) { return json(sn.contact.quorumnet_port); }},
    {"contributors", [](const ServiceNode& sn) { return contributors_json(sn); }},
    {"total_contributed", [](const ServiceNode& sn) { return json(sn.total_contributed.atomic()); }},
    {"total_reserved", [](const ServiceNode& sn) { return json(sn.total_reserved.atomic()); }},
    {"staking_requirement",
     [](const ServiceNode& sn) { return json(sn.staking_requirement.atomic()); }},
    {"operator_address",
     [](const ServiceNode& sn) { return json(address_from_pubkey(sn.operator_address)); }},
    {"operator_fee", [](const ServiceNode& sn) { return json(sn.fee_bps); }},
    {"registration_height",
     [](const ServiceNode& sn) { return json(sn.registration_height.value); }},
    {"requested_unlock_height",
     [](const ServiceNode& sn) { return json(sn.requested_unlock_height.value); }},
    {"active", [](const ServiceNode& sn) { return json(sn.is_active()); }},
    {"funded", [](const ServiceNode& sn) { return json(sn.is_fully_funded()); }},
    {"state", [](const ServiceNode& sn) { return json(node_state_name(sn.state)); }},
    {"last_uptime_proof", [](const ServiceNode& sn) { return json(sn.last_proof_time_ms / 1000); }},
    {"last_reward_block_height",
     [](const ServiceNode& sn) { return json(sn.last_reward_height.value); }},
    {"last_reward_transaction_index",
     [](const ServiceNode& sn) { return json(sn.last_reward_index); }},
    {"decommission_count", [](const ServiceNode& sn) { return json(sn.decommission_count); }},
    {"earned_downtime_blocks", [](const ServiceNode& sn) { return json(sn.recommission_credit); }},
    // The record stores 0 while the node never became active, which would read as "active
    // since genesis" (the genesis nodes' value): null says "never".
    {"active_since_height",
     [](const ServiceNode& sn) {
       return sn.state == NodeState::kAwaiting ? json(nullptr) : json(sn.active_since_height.value);
     }},
    {"rewards_earned", [](const ServiceNode& sn) { return json(sn.rewards_earned.atomic()); }},
    {"storage_server_version", [](const ServiceNode& sn) { return json(sn.contact.version); }},
    {"last_uptime_proof_height",
     [](const ServiceNode& sn) { return json(sn.last_proof_height.value); }},
}};

}  // namespace

const std::array<ServiceNodeField, kServiceNodeFieldCount>& service_node_fields() {
  return kFields;
}

std::optional<std::size_t> service_node_field_index(std::string_view name) {
  for (std::size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i].name == name) return i;
  return std::nullopt;
}

const std::vector<std::string_view>& service_node_field_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const ServiceNodeField& f : kFields) out.push_back(f.name);
    return out;
  }();
  return names;
}

json service_node_to_json(const ServiceNode& sn) {
  json out = json::object();
  for (const ServiceNodeField& f : kFields) out[std::string(f.name)] = f.value(sn);
  return out;
}

}  // namespace swarmchain::rpc

// The fields of one get_service_nodes entry (design §8, Oxen's service_node_states shape), as a
// table: each field's name and how it is written from a ServiceNode record. get_service_nodes'
// `fields` names these; service_node_to_json writes them all; ServiceNodeSnapshot serialises
// each one once per record.
//
// Every value depends on the record alone, and none is null except active_since_height while
// the node never became active (docs/rpc.md lists each field and its meaning).
//
// Thread-safety: pure functions over immutable tables.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/service_node.h"

namespace swarmchain::rpc {

inline constexpr std::size_t kServiceNodeFieldCount = 29;

struct ServiceNodeField {
  std::string_view name;
  nlohmann::json (*value)(const ServiceNode& sn);
};

// The entry fields, in the order an answer writes them.
const std::array<ServiceNodeField, kServiceNodeFieldCount>& service_node_fields();
// The index of `name` in service_node_fields(); nullopt for a name that is not an entry field.
std::optional<std::size_t> service_node_field_index(std::string_view name);
// The names of service_node_fields(), in that order.
const std::vector<std::string_view>& service_node_field_names();

// One service_node_states entry with every field.
nlohmann::json service_node_to_json(const ServiceNode& sn);

}  // namespace swarmchain::rpc

// Human text for get_service_node_status's "liveness" object (rpc/registry_api.cpp), shared by
// `swarmchain-wallet sn status` and `swarmchaind status`: where a node stands, what the next
// blocks will do to it and why. A field missing from the answer prints as "?".
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace swarmchain::rpc {

// "45 s", "12 min 05 s", "2 h 05 min", "3 d 4 h".
std::string format_duration_s(uint64_t seconds);

// The status's swarm: 16 hex digits, "none" while it has none (awaiting, decommissioned), "?"
// when the answer carries no swarm_id.
std::string swarm_text(const nlohmann::json& status);

// Indented lines ("  liveness:     ...\n"), or "" when `status` has no liveness object.
std::string liveness_text(const nlohmann::json& status);

}  // namespace swarmchain::rpc

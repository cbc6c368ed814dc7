// Shared by the wallet's service-node tests (sn_wallet_test.cpp, sn_wallet_client_test.cpp):
// amounts in whole coins, and a get_service_node_status answer that carries stake limits.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/amount.h"

namespace swarmchain::test {

inline Amount coins(uint64_t n) {
  return Amount::coins(n);
}

// An awaiting node's get_service_node_status answer that takes stakes from `min` to `max`.
inline nlohmann::json status_with_limits(Amount min, Amount max) {
  return nlohmann::json{{"state", "awaiting"},
                        {"staking_requirement", coins(15000).atomic()},
                        {"total_contributed", coins(3750).atomic()},
                        {"stake_limits", {{"min", min.atomic()}, {"max", max.atomic()}}}};
}

}  // namespace swarmchain::test

// Shared by the wallet's service-node tests (sn_wallet_test.cpp, sn_wallet_client_test.cpp):
// amounts in whole coins, a signed registration, and a get_service_node_status answer that
// carries stake limits.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/amount.h"
#include "common/crypto.h"
#include "registry/service_node.h"

namespace swarmchain::test {

inline Amount coins(uint64_t n) {
  return Amount::coins(n);
}

// A registration of `sn_key` by operator `op` reserving 3,750 coins for it, signed for
// `chain_id`.
inline Registration signed_registration(const KeyPair& sn_key, const PubKey& op, uint16_t fee_bps,
                                        Height expiry, const Hash& chain_id) {
  Registration reg;
  reg.sn_pubkey = sn_key.pubkey();
  reg.operator_address = op;
  reg.fee_bps = fee_bps;
  reg.reserved = {{op, coins(3750)}};
  reg.expiry_height = expiry;
  reg.sign(sn_key, chain_id);
  return reg;
}

// An awaiting node's get_service_node_status answer that takes stakes from `min` to `max`.
inline nlohmann::json status_with_limits(Amount min, Amount max) {
  return nlohmann::json{{"state", "awaiting"},
                        {"staking_requirement", coins(15000).atomic()},
                        {"total_contributed", coins(3750).atomic()},
                        {"stake_limits", {{"min", min.atomic()}, {"max", max.atomic()}}}};
}

}  // namespace swarmchain::test

// `swarmchaind prepare-registration`: run on the service node, it signs a registration with the
// node key (which never leaves the node) and prints it as one "swreg1…" string for the
// operator's wallet (`swarmchain-wallet sn register <string>`), design §5.2.
//
//   swarmchaind prepare-registration --datadir D --operator sw1… [--operator-stake X]
//       [--fee 5%] [--reserve sw1…:AMOUNT …] [--expiry-blocks N] [--node http://127.0.0.1:22023]
//
// The chain id and the current height come from the node's RPC (get_info, get_staking_requirement);
// the registration expires at height + expiry_blocks. Every rule the chain will check
// (operator minimum, reserved minimums, Σ ≤ requirement, ≤ max contributors, no duplicates) is
// checked here first, so a bad registration is explained before it costs a fee.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/expected.h"
#include "registry/service_node.h"

namespace swarmchain {

struct PrepareRegistrationOptions {
  std::filesystem::path datadir;
  std::string operator_address;
  std::string operator_stake;  // empty: everything the reserved spots leave
  std::string fee = "0%";
  std::vector<std::string> reserve;  // "sw1…:amount"
  uint64_t expiry_blocks = 20'000;
  std::string node_url = "http://127.0.0.1:22023";
};

// "5%", "5.25%", "0%" (at most two decimals, ≤ 100%) → basis points.
Expected<uint16_t> parse_fee_percent(std::string_view text);

// Everything but the node I/O: builds and signs the registration, checking the rules.
struct RegistrationContext {
  Hash chain_id;
  uint64_t height = 0;
  Amount staking_requirement;
  Amount min_operator_stake;
  uint32_t max_contributors = 10;
};
Expected<Registration> build_registration(const PrepareRegistrationOptions& o,
                                          const RegistrationContext& ctx, const KeyPair& node_key);

// The subcommand: loads the node key, asks the node for the context, prints the string.
int run_prepare_registration(const PrepareRegistrationOptions& o);

}  // namespace swarmchain

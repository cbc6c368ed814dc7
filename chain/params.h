// ChainParams and Genesis (design §4.1). Loaded from a genesis JSON file; the canonical
// encoding of the whole Genesis is hashed into the chain id, so two nodes agree on every
// parameter or refuse to talk.
//
// Genesis grammar (chain id = H("swarmchain/genesis/v1" || encoding)):
//   network str<32> || genesis_time_ms u64 || params || vector<account, 100000> ||
//   vector<service_node, 10000>
//   params  = target_block_ms u64 || staking_requirement u64 || min_operator_stake u64 ||
//             max_contributors u32 || unlock_delay_blocks u64 || dereg_lock_blocks u64 ||
//             block_reward u64 || committee_size u32 || epoch_blocks u64 ||
//             min_swarm_size u32 || ideal_swarm_size u32 || proof_interval_s u64 ||
//             proof_lifetime_s u64 || max_block_bytes u64 || max_block_txs u32 ||
//             max_clock_drift_ms u64 || timeout_propose_ms u64 || timeout_prevote_ms u64 ||
//             timeout_precommit_ms u64 || timeout_delta_ms u64 || proof_skew_ms u64 ||
//             credit_initial_s u64 || credit_per_day_s u64 || credit_max_s u64 ||
//             credit_min_to_decommission_s u64
//   account = pubkey[32] || balance u64
//   service_node = pubkey[32] || operator[32] || stake u64
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/expected.h"

namespace swarmchain {

struct ChainParams {
  uint64_t target_block_ms = 2000;
  Amount staking_requirement = Amount::coins(15'000);
  Amount min_operator_stake = Amount::coins(15'000 / 4);
  uint32_t max_contributors = 10;
  uint64_t unlock_delay_blocks = 648'000;
  uint64_t dereg_lock_blocks = 1'296'000;
  Amount block_reward = Amount(275'000'000);
  uint32_t committee_size = 100;
  uint64_t epoch_blocks = 300;
  uint32_t min_swarm_size = 5;
  uint32_t ideal_swarm_size = 7;
  uint64_t proof_interval_s = 3600;
  uint64_t proof_lifetime_s = 7500;
  uint64_t max_block_bytes = 4u << 20;
  uint32_t max_block_txs = 20'000;
  // Consensus (design §6.2): a proposal stamped more than this ahead of a validator's clock
  // gets a nil prevote; round timeouts grow by timeout_delta_ms per round.
  uint64_t max_clock_drift_ms = 2000;
  uint64_t timeout_propose_ms = 1000;
  uint64_t timeout_prevote_ms = 500;
  uint64_t timeout_precommit_ms = 500;
  uint64_t timeout_delta_ms = 250;
  // An uptime proof's time may differ from the block time by at most this much (§7.4).
  uint64_t proof_skew_ms = 5 * 60 * 1000;
  // Liveness credits (design §5.4; registry/liveness_rules.h), in time (the registry keeps
  // them in blocks at target_block_ms): Oxen's values on main-like.
  uint64_t credit_initial_s = 2 * 3600;
  uint64_t credit_per_day_s = 48 * 60;
  uint64_t credit_max_s = 48 * 3600;
  uint64_t credit_min_to_decommission_s = 2 * 3600;

  static ChainParams main_like();
  static ChainParams dev();
  void encode(Writer& w) const;
  static ChainParams decode(Reader& r);
  // Checks internal consistency (non-zero sizes, min stake <= requirement, ...).
  Status validate() const;
  friend bool operator==(const ChainParams&, const ChainParams&) = default;
};

struct GenesisAccount {
  PubKey pubkey;
  Amount balance;
  friend bool operator==(const GenesisAccount&, const GenesisAccount&) = default;
};

// A service node that is staked and active from block 0, so block 1 has a committee.
struct GenesisServiceNode {
  PubKey pubkey;
  PubKey operator_key;
  Amount stake;
  friend bool operator==(const GenesisServiceNode&, const GenesisServiceNode&) = default;
};

enum class GenesisJsonError { kSyntax = 1, kContent, kFile };

struct Genesis {
  std::string network = "dev";
  uint64_t genesis_time_ms = 0;
  ChainParams params;
  std::vector<GenesisAccount> accounts;
  std::vector<GenesisServiceNode> service_nodes;

  void encode(Writer& w) const;
  static Genesis decode(Reader& r);
  Hash chain_id() const;
  Status validate() const;

  // JSON form (chain/genesis_json.cpp). from_json's errors are GenesisJsonError kSyntax
  // ("line L column C: what is wrong") or kContent (the key path, e.g. "accounts[2].balance is
  // negative (-1) ..."); load() puts "genesis <path>" in front and tells a missing file, a
  // directory and an unreadable file (with the OS's reason) apart.
  std::string to_json() const;
  static Expected<Genesis> from_json(std::string_view text);
  static Expected<Genesis> load(const std::filesystem::path& path);
  friend bool operator==(const Genesis&, const Genesis&) = default;
};

}  // namespace swarmchain

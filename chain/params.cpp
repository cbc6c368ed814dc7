#include "chain/params.h"

#include <set>

#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "registry/service_node.h"

namespace swarmchain {

ChainParams ChainParams::main_like() { return ChainParams{}; }

ChainParams ChainParams::dev() {
  ChainParams p;
  p.target_block_ms = 500;
  p.staking_requirement = Amount::coins(100);
  p.min_operator_stake = Amount::coins(25);
  p.unlock_delay_blocks = 40;
  p.dereg_lock_blocks = 80;
  p.block_reward = Amount::coins(1);
  p.committee_size = 4;
  p.epoch_blocks = 10;
  p.proof_interval_s = 20;
  p.proof_lifetime_s = 60;
  // The whole liveness cycle in minutes: a node that stops is decommissioned after a minute
  // and deregistered a few minutes later; credit grows half as fast as time (43,200 s a day),
  // up to 10 minutes.
  p.credit_initial_s = 120;
  p.credit_per_day_s = 43'200;
  p.credit_max_s = 600;
  p.credit_min_to_decommission_s = 60;
  p.max_clock_drift_ms = 1000;
  p.timeout_propose_ms = 500;
  p.timeout_prevote_ms = 250;
  p.timeout_precommit_ms = 250;
  p.timeout_delta_ms = 125;
  return p;
}

void ChainParams::encode(Writer& w) const {
  w.u64(target_block_ms);
  w.amount(staking_requirement);
  w.amount(min_operator_stake);
  w.u32(max_contributors);
  w.u64(unlock_delay_blocks);
  w.u64(dereg_lock_blocks);
  w.amount(block_reward);
  w.u32(committee_size);
  w.u64(epoch_blocks);
  w.u32(min_swarm_size);
  w.u32(ideal_swarm_size);
  w.u64(proof_interval_s);
  w.u64(proof_lifetime_s);
  w.u64(max_block_bytes);
  w.u32(max_block_txs);
  w.u64(max_clock_drift_ms);
  w.u64(timeout_propose_ms);
  w.u64(timeout_prevote_ms);
  w.u64(timeout_precommit_ms);
  w.u64(timeout_delta_ms);
  w.u64(proof_skew_ms);
  w.u64(credit_initial_s);
  w.u64(credit_per_day_s);
  w.u64(credit_max_s);
  w.u64(credit_min_to_decommission_s);
}

ChainParams ChainParams::decode(Reader& r) {
  ChainParams p;
  p.target_block_ms = r.u64();
  p.staking_requirement = r.amount();
  p.min_operator_stake = r.amount();
  p.max_contributors = r.u32();
  p.unlock_delay_blocks = r.u64();
  p.dereg_lock_blocks = r.u64();
  p.block_reward = r.amount();
  p.committee_size = r.u32();
  p.epoch_blocks = r.u64();
  p.min_swarm_size = r.u32();
  p.ideal_swarm_size = r.u32();
  p.proof_interval_s = r.u64();
  p.proof_lifetime_s = r.u64();
  p.max_block_bytes = r.u64();
  p.max_block_txs = r.u32();
  p.max_clock_drift_ms = r.u64();
  p.timeout_propose_ms = r.u64();
  p.timeout_prevote_ms = r.u64();
  p.timeout_precommit_ms = r.u64();
  p.timeout_delta_ms = r.u64();
  p.proof_skew_ms = r.u64();
  p.credit_initial_s = r.u64();
  p.credit_per_day_s = r.u64();
  p.credit_max_s = r.u64();
  p.credit_min_to_decommission_s = r.u64();
  return p;
}

Status ChainParams::validate() const {
  if (target_block_ms == 0) return Status::error("target_block_ms must be > 0");
  if (staking_requirement.atomic() == 0) return Status::error("staking_requirement must be > 0");
  if (min_operator_stake > staking_requirement)
    return Status::error("min_operator_stake exceeds staking_requirement");
  // The record's decoder holds at most 10 contributors (registry/service_node.h).
  if (max_contributors == 0 || max_contributors > kMaxContributorsLimit)
    return Status::error("max_contributors must be in 1..10");
  if (committee_size == 0 || committee_size > 1024)
    return Status::error("committee_size must be in 1..1024");
  if (epoch_blocks == 0) return Status::error("epoch_blocks must be > 0");
  if (min_swarm_size == 0 || ideal_swarm_size < min_swarm_size)
    return Status::error("need 0 < min_swarm_size <= ideal_swarm_size");
  if (max_block_bytes < 1024 || max_block_bytes > (64u << 20))
    return Status::error("max_block_bytes must be in 1 KiB..64 MiB");
  if (max_block_txs == 0) return Status::error("max_block_txs must be > 0");
  if (proof_interval_s == 0 || proof_lifetime_s < proof_interval_s)
    return Status::error("need 0 < proof_interval_s <= proof_lifetime_s");
  if (max_clock_drift_ms == 0) return Status::error("max_clock_drift_ms must be > 0");
  if (timeout_propose_ms == 0 || timeout_prevote_ms == 0 || timeout_precommit_ms == 0)
    return Status::error("consensus timeouts must be > 0");
  if (proof_skew_ms == 0) return Status::error("proof_skew_ms must be > 0");
  if (credit_max_s == 0 || credit_initial_s > credit_max_s ||
      credit_min_to_decommission_s > credit_max_s)
    return Status::error(
        "need 0 < credit_max_s, credit_initial_s <= credit_max_s and "
        "credit_min_to_decommission_s <= credit_max_s");
  return Status::ok();
}

void Genesis::encode(Writer& w) const {
  w.str(network);
  w.u64(genesis_time_ms);
  params.encode(w);
  w.varint(accounts.size());
  for (const auto& a : accounts) {
    w.fixed(a.pubkey);
    w.amount(a.balance);
  }
  w.varint(service_nodes.size());
  for (const auto& sn : service_nodes) {
    w.fixed(sn.pubkey);
    w.fixed(sn.operator_key);
    w.amount(sn.stake);
  }
}

Genesis Genesis::decode(Reader& r) {
  Genesis g;
  g.network = r.str(32);
  g.genesis_time_ms = r.u64();
  g.params = ChainParams::decode(r);
  uint64_t na = r.count(100'000);
  for (uint64_t i = 0; i < na && r.ok(); ++i) {
    GenesisAccount a;
    a.pubkey = r.fixed<PubKey>();
    a.balance = r.amount();
    g.accounts.push_back(a);
  }
  uint64_t ns = r.count(10'000);
  for (uint64_t i = 0; i < ns && r.ok(); ++i) {
    GenesisServiceNode sn;
    sn.pubkey = r.fixed<PubKey>();
    sn.operator_key = r.fixed<PubKey>();
    sn.stake = r.amount();
    g.service_nodes.push_back(sn);
  }
  return g;
}

Hash Genesis::chain_id() const { return hash_tagged("swarmchain/genesis/v1", swarmchain::encode(*this)); }

Status Genesis::validate() const {
  if (network.empty() || network.size() > 32) return Status::error("network name must be 1..32 chars");
  if (Status s = params.validate(); !s) return Status::error("genesis params: " + s.message());
  if (service_nodes.empty())
    return Status::error("genesis needs at least one service node (the first committee)");
  std::set<PubKey> seen;
  Amount total;
  for (const auto& a : accounts) {
    if (!seen.insert(a.pubkey).second)
      return Status::error("genesis lists account " + address_from_pubkey(a.pubkey) + " twice");
    // Coins no key can spend would be burned from block 0 (the transfer rule, for genesis).
    if (!is_valid_public_key(a.pubkey))
      return Status::error("genesis account " + to_hex(a.pubkey) +
                           " is not a valid ed25519 public key");
    auto t = total.checked_add(a.balance);
    if (!t) return Status::error("genesis balances overflow");
    total = *t;
  }
  std::set<PubKey> sns;
  for (const auto& sn : service_nodes) {
    if (!sns.insert(sn.pubkey).second)
      return Status::error("genesis lists service node " + to_hex(sn.pubkey) + " twice");
    if (sn.stake < params.staking_requirement)
      return Status::error("genesis service node " + to_hex(sn.pubkey) + " is not fully staked");
    // The registry derives the node's x25519 key; a key that is not a valid ed25519 point has
    // none, and could never sign anything either.
    if (!ed25519_pk_to_x25519(sn.pubkey))
      return Status::error("genesis service node " + to_hex(sn.pubkey) +
                           " is not a valid ed25519 public key");
    if (!is_valid_public_key(sn.operator_key))
      return Status::error("genesis service node " + to_hex(sn.pubkey) + "'s operator " +
                           to_hex(sn.operator_key) + " is not a valid ed25519 public key");
  }
  return Status::ok();
}

}  // namespace swarmchain

// Shared set-up of the staking-rule tests (registry/staking_rules.h): small parameters
// (requirement 100 coins, operator minimum 25, 10 contributors, unlock delay 40, block reward
// 1 coin, swarms 5/7), deterministic keys, and a fixture that runs blocks on a RegistryState.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/codec.h"
#include "common/crypto.h"
#include "registry/registry_state.h"
#include "registry/staking_rules.h"

namespace swarmchain::staking_test {

inline RegistryParams small_params() {
  RegistryParams p;
  p.staking_requirement = Amount::coins(100);
  p.min_operator_stake = Amount::coins(25);
  p.max_contributors = 10;
  p.unlock_delay_blocks = 40;
  p.block_reward = Amount::coins(1);
  p.swarm = SwarmParams{5, 7};
  return p;
}

inline KeyPair key(std::string_view role, uint64_t i) {
  Writer w;
  w.u64(i);
  const Hash h = hash_tagged(std::string("swarmchain/test/staking/") + std::string(role), w.data());
  return KeyPair::from_seed(Seed::from(h.view()));
}
inline PubKey node_key(uint64_t i) { return key("node", i).pubkey(); }
inline PubKey addr(uint64_t i) { return key("addr", i).pubkey(); }

// Pubkeys that need not be valid points (records built by hand).
inline PubKey fake_key(uint64_t i) {
  Writer w;
  w.u64(i);
  return PubKey::from(hash_tagged("swarmchain/test/staking/fake", w.data()).view());
}

inline Hash block_seed(uint64_t i) {
  Writer w;
  w.u64(i);
  return hash_tagged("swarmchain/test/staking/seed", w.data());
}

inline Amount coins(uint64_t n) { return Amount::coins(n); }
inline Amount add(Amount a, Amount b) { return *a.checked_add(b); }
inline Amount sub(Amount a, Amount b) { return *a.checked_sub(b); }

inline bool waits_less_for_test(const ServiceNode& a, const ServiceNode& b) {
  return std::tie(a.last_reward_height, a.last_reward_index, a.pubkey) <
         std::tie(b.last_reward_height, b.last_reward_index, b.pubkey);
}

#define EXPECT_REJECTED(status_expr, view, reason)                              \
  do {                                                                          \
    const Status st_ = (status_expr);                                           \
    EXPECT_FALSE(st_.is_ok());                                                  \
    EXPECT_EQ(st_.code_as<RegistryError>(), (reason))                           \
        << registry_error_name(st_.code_as<RegistryError>()) << ": " << st_.message(); \
    EXPECT_FALSE(st_.message().empty());                                        \
    EXPECT_TRUE((view).changes().empty()) << "a rejected call changed the view"; \
  } while (0)

class StakingRules : public ::testing::Test {
 protected:
  RegistryParams p = small_params();
  Hash chain_id = hash_tagged("swarmchain/test/chain", ByteView{});
  RegistryState state;
  uint64_t next_block = 1;  // height of the next block

  Registration make_reg(uint64_t sn_index, const PubKey& op, uint16_t fee,
                        std::vector<ReservedSpot> reserved, Height expiry = Height(1000)) {
    const KeyPair sn = key("node", sn_index);
    Registration r;
    r.sn_pubkey = sn.pubkey();
    r.operator_address = op;
    r.fee_bps = fee;
    r.reserved = std::move(reserved);
    r.expiry_height = expiry;
    r.sign(sn, chain_id);
    return r;
  }
  Registration solo_reg(uint64_t sn_index, uint64_t op_index, Amount reserved = coins(25),
                        uint16_t fee = 0) {
    return make_reg(sn_index, addr(op_index), fee, {{addr(op_index), reserved}});
  }

  // Runs one block: `txs` against a view, then end_block; commits and returns the payouts.
  template <typename Txs>
  std::vector<Payout> block(Txs&& txs) {
    const Height h(next_block++);
    RegistryView v(state);
    txs(v, h);
    std::vector<Payout> out;
    end_block(v, p, h, block_seed(h.value), out);
    state.apply(v.take_changes());
    return out;
  }
  std::vector<Payout> empty_block() {
    return block([](RegistryView&, Height) {});
  }

  // Registers node `sn_index` with operator `op_index` staking `amount` alone (its own block).
  void register_solo(uint64_t sn_index, uint64_t op_index, Amount amount) {
    block([&](RegistryView& v, Height h) {
      ASSERT_TRUE(apply_registration(v, p, chain_id, addr(op_index),
                                     solo_reg(sn_index, op_index, std::min(amount, coins(100))),
                                     amount, h, 0)
                      .is_ok());
    });
  }

  // One block in which nodes first..last register fully funded (node i by operator i);
  // returns their pubkeys, ascending.
  std::vector<PubKey> activate_in_one_block(uint64_t first, uint64_t last) {
    std::vector<PubKey> keys;
    block([&](RegistryView& v, Height h) {
      for (uint64_t i = first; i <= last; ++i) {
        EXPECT_TRUE(apply_registration(v, p, chain_id, addr(i), solo_reg(i, i, coins(100)),
                                       coins(100), h, static_cast<uint32_t>(i))
                        .is_ok());
        keys.push_back(node_key(i));
      }
    });
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  const ServiceNode& rec(const PubKey& pk) {
    const ServiceNode* sn = state.get(pk);
    EXPECT_NE(sn, nullptr);
    static const ServiceNode kEmpty;
    return sn != nullptr ? *sn : kEmpty;
  }
};

// An active record built by hand: the first amount is the operator's, fee in basis points.
inline ServiceNode synthetic_node(const PubKey& pk, uint16_t fee, const std::vector<Amount>& amounts) {
  ServiceNode sn;
  sn.pubkey = pk;
  sn.operator_address = fake_key(1'000'000 + pk.data[0]);
  sn.fee_bps = fee;
  uint64_t total = 0;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    const PubKey a = i == 0 ? sn.operator_address : fake_key(2'000'000 + 100 * pk.data[0] + i);
    sn.contributors.push_back({a, amounts[i], Amount()});
    total += amounts[i].atomic();
  }
  sn.total_contributed = sn.total_reserved = sn.staking_requirement = Amount(total);
  sn.state = NodeState::kActive;
  return sn;
}

}  // namespace swarmchain::staking_test

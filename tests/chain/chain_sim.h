// An in-memory chain for rule tests that span many blocks (proofs, evidence, committees):
// builds each block with the executor, validates it as a peer would (signatures included),
// applies it to a ChainState the way Blockchain::commit does, and certifies it with every
// member of its committee (keys are test_key(i), found by pubkey).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>

#include "chain/executor.h"
#include "chain/tx_check.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {

inline const KeyPair& key_of(const PubKey& pk) {
  static const std::map<PubKey, KeyPair> keys = [] {
    std::map<PubKey, KeyPair> m;
    for (int i = 1; i < 256; ++i) {
      KeyPair k = test_key(static_cast<uint8_t>(i));
      m.emplace(k.pubkey(), k);
    }
    return m;
  }();
  return keys.at(pk);
}

// A certificate of `b` by every member of `committee`, in committee order.
inline CommitCertificate certify_all(const Hash& chain_id, const Block& b,
                                     const std::vector<PubKey>& committee) {
  CommitCertificate c{b.header.height, 0, b.hash(), {}};
  const Hash digest = vote_digest(chain_id, VoteType::kPrecommit, b.header.height, 0, b.hash());
  for (std::size_t i = 0; i < committee.size(); ++i)
    c.sigs.push_back({static_cast<uint16_t>(i), key_of(committee[i]).sign(digest)});
  return c;
}

// Commits the next block of `bc` with `txs` (all must apply), proposed by its committee's first
// member and certified by the whole committee.
inline void commit_certified(Blockchain& bc, const std::vector<Tx>& txs = {}) {
  const std::vector<PubKey> members = bc.committee(bc.tip().header.height.next());
  Block b;
  bc.with_state([&](const ChainState& state, const ChainTip& tip) {
    auto built = bc.executor().build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500,
                                     members.front());
    EXPECT_TRUE(built.skipped.empty());
    b = std::move(built.block);
  });
  Status s = bc.commit(b, certify_all(bc.chain_id(), b, members));
  ASSERT_TRUE(s) << s.message();
}

// test_genesis(4) plus service nodes test_key(k) for k in `extra` (operator test_key(1)).
inline Genesis genesis_with_nodes(const std::vector<uint8_t>& extra) {
  Genesis g = test_genesis(4);
  for (uint8_t k : extra)
    g.service_nodes.push_back({test_key(k).pubkey(), test_key(1).pubkey(),
                               g.params.staking_requirement});
  return g;
}

// Σ balances + Σ stakes held in records: what the block rewards add to, and nothing else.
inline uint64_t supply(const ChainState& s) {
  uint64_t total = 0;
  s.accounts.for_each([&](const PubKey&, const Account& a) { total += a.balance.atomic(); });
  s.registry.for_each([&](const ServiceNode& sn) {
    for (const Contributor& c : sn.contributors) total += c.amount.atomic();
  });
  return total;
}

class MemChain {
 public:
  explicit MemChain(const Genesis& g)
      : ex(g), state(ex.genesis_state()), tip(ex.genesis_block(state).header) {
    remember_block_hash(state.recent_hashes, Height(0), ex.genesis_block(state).hash());
  }

  // Builds, validates and applies the next block, `step_ms` after the tip; every tx must apply.
  Block next(const std::vector<Tx>& txs = {}, uint64_t step_ms = 500) {
    const std::vector<PubKey> members = ex.committee(state, tip.height.next());
    auto built = ex.build(state, tip, cert, txs, tip.time_ms + step_ms, members.front());
    EXPECT_TRUE(built.skipped.empty()) << "a tx did not apply at height " << tip.height.next().value;
    auto v = ex.validate(state, tip, cert, built.block);
    EXPECT_TRUE(v) << v.error().message();
    if (v) apply(built.block, std::move(*v), members);
    return built.block;
  }
  // Runs empty blocks until the tip is at height h.
  void run_to(uint64_t h, uint64_t step_ms = 500) {
    while (tip.height.value < h) next({}, step_ms);
  }
  // The verdict on `b` as the child of the tip (without applying it).
  Expected<ExecutedBlock> check(const Block& b) const { return ex.validate(state, tip, cert, b); }
  // A child of the tip built from `txs`, not applied.
  Executor::Built build(const std::vector<Tx>& txs, uint64_t step_ms = 500) const {
    const std::vector<PubKey> members = ex.committee(state, tip.height.next());
    return ex.build(state, tip, cert, txs, tip.time_ms + step_ms, members.front());
  }
  uint64_t next_time(uint64_t step_ms = 500) const { return tip.time_ms + step_ms; }
  // The code apply_tx gives `tx` in the next block (0: it applies), checking that a refusal
  // changed nothing.
  int verdict(const Tx& tx) const {
    Status s = check_tx_stateless(tx, ex.chain_id());
    if (!s) return s.code();
    StateView view(state);
    s = apply_tx(view, tx, TxEnv{ex.chain_id(), ex.registry_params(), tip.height.next(), 0,
                                 next_time()});
    if (!s) {
      EXPECT_TRUE(view.registry.changes().empty()) << s.message();
      EXPECT_TRUE(view.changes().empty()) << s.message();
      EXPECT_TRUE(view.liveness.empty()) << s.message();
    }
    return s.code();
  }

  Executor ex;
  ChainState state;
  BlockHeader tip;
  std::optional<CommitCertificate> cert;
  std::vector<BlockHeader> headers;  // every applied header, in order

 private:
  void apply(const Block& b, ExecutedBlock e, const std::vector<PubKey>& members) {
    advance_state(state, b, b.hash(), std::move(e));
    cert = certify_all(ex.chain_id(), b, members);
    tip = b.header;
    headers.push_back(b.header);
  }
};

}  // namespace swarmchain::test

// The single-engine harness of the engine tests: one engine under test (node 0 = key(1)) of a
// committee of four; the other three members are played by the test with hand-made signed
// messages, so each rule of Algorithm 1 is reached on purpose.
// Heights start at 1, so proposer(1, r) = committee[(1 + r) mod 4]: key(2) in round 0,
// key(3) in round 1, key(4) in round 2, key(1) (the engine) in round 3.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

#include "consensus/engine.h"
#include "tests/consensus/test_net.h"

namespace swarmchain::consensus::test {

inline const Height kH(1);

// What "the state did not change" compares.
struct Snapshot {
  Height height;
  uint32_t round;
  Step step;
  std::optional<uint32_t> locked;
  bool decided;
  std::size_t own;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class Single : public ::testing::Test {
 protected:
  Single() : keys{key(1), key(2), key(3), key(4)} {
    for (const auto& k : keys) committee.push_back(k.pubkey());
  }

  void SetUp() override { start(); }

  void start(uint64_t propose_delay_ms = 0, uint32_t start_round = 0) {
    engine.emplace(test::chain_id(), keys[0].pubkey(), TimeoutConfig{}, [this](const Proposal& p) {
      ++validity_calls;
      return validity ? validity(p) : hash_matches(p);
    });
    out = settle(engine->start_height(kH, committee, propose_delay_ms, start_round));
  }

  // Signs the engine's requests with its key, steps them back in (and so on); returns every
  // output merged, and keeps the signed messages in `sent`.
  Output settle(Output o) {
    Output all;
    std::vector<SignRequest> reqs = o.to_sign;
    all.merge(std::move(o));
    for (auto& r : reqs) {
      std::visit([&](auto& x) { x.sign(keys[0], test::chain_id()); }, r);
      sent.push_back(r);
      all.merge(settle(engine->step(r)));
    }
    return all;
  }
  Output step(const Message& m) { return out = settle(engine->step(m)); }
  Output tick(Step s) { return out = settle(engine->tick(Timeout{kH, engine->round(), s})); }

  Snapshot snap() const {
    return {engine->height(),       engine->round(),   engine->step_kind(),
            engine->locked_round(), engine->decided(), engine->own_messages().size()};
  }

  // The engine's last signed vote of `type`.
  std::optional<Vote> last_sent(VoteType type) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (const auto* x = std::get_if<Vote>(&*it); x && x->type == type) return *x;
    return std::nullopt;
  }

  Vote vote(std::size_t k, VoteType t, uint32_t r, const Hash& value, Height h = kH) {
    return signed_vote(keys[k], t, h, r, value);
  }
  Proposal proposal(std::size_t k, uint32_t r, const Bytes& value, uint32_t pol = kNoRound,
                    Height h = kH) {
    return signed_proposal(keys[k], h, r, value, pol);
  }
  // Prevotes (or precommits) for v from members 1..3 in round r.
  void votes_from_others(VoteType t, uint32_t r, const Hash& value, std::size_t count = 3) {
    for (std::size_t k = 1; k <= count; ++k) step(vote(k, t, r, value));
  }

  // Round 0: key(2) proposes v, everyone prevotes it: the engine locks on v in round 0. Then
  // the others precommit nil, the precommit timeout moves the engine to round 1.
  void lock_on_v_in_round_0_then_go_to_round_1() {
    step(proposal(1, 0, v));
    votes_from_others(VoteType::kPrevote, 0, hv, 2);
    ASSERT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
    votes_from_others(VoteType::kPrecommit, 0, Hash{}, 2);
    tick(Step::kPrecommit);
    ASSERT_EQ(engine->round(), 1u);
  }

  std::vector<KeyPair> keys;
  std::vector<PubKey> committee;
  std::optional<Engine> engine;
  std::function<Status(const Proposal&)> validity;
  int validity_calls = 0;
  std::vector<Message> sent;
  Output out;
  const Bytes v = value_for(1, kH, 0);
  const Hash hv = value_hash(v);
  const Bytes w = value_for(2, kH, 1);
  const Hash hw = value_hash(w);
};

inline bool has_drop(const Output& o, DropReason r) {
  return std::any_of(o.dropped.begin(), o.dropped.end(),
                     [&](const Dropped& d) { return d.reason == r; });
}

}  // namespace swarmchain::consensus::test

// consensus::Engine: Tendermint's BFT state machine (Buchman, Kwon, Milosevic 2018, Algorithm 1;
// design §6.2, §6.3), pure in the style of etcd-raft: inputs are messages, timer expiries and
// values to propose; every call returns an Output saying what the caller must do. The engine
// does no I/O, reads no clock, starts no thread, logs nothing and uses no global.
//
// Shape of one height:
//   start_height(h, committee, propose_delay_ms)  -> Output (timers, maybe a ProposeRequest)
//     (a restarted node passes the round it signed in last as start_round)
//   step(message)                                  -> Output (sign requests, timers, decision)
//   tick(timeout)                                  -> Output
//   propose(h, round, value)                       -> Output (a proposal to sign)
// The caller (the node's driver) signs every SignRequest through its Signer (the sign-state
// guard, §6.4), broadcasts the signed message and gives it back to step(): the engine counts
// its own vote only once it is signed, so a refused signature can never be counted.
// When Output.decided is set, the caller commits the value with its certificate and then calls
// start_height(h + 1, ...). Messages for h + 1 that arrive before that are kept (bounded) and
// replayed by start_height.
//
// Rules (the paper's line numbers in engine.cpp):
//   - quorum = floor(2n/3) + 1 of the committee (equal weight); f + 1 = n - quorum + 1;
//   - proposer(h, r) = committee[(h + r) mod n];
//   - timeouts: propose = propose_ms + r * delta_ms (plus propose_delay_ms in round 0),
//     prevote = prevote_ms + r * delta_ms, precommit = precommit_ms + r * delta_ms;
//   - f + 1 messages of any kind from distinct members for a higher round of this height:
//     skip to that round;
//   - locked/valid value and round exactly as Algorithm 1.
//
// Bad input never reaches an assert and never changes the state: a message with a bad
// signature, from a non-member, for a height other than h or h + 1 (far future or stale), with
// a round beyond kMaxRoundAhead of the current one, or a proposal not from the round's proposer
// is dropped and reported in Output.dropped (the driver counts it per sender). A second,
// different vote of one validator for the same (type, height, round) is reported once as
// Output.evidence (its first vote and this one) and is counted for its value (a proof-of-lock
// or a certificate may need it; vote_set.h has why that is safe), up to
// VoteSet::kMaxValuesPerMember values per validator, further ones dropped as kDuplicate; "2f+1
// of any value" and the f+1 round skip count each validator once. Memory per sender is bounded.
//
// Thread-safety: none; one owner (the driver's strand) calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/commit.h"
#include "common/expected.h"
#include "consensus/message.h"

namespace swarmchain::consensus {

struct TimeoutConfig {
  uint64_t propose_ms = 1000;
  uint64_t prevote_ms = 500;
  uint64_t precommit_ms = 500;
  uint64_t delta_ms = 250;  // added per round
};

enum class Step : uint8_t { kPropose = 0, kPrevote = 1, kPrecommit = 2 };
const char* step_name(Step s);

// A timer the caller must start; when it fires, the caller calls tick(timeout). Timers of a
// past height or round are ignored by tick(), so the caller never needs to cancel one.
struct Timeout {
  Height height;
  uint32_t round = 0;
  Step step = Step::kPropose;
  friend bool operator==(const Timeout&, const Timeout&) = default;
};
struct TimerRequest {
  Timeout timeout;
  uint64_t delay_ms = 0;
};

// This node is the proposer of (height, round) and holds no valid value: the caller builds a
// block and calls propose(height, round, value). It may wait first (target_block_ms, §6.2).
struct ProposeRequest {
  Height height;
  uint32_t round = 0;
};

// A message of this node's to sign (signature left empty). Proposal or Vote.
using SignRequest = Message;

struct Decision {
  Height height;
  uint32_t round = 0;
  Hash value_hash;
  Bytes value;
  CommitCertificate certificate;  // the precommits of `round` (>= quorum), indexes ascending
};

enum class DropReason : uint8_t {
  kBadSignature,
  kNotMember,
  kStaleHeight,     // below the current height
  kFutureHeight,    // above h + 1
  kRoundTooFar,     // more than kMaxRoundAhead rounds ahead
  kNotProposer,     // a proposal from someone who is not the round's proposer
  kDuplicate,       // the same message again (not an error; counted apart)
  kBufferFull,      // too many messages kept for h + 1 from this sender
  kInvalidValue,    // a proposal whose value the validity callback refused
};
const char* drop_reason_name(DropReason r);

struct Dropped {
  PubKey sender;
  DropReason reason;
  std::string detail;
};

struct Evidence {
  Vote first;
  Vote second;
};

struct Output {
  std::vector<SignRequest> to_sign;
  std::vector<TimerRequest> timers;
  std::optional<ProposeRequest> propose;
  std::optional<Decision> decided;
  std::vector<Dropped> dropped;
  std::vector<Evidence> evidence;
  // Append `other` to this output (used by the driver to merge outputs of several calls).
  void merge(Output other);
};

// Decides whether a proposed value is valid (the block executes on the parent, its time is
// acceptable by this node's clock, ...). Called at most once per (round, value) the engine
// votes on. An error means "prevote nil"; its message is reported in Output.dropped.
using ValidityFn = std::function<Status(const Proposal&)>;

class Engine {
 public:
  static constexpr uint32_t kMaxRoundAhead = 64;
  static constexpr std::size_t kMaxBufferedPerSender = 16;  // messages kept for h + 1

  // `self` may be outside every committee: the engine then only follows (and decides when it
  // sees a proposal and a quorum of precommits), never signs.
  Engine(Hash chain_id, PubKey self, TimeoutConfig timeouts, ValidityFn valid);

  // `start_round`: the round to begin in, 0 but after a restart: a node that signed in round r
  // of h before it crashed resumes there (the sign-state guard refuses every round below), and
  // steps its signed votes of r back in (node/signer.h, last_signed). The propose delay applies
  // to round 0 only.
  Output start_height(Height h, std::vector<PubKey> committee, uint64_t propose_delay_ms = 0,
                      uint32_t start_round = 0);
  Output step(const Message& m);
  Output tick(const Timeout& t);
  // The answer to a ProposeRequest. Ignored (empty output) unless (h, round) is still the
  // current one and this node its proposer with nothing proposed yet.
  Output propose(Height h, uint32_t round, Hash value_hash, Bytes value);
  // This node's own signed messages of the current height and round, to send again: gossip
  // can lose messages, and Algorithm 1 assumes they all arrive eventually.
  std::vector<Message> own_messages() const;

  Height height() const;
  uint32_t round() const;
  Step step_kind() const;
  std::optional<uint32_t> locked_round() const;
  const std::vector<PubKey>& committee() const;
  bool is_member() const;
  bool decided() const;  // a decision at the current height was output

  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace swarmchain::consensus

// Tendermint's Algorithm 1 (Buchman, Kwon, Milosevic 2018, "The latest gossip on BFT
// consensus"); "line N" below is the paper's line. Differences from the paper, all of the shell:
//   - "broadcast" is a SignRequest; the engine counts its own message only when the caller
//     steps it back in signed (a signature the sign-state guard refused is never counted);
//   - getValue() (line 18) is a ProposeRequest answered by propose();
//   - every node, the proposer too, schedules the propose timeout (as CometBFT): a proposer
//     whose block building stalls still moves on;
//   - the upon-rules are evaluated to a fixpoint after every input (advance()); each rule's
//     guard (step, "for the first time") is what keeps it from firing twice;
//   - a node outside the committee (an observer) runs the same rules but signs nothing;
//   - a prevote or precommit timeout is honoured only if this engine scheduled it (lines 34,
//     47), so a stray tick cannot move a round;
//   - a second, different proposal of one round is dropped as kDuplicate (the first is kept;
//     Evidence carries votes only);
//   - an equivocator's conflicting votes are counted for each value it signed (at most
//     VoteSet::kMaxValuesPerMember per type and round; vote_set.h has why that is safe), while
//     "2f+1 of any value" (lines 34, 47) and f+1 (line 55) count distinct members.
// Memory: per round at most one proposal and kMaxValuesPerMember votes of each type per member,
// rounds up to round + kMaxRoundAhead; past rounds of the height are kept (line 28 needs a POL
// of any earlier round, line 49 a decision of any round) until start_height clears them.
#include "consensus/engine.h"

#include <set>
#include <string>

#include "consensus/vote_set.h"

namespace swarmchain::consensus {

const char* step_name(Step s) {
  switch (s) {
    case Step::kPropose:
      return "propose";
    case Step::kPrevote:
      return "prevote";
    case Step::kPrecommit:
      return "precommit";
  }
  return "unknown";
}

const char* drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::kBadSignature:
      return "bad_signature";
    case DropReason::kNotMember:
      return "not_member";
    case DropReason::kStaleHeight:
      return "stale_height";
    case DropReason::kFutureHeight:
      return "future_height";
    case DropReason::kRoundTooFar:
      return "round_too_far";
    case DropReason::kNotProposer:
      return "not_proposer";
    case DropReason::kDuplicate:
      return "duplicate";
    case DropReason::kBufferFull:
      return "buffer_full";
    case DropReason::kInvalidValue:
      return "invalid_value";
  }
  return "unknown";
}

void Output::merge(Output other) {
  for (auto& m : other.to_sign) to_sign.push_back(std::move(m));
  for (auto& t : other.timers) timers.push_back(t);
  if (other.propose) propose = other.propose;
  if (other.decided) decided = std::move(other.decided);
  for (auto& d : other.dropped) dropped.push_back(std::move(d));
  for (auto& e : other.evidence) evidence.push_back(std::move(e));
}

namespace {

constexpr int64_t kNone = -1;  // lockedRound / validRound "none" (-1 in the paper)

// Everything seen in one round of the current height. At most one proposal (the round's
// proposer's first) and VoteSet::kMaxValuesPerMember votes of each type per member: bounded
// whatever a sender floods.
struct RoundState {
  std::optional<Proposal> proposal;
  std::optional<Status> verdict;  // valid(proposal value), asked once (per round and value)
  VoteSet prevotes;
  VoteSet precommits;
  std::set<uint16_t> senders;                           // members with any message here (line 55)
  std::set<std::pair<VoteType, uint16_t>> equivocated;  // evidence already reported
  bool prevote_timer = false;                           // line 34 fired
  bool valid_updated = false;                           // line 36 fired
  bool precommit_timer = false;                         // line 47 fired
  bool proposed = false;  // this node asked to sign a proposal for this round
};

}  // namespace

struct Engine::State {
  Hash chain_id;
  PubKey self;
  TimeoutConfig timeouts;
  ValidityFn valid_fn;

  Height height;
  std::vector<PubKey> committee;
  std::map<PubKey, uint16_t> index_of;
  std::optional<uint16_t> self_index;
  uint64_t propose_delay_ms = 0;

  uint32_t round = 0;
  Step step = Step::kPropose;
  bool decided = false;
  int64_t locked_round = kNone;
  Hash locked_value;
  int64_t valid_round = kNone;
  Hash valid_hash;
  Bytes valid_value;
  std::map<uint32_t, RoundState> rounds;

  // Messages for height + 1, per signer, replayed by start_height. Members of the current
  // committee each have their own quota; all others share committee.size() sender slots, so
  // a flood of fresh keys cannot grow memory either.
  std::map<PubKey, std::vector<Message>> next_height;
  std::size_t outside_senders = 0;

  std::size_t quorum() const { return commit_quorum(committee.size()); }
  std::size_t weak_quorum() const { return committee.size() - quorum() + 1; }  // f + 1
  const PubKey& proposer(uint32_t r) const {
    const std::size_t n = committee.size();  // (h + r) mod n, without overflowing h + r
    return committee[(height.value % n + r % n) % n];
  }
  bool is_proposer(uint32_t r) const { return self_index && proposer(r) == self; }

  // ---- the shell's side of "broadcast" and "schedule" ----

  void sign_vote(VoteType type, const Hash& value, Output& out) const {
    if (!self_index) return;  // an observer never signs
    Vote v;
    v.type = type;
    v.height = height;
    v.round = round;
    v.block_hash = value;
    v.validator = self;
    out.to_sign.push_back(v);
  }
  void sign_proposal(const Hash& value_hash, Bytes value, int64_t pol_round, Output& out) {
    Proposal p;
    p.height = height;
    p.round = round;
    p.pol_round = pol_round == kNone ? kNoRound : static_cast<uint32_t>(pol_round);
    p.value_hash = value_hash;
    p.value = std::move(value);
    p.proposer = self;
    rounds[round].proposed = true;
    out.to_sign.push_back(std::move(p));
  }
  void schedule(Step s, uint64_t base_ms, uint64_t extra_ms, Output& out) const {
    out.timers.push_back(
        {Timeout{height, round, s}, base_ms + uint64_t{round} * timeouts.delta_ms + extra_ms});
  }

  // valid(v) of the round's proposal, asked once and remembered (REQUIRES: a proposal).
  bool valid(RoundState& rs, Output& out) {
    if (!rs.verdict) {
      rs.verdict = valid_fn(*rs.proposal);
      if (!*rs.verdict)
        out.dropped.push_back(
            {rs.proposal->proposer, DropReason::kInvalidValue, rs.verdict->message()});
    }
    return rs.verdict->is_ok();
  }

  // Lines 11-21.
  void start_round(uint32_t r, Output& out) {
    round = r;
    step = Step::kPropose;
    if (is_proposer(r)) {
      if (valid_round != kNone)  // lines 15-16, 19
        sign_proposal(valid_hash, valid_value, valid_round, out);
      else  // line 18: getValue()
        out.propose = ProposeRequest{height, r};
    }
    schedule(Step::kPropose, timeouts.propose_ms, r == 0 ? propose_delay_ms : 0, out);  // l.21
  }

  // Line 49: a proposal of some round r and 2f+1 precommits for its value in r.
  bool try_decide(Output& out) {
    for (auto& [r, rs] : rounds) {
      if (!rs.proposal || rs.precommits.count(rs.proposal->value_hash) < quorum()) continue;
      if (!valid(rs, out)) continue;  // line 50
      Decision d;
      d.height = height;
      d.round = r;
      d.value_hash = rs.proposal->value_hash;
      d.value = rs.proposal->value;
      d.certificate.height = height;
      d.certificate.round = r;
      d.certificate.block_hash = d.value_hash;
      // Ascending indexes; an equivocator's precommit for the value is a valid signature of it.
      for (const auto& [index, vote] : rs.precommits.votes_for(d.value_hash))
        d.certificate.sigs.push_back({index, vote.signature});
      out.decided = std::move(d);
      decided = true;  // line 51; lines 52-54 are the caller's start_height(h + 1)
      return true;
    }
    return false;
  }

  // Line 55: f+1 members sent something for a round above ours: go to the highest such round.
  bool try_skip(Output& out) {
    for (auto it = rounds.rbegin(); it != rounds.rend() && it->first > round; ++it) {
      if (it->second.senders.size() >= weak_quorum()) {
        start_round(it->first, out);  // line 56
        return true;
      }
    }
    return false;
  }

  // One upon-rule of the current round (lines 22-48), or false when none applies.
  bool try_round_rule(Output& out) {
    RoundState& rs = rounds[round];
    const Proposal* p = rs.proposal ? &*rs.proposal : nullptr;
    if (step == Step::kPropose && p) {
      if (p->pol_round == kNoRound) {  // line 22
        const bool ok = valid(rs, out) && (locked_round == kNone || locked_value == p->value_hash);
        sign_vote(VoteType::kPrevote, ok ? p->value_hash : Hash{}, out);  // lines 23-26
        step = Step::kPrevote;                                            // line 27
        return true;
      }
      auto pol = rounds.find(p->pol_round);
      if (p->pol_round < round && pol != rounds.end() &&
          pol->second.prevotes.count(p->value_hash) >= quorum()) {  // line 28
        const bool ok = valid(rs, out) &&
                        (locked_round <= int64_t{p->pol_round} || locked_value == p->value_hash);
        sign_vote(VoteType::kPrevote, ok ? p->value_hash : Hash{}, out);  // lines 29-32
        step = Step::kPrevote;                                            // line 33
        return true;
      }
    }
    if (step == Step::kPrevote && !rs.prevote_timer && rs.prevotes.total() >= quorum()) {
      rs.prevote_timer = true;                                // line 34
      schedule(Step::kPrevote, timeouts.prevote_ms, 0, out);  // line 35
      return true;
    }
    if (step != Step::kPropose && !rs.valid_updated && p &&
        rs.prevotes.count(p->value_hash) >= quorum() && valid(rs, out)) {  // line 36
      rs.valid_updated = true;
      if (step == Step::kPrevote) {  // lines 37-41
        locked_value = p->value_hash;
        locked_round = round;
        sign_vote(VoteType::kPrecommit, p->value_hash, out);
        step = Step::kPrecommit;
      }
      valid_hash = p->value_hash;  // lines 42-43
      valid_value = p->value;
      valid_round = round;
      return true;
    }
    if (step == Step::kPrevote && rs.prevotes.count(Hash{}) >= quorum()) {  // line 44
      sign_vote(VoteType::kPrecommit, Hash{}, out);                         // line 45
      step = Step::kPrecommit;                                              // line 46
      return true;
    }
    if (!rs.precommit_timer && rs.precommits.total() >= quorum()) {  // line 47
      rs.precommit_timer = true;
      schedule(Step::kPrecommit, timeouts.precommit_ms, 0, out);  // line 48
      return true;
    }
    return false;
  }

  // Runs the upon-rules until none applies. Each firing changes a guard (step, round, a
  // "first time" flag or `decided`), so this ends.
  void advance(Output& out) {
    while (!decided && !committee.empty()) {
      if (try_decide(out)) return;
      if (try_skip(out)) continue;
      if (!try_round_rule(out)) return;
    }
  }

  // ---- input checks ----

  void drop(const Message& m, DropReason r, std::string detail, Output& out) const {
    out.dropped.push_back({signer_of(m), r, std::move(detail)});
  }
  bool signature_valid(const Message& m) const {
    return std::visit([&](const auto& x) { return x.signature_valid(chain_id); }, m);
  }

  void buffer_next_height(const Message& m, Output& out) {
    if (!signature_valid(m)) return drop(m, DropReason::kBadSignature, "height + 1", out);
    const PubKey& from = signer_of(m);
    auto it = next_height.find(from);
    if (it == next_height.end()) {
      if (!index_of.contains(from)) {
        if (outside_senders >= committee.size())
          return drop(m, DropReason::kBufferFull, "no room for another sender", out);
        ++outside_senders;
      }
      it = next_height.emplace(from, std::vector<Message>{}).first;
    }
    for (const auto& kept : it->second)
      if (kept == m) return drop(m, DropReason::kDuplicate, "already kept for height + 1", out);
    if (it->second.size() >= kMaxBufferedPerSender)
      return drop(m, DropReason::kBufferFull, "height + 1 quota of this sender used", out);
    it->second.push_back(m);
  }

  // A checked proposal of the current height from member `index`.
  void add_proposal(const Proposal& p, uint16_t index, Output& out) {
    if (p.proposer != proposer(p.round))
      return drop(p, DropReason::kNotProposer, "round " + std::to_string(p.round), out);
    if (p.pol_round != kNoRound && p.pol_round >= p.round)
      return drop(p, DropReason::kInvalidValue, "pol_round not below round", out);
    if (p.value_hash.is_zero())  // a prevote for it would read as nil
      return drop(p, DropReason::kInvalidValue, "zero value hash", out);
    auto it = rounds.find(p.round);
    if (it != rounds.end() && it->second.proposal) {
      const bool same = *it->second.proposal == p;
      return drop(p, DropReason::kDuplicate, same ? "proposal" : "a second proposal", out);
    }
    if (!p.signature_valid(chain_id)) return drop(p, DropReason::kBadSignature, "proposal", out);
    RoundState& rs = rounds[p.round];
    rs.proposal = p;
    rs.senders.insert(index);
  }

  // An equivocator's vote for another value is kept and counted for that value (VoteSet: safe,
  // and needed for a proof-of-lock that includes it); evidence is reported once per (type,
  // validator) in a round, with the validator's first vote.
  void add_vote(const Vote& v, uint16_t index, Output& out) {
    auto it = rounds.find(v.round);
    if (it != rounds.end()) {
      const VoteSet& set =
          v.type == VoteType::kPrevote ? it->second.prevotes : it->second.precommits;
      if (set.would_add(index, v) == VoteSet::Added::kDuplicate)  // before the signature check
        return drop(v, DropReason::kDuplicate,
                    set.get(index, v.block_hash) ? "vote" : "too many conflicting votes", out);
    }
    if (!v.signature_valid(chain_id)) return drop(v, DropReason::kBadSignature, "vote", out);
    RoundState& rs = rounds[v.round];
    VoteSet& set = v.type == VoteType::kPrevote ? rs.prevotes : rs.precommits;
    if (set.add(index, v) == VoteSet::Added::kConflict &&
        rs.equivocated.insert({v.type, index}).second)
      out.evidence.push_back({*set.get(index), v});
    rs.senders.insert(index);
  }
};

Engine::Engine(Hash chain_id, PubKey self, TimeoutConfig timeouts, ValidityFn valid)
    : s_(std::make_unique<State>()) {
  s_->chain_id = chain_id;
  s_->self = self;
  s_->timeouts = timeouts;
  s_->valid_fn = std::move(valid);
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Output Engine::start_height(Height h, std::vector<PubKey> committee, uint64_t propose_delay_ms,
                            uint32_t start_round) {
  State& s = *s_;
  std::map<PubKey, std::vector<Message>> kept = std::move(s.next_height);
  State fresh;
  fresh.chain_id = s.chain_id;
  fresh.self = s.self;
  fresh.timeouts = s.timeouts;
  fresh.valid_fn = std::move(s.valid_fn);
  s = std::move(fresh);  // lines 52-53: locked/valid values and the message log reset
  s.height = h;
  s.committee = std::move(committee);
  s.propose_delay_ms = propose_delay_ms;
  // Indexes are u16 in a certificate (common/commit.h); a first occurrence wins.
  for (std::size_t i = 0; i < s.committee.size() && i <= 0xFFFF; ++i)
    s.index_of.try_emplace(s.committee[i], static_cast<uint16_t>(i));
  if (auto it = s.index_of.find(s.self); it != s.index_of.end()) s.self_index = it->second;

  Output out;
  if (s.committee.empty()) return out;  // no proposer, no quorum: nothing can happen
  s.start_round(start_round, out);      // line 54 / line 10 (a restart resumes its round)
  s.advance(out);
  for (const auto& [sender, messages] : kept)  // the log of h, received early (ordered)
    for (const auto& m : messages)
      if (height_of(m) == h) out.merge(step(m));
  return out;
}

Output Engine::step(const Message& m) {
  State& s = *s_;
  Output out;
  const Height mh = height_of(m);
  if (mh < s.height) {
    s.drop(m, DropReason::kStaleHeight, "height " + mh.to_string(), out);
    return out;
  }
  const uint64_t ahead = mh.value - s.height.value;  // no h + 1 overflow at the last height
  if (ahead > 1) {
    s.drop(m, DropReason::kFutureHeight, "height " + mh.to_string(), out);
    return out;
  }
  if (ahead == 1) {
    s.buffer_next_height(m, out);
    return out;
  }
  auto member = s.index_of.find(signer_of(m));
  if (member == s.index_of.end()) {
    s.drop(m, DropReason::kNotMember, "height " + mh.to_string(), out);
    return out;
  }
  const uint32_t r = round_of(m);
  if (uint64_t{r} > uint64_t{s.round} + kMaxRoundAhead) {
    s.drop(m, DropReason::kRoundTooFar, "round " + std::to_string(r), out);
    return out;
  }
  const std::size_t dropped_before = out.dropped.size();
  if (const auto* p = std::get_if<Proposal>(&m))
    s.add_proposal(*p, member->second, out);
  else
    s.add_vote(std::get<Vote>(m), member->second, out);
  if (out.dropped.size() == dropped_before) s.advance(out);  // something new was recorded
  return out;
}

Output Engine::tick(const Timeout& t) {
  State& s = *s_;
  Output out;
  if (s.decided || t.height != s.height || t.round != s.round || s.committee.empty()) return out;
  // A prevote or precommit timeout this engine never asked for (lines 34, 47) is stale too.
  const RoundState& rs = s.rounds[s.round];
  if ((t.step == Step::kPrevote && !rs.prevote_timer) ||
      (t.step == Step::kPrecommit && !rs.precommit_timer))
    return out;
  switch (t.step) {
    case Step::kPropose:  // lines 57-60
      if (s.step != Step::kPropose) return out;
      s.sign_vote(VoteType::kPrevote, Hash{}, out);
      s.step = Step::kPrevote;
      break;
    case Step::kPrevote:  // lines 61-64
      if (s.step != Step::kPrevote) return out;
      s.sign_vote(VoteType::kPrecommit, Hash{}, out);
      s.step = Step::kPrecommit;
      break;
    case Step::kPrecommit:  // lines 65-67 (no step guard in the paper)
      s.start_round(s.round + 1, out);
      break;
  }
  s.advance(out);
  return out;
}

Output Engine::propose(Height h, uint32_t round, Hash value_hash, Bytes value) {
  State& s = *s_;
  Output out;
  if (s.decided || h != s.height || round != s.round || s.committee.empty() ||
      !s.is_proposer(round) || s.rounds[round].proposed || s.rounds[round].proposal)
    return out;
  s.sign_proposal(value_hash, std::move(value), kNone, out);  // line 19 with getValue()
  return out;
}

std::vector<Message> Engine::own_messages() const {
  const State& s = *s_;
  std::vector<Message> mine;
  auto it = s.rounds.find(s.round);
  if (!s.self_index || it == s.rounds.end()) return mine;
  const RoundState& rs = it->second;
  if (rs.proposal && rs.proposal->proposer == s.self) mine.push_back(*rs.proposal);
  if (const Vote* v = rs.prevotes.get(*s.self_index)) mine.push_back(*v);
  if (const Vote* v = rs.precommits.get(*s.self_index)) mine.push_back(*v);
  // The proof-of-lock of the valid value: a node that missed those prevotes could never accept
  // the proposal that re-proposes it (Algorithm 1 assumes every message arrives eventually).
  if (s.valid_round != kNone && static_cast<uint32_t>(s.valid_round) != s.round) {
    auto pol = s.rounds.find(static_cast<uint32_t>(s.valid_round));
    if (pol != s.rounds.end())
      for (const auto& [index, v] : pol->second.prevotes.votes_for(s.valid_hash)) mine.push_back(v);
  }
  // The precommits of the previous round: this node left it on 2f + 1 of them, and a node still
  // there that lost some would wait forever for the timer they start (with a silent member,
  // nothing else moves it; CometBFT gossips the last round's precommits for the same reason).
  if (s.round > 0) {
    auto prev = s.rounds.find(s.round - 1);
    if (prev != s.rounds.end())
      for (const Vote& v : prev->second.precommits.all()) mine.push_back(v);
  }
  return mine;
}

Height Engine::height() const {
  return s_->height;
}
uint32_t Engine::round() const {
  return s_->round;
}
Step Engine::step_kind() const {
  return s_->step;
}
std::optional<uint32_t> Engine::locked_round() const {
  if (s_->locked_round == kNone) return std::nullopt;
  return static_cast<uint32_t>(s_->locked_round);
}
const std::vector<PubKey>& Engine::committee() const {
  return s_->committee;
}
bool Engine::is_member() const {
  return s_->self_index.has_value();
}
bool Engine::decided() const {
  return s_->decided;
}

}  // namespace swarmchain::consensus

#include "tests/consensus/test_net.h"

#include <algorithm>
#include <string>

namespace swarmchain::consensus::test {

KeyPair key(uint8_t seed_byte) {
  crypto_init();
  Seed s;
  s.data.fill(seed_byte);
  return KeyPair::from_seed(s);
}

const Hash& chain_id() {
  static const Hash id = [] {
    Hash h;
    h.data.fill(0x11);
    return h;
  }();
  return id;
}

Bytes value_for(std::size_t node, Height h, uint32_t r) {
  Writer w;
  w.str("value");
  w.u64(node);
  w.height(h);
  w.u32(r);
  return w.take();
}

Hash value_hash(const Bytes& value) {
  return hash_tagged("test/value", value);
}

Vote signed_vote(const KeyPair& k, VoteType type, Height h, uint32_t r, const Hash& value) {
  Vote v;
  v.type = type;
  v.height = h;
  v.round = r;
  v.block_hash = value;
  v.validator = k.pubkey();
  v.sign(k, chain_id());
  return v;
}

Proposal signed_proposal(const KeyPair& k, Height h, uint32_t r, const Bytes& value,
                         uint32_t pol_round) {
  Proposal p;
  p.height = h;
  p.round = r;
  p.pol_round = pol_round;
  p.value_hash = value_hash(value);
  p.value = value;
  p.proposer = k.pubkey();
  p.sign(k, chain_id());
  return p;
}

Status hash_matches(const Proposal& p) {
  if (value_hash(p.value) != p.value_hash) return Status::error("value hash mismatch");
  return Status::ok();
}

TestNet::TestNet(std::size_t n, TimeoutConfig timeouts)
    : down(n, false),
      byzantine(n, false),
      validity_calls(n, 0),
      timers_(n),
      decisions_(n),
      seen_(n),
      sign_requests_(n, 0) {
  for (std::size_t i = 0; i < n; ++i) {
    keys_.push_back(key(static_cast<uint8_t>(i + 1)));
    committee_.push_back(keys_.back().pubkey());
  }
  engines_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    engines_.emplace_back(chain_id(), keys_[i].pubkey(), timeouts, [this, i](const Proposal& p) {
      ++validity_calls[i];
      return validity ? validity(i, p) : hash_matches(p);
    });
}

void TestNet::start(Height h) {
  for (std::size_t i = 0; i < size(); ++i)
    if (!down[i]) handle(i, engines_[i].start_height(h, committee_));
}

void TestNet::send(std::size_t from, const Message& honest) {
  for (std::size_t j = 0; j < size(); ++j) {
    if (j == from || down[j]) continue;
    Message m = honest;
    if (byzantine[from] && rng && (*rng)() % 2 == 0) {
      const Height h = height_of(m);
      const uint32_t r = round_of(m);
      const Bytes other = value_for(1000 + j, h, r);  // a value per recipient
      if (auto* p = std::get_if<Proposal>(&m)) {
        m = signed_proposal(keys_[from], h, r, other, p->pol_round);
      } else {
        const Vote& v = std::get<Vote>(m);
        auto seen = seen_[j].find({h.value, r});
        Hash alt = (*rng)() % 2 ? Hash{} : value_hash(other);
        if (seen != seen_[j].end() && seen->second != v.block_hash) alt = seen->second;
        m = signed_vote(keys_[from], v.type, h, r, alt == v.block_hash ? value_hash(other) : alt);
      }
    }
    pool_.push_back({j, std::move(m), now_ + (latency ? latency() : 0)});
  }
}

void TestNet::handle(std::size_t i, Output out) {
  for (auto& d : out.dropped) dropped_.push_back(d);
  for (auto& e : out.evidence) evidence_.push_back(e);
  for (const auto& t : out.timers) timers_[i].push_back({t.timeout, now_ + t.delay_ms});
  for (auto& req : out.to_sign) {
    ++sign_requests_[i];
    Message signed_msg = req;
    std::visit([&](auto& x) { x.sign(keys_[i], chain_id()); }, signed_msg);
    send(i, signed_msg);
    handle(i, engines_[i].step(signed_msg));
  }
  if (out.propose) {
    const Bytes v = value_for(i, out.propose->height, out.propose->round);
    handle(i, engines_[i].propose(out.propose->height, out.propose->round, value_hash(v), v));
  }
  if (out.decided) {
    const uint64_t h = out.decided->height.value;
    decisions_[i].emplace(h, *out.decided);
    if (h < last_height) handle(i, engines_[i].start_height(Height(h + 1), committee_));
  }
}

void TestNet::deliver(std::size_t k, bool keep) {
  Envelope e = pool_[k];
  if (!keep) pool_.erase(pool_.begin() + static_cast<std::ptrdiff_t>(k));
  if (down[e.to]) return;
  if (const auto* p = std::get_if<Proposal>(&e.message))
    seen_[e.to].try_emplace({p->height.value, p->round}, p->value_hash);
  handle(e.to, engines_[e.to].step(e.message));
}

void TestNet::run() {
  while (!pool_.empty()) deliver(0);
}

std::size_t TestNet::fire(Step s) {
  std::size_t fired = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    if (down[i]) continue;
    auto& ts = timers_[i];
    for (std::size_t k = 0; k < ts.size(); ++k) {
      const Timeout t = ts[k].timeout;
      if (t.step != s || t.height != engines_[i].height() || t.round != engines_[i].round())
        continue;
      ts.erase(ts.begin() + static_cast<std::ptrdiff_t>(k));
      ++fired;
      handle(i, engines_[i].tick(t));
      break;
    }
  }
  return fired;
}

void TestNet::fire_timer(std::size_t node, std::size_t k) {
  const Timeout t = timers_[node][k].timeout;
  timers_[node].erase(timers_[node].begin() + static_cast<std::ptrdiff_t>(k));
  if (!down[node]) handle(node, engines_[node].tick(t));
}

void TestNet::rebroadcast(std::size_t node) {
  if (down[node]) return;
  for (const auto& m : engines_[node].own_messages()) send(node, m);
}

}  // namespace swarmchain::consensus::test

namespace swarmchain::consensus::test {

bool TestNet::next_event(uint64_t until_ms, uint64_t rebroadcast_ms) {
  // The earliest message, then the earliest timer; a message wins a tie.
  std::optional<std::size_t> msg;
  for (std::size_t k = 0; k < pool_.size(); ++k)
    if (!msg || pool_[k].at_ms < pool_[*msg].at_ms) msg = k;
  std::optional<std::pair<std::size_t, std::size_t>> timer;
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t k = 0; k < timers_[i].size(); ++k)
      if (!timer || timers_[i][k].at_ms < timers_[timer->first][timer->second].at_ms)
        timer = std::pair{i, k};
  uint64_t at = UINT64_MAX;
  if (msg) at = pool_[*msg].at_ms;
  if (timer) at = std::min(at, timers_[timer->first][timer->second].at_ms);
  if (rebroadcast_ms && next_rebroadcast_ <= at) {
    now_ = next_rebroadcast_;
    next_rebroadcast_ += rebroadcast_ms;
    if (now_ > until_ms) return false;
    for (std::size_t i = 0; i < size(); ++i) rebroadcast(i);
    return true;
  }
  if (at == UINT64_MAX || at > until_ms) return false;
  now_ = std::max(now_, at);
  if (msg && pool_[*msg].at_ms == at)
    deliver(*msg);
  else
    fire_timer(timer->first, timer->second);
  return true;
}

}  // namespace swarmchain::consensus::test

#include "node/driver.h"

#include "node/driver_impl.h"
#include "node/sign_state.h"

namespace swarmchain {

consensus::Output Driver::Impl::start_height(uint32_t round) {
  const Height h = chain.tip().header.height.next();
  checked.clear();
  waiting.reset();
  ahead.reset();
  // The pause after a commit, none when txs are waiting (design §6.2).
  propose_delay_ms = mempool.size() > 0 ? 0 : chain.params().target_block_ms;
  return engine.start_height(h, chain.committee(h), propose_delay_ms, round);
}

void Driver::Impl::resume() {
  const Height h = chain.tip().header.height.next();
  const std::optional<SignedRound> last = signer.last_signed();
  if (!last || last->height != h) return run(start_height());
  consensus::Output out = start_height(last->round);
  for (const Vote& v : last->votes) {
    broadcast(consensus::Message(v));
    out.merge(engine.step(v));
  }
  run(std::move(out));
}

void Driver::Impl::run(consensus::Output first, std::optional<PeerId> from) {
  std::deque<std::pair<consensus::Output, std::optional<PeerId>>> work;
  work.emplace_back(std::move(first), from);
  while (!work.empty() && !stopped()) {
    auto [out, sender] = std::move(work.front());
    work.pop_front();
    if (sender)
      for (const auto& d : out.dropped) drop(*sender, consensus::drop_reason_name(d.reason));
    for (const auto& e : out.evidence) report_evidence(e);
    for (const auto& t : out.timers)
      sched.schedule(t.delay_ms, DriverTimer{Kind::kConsensus, t.timeout, t.timeout.height});
    for (auto& m : out.to_sign) {
      auto signed_m = signer.sign(std::move(m));
      if (!signed_m) {  // the sign-state guard refused: nothing was signed
        ++stats.sign_refusals;
        // Not a conflict but a disk that cannot record it: this node can vote no more.
        if (signed_m.error().code_as<SignError>() == SignError::kRecord)
          fail("the sign state could not be written: " + signed_m.error().message(),
               DriverFailure::kStorage);
        continue;
      }
      broadcast(*signed_m);
      work.emplace_back(engine.step(*signed_m), std::nullopt);
    }
    if (out.propose) {
      if (auto o = on_propose_request(*out.propose))
        work.emplace_back(std::move(*o), std::nullopt);
    }
    if (out.decided && commit_decided(std::move(*out.decided))) {
      work.clear();  // what is left belongs to the height just committed
      work.emplace_back(start_height(), std::nullopt);
    }
  }
}

std::optional<consensus::Output> Driver::Impl::on_propose_request(
    const consensus::ProposeRequest& r) {
  if (r.round == 0 && propose_delay_ms > 0 && mempool.size() == 0) {
    waiting = r;
    sched.schedule(propose_delay_ms, DriverTimer{Kind::kPropose, {}, r.height});
    return std::nullopt;
  }
  return build_and_propose(r);
}

consensus::Output Driver::Impl::build_and_propose(const consensus::ProposeRequest& r) {
  std::optional<Executor::Built> built;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    if (tip.header.height.next() != r.height) return;
    const ChainParams& p = chain.params();
    std::vector<Tx> candidates = mempool.select(p.max_block_txs, p.max_block_bytes);
    const uint64_t time_ms = std::max(tip.header.time_ms + 1, clock.now_ms());
    built = chain.executor().build(state, tip.header, tip.cert, candidates, time_ms,
                                   key.pubkey(), &chain.sig_cache());
  });
  if (!built) return {};
  const BlockHash hash = built->block.hash();
  Bytes value = built->block.to_bytes();
  checked.insert_or_assign(hash, Checked{std::move(built->block), std::move(built->executed)});
  ++stats.proposals_built;
  return engine.propose(r.height, r.round, hash, std::move(value));
}

void Driver::Impl::wake_proposer() {
  if (!waiting || stopped()) return;
  const consensus::ProposeRequest r = *waiting;
  waiting.reset();
  run(build_and_propose(r));
}

Status Driver::Impl::check_proposal(const consensus::Proposal& p) {
  auto block = Block::from_bytes(p.value);
  if (!block) return Status::error("malformed block: " + block.error().message());
  const BlockHash hash = block->hash();
  if (hash != p.value_hash) return Status::error("value_hash is not the block's hash");
  if (p.pol_round == consensus::kNoRound && block->header.proposer != p.proposer)
    return Status::error("block proposer is not the proposal's signer");
  if (block->header.height != p.height)
    return Status::error("block height is not the proposal's height");
  if (p.pol_round == consensus::kNoRound) {  // PBTS: a fresh proposal's time is checked
    const ChainTip tip = chain.tip();
    if (block->header.time_ms <= tip.header.time_ms)
      return Status::error(BlockError::kBadTime, "block time is not after its parent's");
    if (block->header.time_ms > clock.now_ms() + chain.params().max_clock_drift_ms)
      return Status::error(BlockError::kBadTime,
                           "block time is more than the allowed drift ahead of this clock");
  }
  if (checked.contains(hash)) return Status::ok();
  auto executed = chain.validate(*block);
  if (!executed) return Status::error("invalid block: " + executed.error().message());
  if (checked.size() < kMaxCheckedBlocks)
    checked.emplace(hash, Checked{std::move(*block), std::move(*executed)});
  return Status::ok();
}

bool Driver::Impl::commit_decided(consensus::Decision d) {
  std::optional<Checked> c;
  if (auto it = checked.find(d.value_hash); it != checked.end()) {
    c.emplace(std::move(it->second));
    checked.erase(it);
  } else {  // observer path: the proposal was not validated here
    auto block = Block::from_bytes(d.value);
    if (!block || block->hash() != d.value_hash) {
      fail("decided value at height " + d.height.to_string() + " is not its block");
      return false;
    }
    auto executed = chain.validate(*block);
    if (!executed) {
      fail("decided block " + d.height.to_string() +
           " is invalid on this node's chain: " + executed.error().message());
      return false;
    }
    c.emplace(Checked{std::move(*block), std::move(*executed)});
  }
  if (Status s = commit_block(c->block, d.certificate, std::move(c->executed)); !s) {
    fail("cannot commit decided block " + d.height.to_string() + ": " + s.message());
    return false;
  }
  ++stats.blocks_decided;
  return true;
}

Status Driver::Impl::commit_block(const Block& block, const CommitCertificate& cert,
                                  ExecutedBlock executed, bool note_signer) {
  const Height h = block.header.height;
  const Durability d = note_signer ? Durability::kSynced : Durability::kDeferred;
  if (config.check_disk) {
    if (Status room = config.check_disk(h); !room) {
      fail(room.message(), DriverFailure::kStorage);
      return room;
    }
  }
  if (Status s = chain.commit(block, cert, std::move(executed), d); !s) {
    if (fault_of(s) == Fault::kLocal)
      fail("the store could not commit block " + h.to_string() + ": " + s.message(),
           DriverFailure::kStorage);
    return s;
  }
  if (note_signer && !note_committed(h)) return Status::error("sign state");
  std::vector<ReachProbe> probes;
  chain.with_state([&](const ChainState& state, const ChainTip&) {
    mempool.on_block_committed(block.txs, state);
    probes = reach.on_committed(state, chain.params().epoch_blocks, clock.now_ms(),
                                note_signer && config.probe);
  });
  for (const ReachProbe& p : probes)
    config.probe(p.host_port, p.target, [this, p](Status r) { on_probe_result(p, r); });
  after_votes();
  return Status::ok();
}

bool Driver::Impl::note_committed(Height h) {
  if (Status s = signer.note_committed(h); !s) {
    fail("the sign state could not record block " + h.to_string() + ": " + s.message(),
         DriverFailure::kStorage);
    return false;
  }
  return true;
}

void Driver::Impl::on_consensus(PeerId from, const consensus::Message& m, ByteView bytes) {
  const Height mh = consensus::height_of(m);
  const Height h = engine.height();
  // Catch-up is driven only by validly signed messages, so a peer cannot make this node
  // serve or ask for blocks with forged ones.
  if (mh != h && signature_valid(m, chain.chain_id())) {
    if (mh < h)
      peer_behind(from, mh);
    else if (mh.value > h.value + 1)
      request_blocks(from, Height(mh.value - 1));
    else if (!ahead)
      ahead = Ahead{from, clock.now_ms()};
  }
  consensus::Output out = engine.step(m);
  if (out.dropped.empty()) {
    ++peers[from].accepted;
    if (config.relay_consensus) net.broadcast(bytes);
  }
  run(std::move(out), from);
}

void Driver::Impl::on_timer(const DriverTimer& t) {
  switch (t.kind) {
    case Kind::kConsensus:
      run(engine.tick(t.timeout));
      break;
    case Kind::kStartHeight:
      if (engine.height() != chain.tip().header.height.next()) run(start_height());
      break;
    case Kind::kPropose:
      if (waiting && waiting->height == t.height) wake_proposer();
      break;
    case Kind::kRebroadcast:
      for (const auto& m : engine.own_messages()) broadcast(m);
      if (ahead && ahead->since_ms + config.rebroadcast_ms <= clock.now_ms())
        request_blocks(ahead->peer, engine.height());
      pump_sync();
      sched.schedule(config.rebroadcast_ms, DriverTimer{Kind::kRebroadcast, {}, {}});
      break;
    case Kind::kUptimeProof:
      send_uptime_proof();
      break;
  }
}

Driver::Driver(Blockchain& chain, Mempool& mempool, Signer& signer, const KeyPair& node_key,
               const Clock& clock, Network& net, Scheduler& sched, DriverConfig config)
    : impl_(std::make_unique<Impl>(*this, chain, mempool, signer, node_key, clock, net, sched,
                                   std::move(config))) {}

Driver::~Driver() = default;

void Driver::start() {
  if (failure_) return;
  impl_->sched.schedule(impl_->config.rebroadcast_ms,
                        DriverTimer{DriverTimer::Kind::kRebroadcast, {}, {}});
  if (impl_->config.send_uptime_proofs) impl_->send_uptime_proof();
  impl_->resume();
}

void Driver::on_message(PeerId from, ByteView bytes) {
  if (failure_) return;
  auto m = wire::decode(bytes);
  if (!m) {
    impl_->drop(from, "malformed");
    return;
  }
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, consensus::Message>) {
          impl_->on_consensus(from, x, bytes);
        } else if constexpr (std::is_same_v<T, Tx>) {
          impl_->on_txs(from, std::span<const Tx>(&x, 1));
        } else if constexpr (std::is_same_v<T, wire::TxBatch>) {
          impl_->on_txs(from, x.txs);
        } else if constexpr (std::is_same_v<T, wire::ReachVote>) {
          impl_->on_reach_vote(from, x, bytes);
        } else if constexpr (std::is_same_v<T, wire::BlockRequest>) {
          ++impl_->peers[from].accepted;
          impl_->send_blocks(from, x.from, x.count);
        } else {
          impl_->on_blocks(from, std::move(x));
        }
      },
      *m);
}

void Driver::on_timer(const DriverTimer& t) {
  if (failure_) return;
  impl_->on_timer(t);
}

void Driver::on_new_tx() {
  if (failure_) return;
  impl_->wake_proposer();
}

void Driver::on_txs(PeerId from, std::span<const Tx> txs) {
  if (failure_) return;
  impl_->on_txs(from, txs);
}

void Driver::on_local_txs(std::span<const Tx> txs) {
  if (failure_ || txs.empty()) return;
  impl_->broadcast_txs(txs);
  impl_->wake_proposer();
}

void Driver::on_peer_height(PeerId peer, Height height) {
  if (failure_) return;
  if (height <= impl_->chain.tip().header.height) return;
  impl_->request_blocks(peer, height);
}

void Driver::on_peer_gone(PeerId peer) {
  impl_->sync.peer_gone(peer);
  impl_->behind.erase(peer);
  if (impl_->ahead && impl_->ahead->peer == peer) impl_->ahead.reset();
}

SyncProgress Driver::sync_progress() const {
  return impl_->sync.progress(impl_->chain.tip().header.height);
}

const PeerCounters& Driver::counters(PeerId p) const {
  static const PeerCounters kNone;
  auto it = impl_->peers.find(p);
  return it == impl_->peers.end() ? kNone : it->second;
}

const consensus::Engine& Driver::engine() const {
  return impl_->engine;
}
const DriverStats& Driver::stats() const {
  return impl_->stats;
}
const ReachTester::Stats& Driver::reach_stats() const {
  return impl_->reach.stats();
}

}  // namespace swarmchain

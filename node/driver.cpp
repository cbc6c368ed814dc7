#include "node/driver.h"

#include <algorithm>
#include <deque>
#include <set>
#include <tuple>
#include <unordered_map>

#include "node/wire.h"

namespace swarmchain {

namespace {

using Kind = DriverTimer::Kind;

// A Blocks message stops growing past this many encoded bytes (at least one block is sent).
constexpr std::size_t kMaxBlocksBytes = 16u << 20;
// Blocks checked during the current height, kept for commit; more are checked, not kept.
constexpr std::size_t kMaxCheckedBlocks = 16;
// Equivocations already reported; forgotten wholesale past this size.
constexpr std::size_t kMaxReportedEvidence = 4096;

consensus::TimeoutConfig timeouts_for(const ChainParams& p) {
  return consensus::TimeoutConfig{p.timeout_propose_ms, p.timeout_prevote_ms,
                                  p.timeout_precommit_ms, p.timeout_delta_ms};
}

bool signature_valid(const consensus::Message& m, const Hash& chain_id) {
  return std::visit([&](const auto& x) { return x.signature_valid(chain_id); }, m);
}

}  // namespace

struct Driver::Impl {
  Impl(Driver& d, Blockchain& c, Mempool& mp, Signer& s, const KeyPair& k, const Clock& cl,
       Network& n, Scheduler& sc, DriverConfig cfg)
      : self(d),
        chain(c),
        mempool(mp),
        signer(s),
        key(k),
        clock(cl),
        net(n),
        sched(sc),
        config(std::move(cfg)),
        engine(c.chain_id(), s.pubkey(), timeouts_for(c.params()),
               [this](const consensus::Proposal& p) { return check_proposal(p); }) {}

  struct Checked {
    Block block;
    ExecutedBlock executed;
  };
  // A peer seen behind us: its height, when first seen there, when last served.
  struct Behind {
    Height height;
    uint64_t first_seen_ms = 0;
    uint64_t served_ms = 0;
    bool served = false;
  };
  // A peer seen at our height + 1 (it decided a block we have not): since when.
  struct Ahead {
    PeerId peer = 0;
    uint64_t since_ms = 0;
  };

  Driver& self;
  Blockchain& chain;
  Mempool& mempool;
  Signer& signer;
  KeyPair key;
  const Clock& clock;
  Network& net;
  Scheduler& sched;
  DriverConfig config;
  consensus::Engine engine;

  DriverStats stats;
  std::map<PeerId, PeerCounters> peers;
  std::unordered_map<BlockHash, Checked> checked;    // this height's blocks, by hash
  uint64_t propose_delay_ms = 0;                     // the pause of the current height
  std::optional<consensus::ProposeRequest> waiting;  // a proposal waiting out the pause
  std::map<PeerId, Behind> behind;
  std::optional<Ahead> ahead;
  BlockSync sync{config.sync};
  std::set<std::tuple<PubKey, uint64_t, uint32_t, uint8_t>> reported;
  ReachTester reach{key, chain.chain_id()};

  bool stopped() const { return self.failure_.has_value(); }
  void fail(std::string why) {
    if (!self.failure_) self.failure_ = Status::error(std::move(why));
  }
  void drop(PeerId p, const std::string& reason) {
    ++peers[p].dropped[reason];
    net.penalize(p, reason);
  }
  void broadcast(const wire::WireMessage& m) { net.broadcast(wire::encode(m)); }
  void send(PeerId to, const wire::WireMessage& m) { net.send(to, wire::encode(m)); }

  // --- consensus --------------------------------------------------------------------------

  consensus::Output start_height(uint32_t round = 0) {
    const Height h = chain.tip().header.height.next();
    checked.clear();
    waiting.reset();
    ahead.reset();
    // The pause after a commit, none when txs are waiting (design §6.2).
    propose_delay_ms = mempool.size() > 0 ? 0 : chain.params().target_block_ms;
    return engine.start_height(h, chain.committee(h), propose_delay_ms, round);
  }

  // At start: if this node signed at the height after the tip before it stopped (a crash
  // mid-height), resume the round it signed in last and send its signed votes of that round
  // again; its engine counts them as its own, so it does not ask for other votes there (the
  // guard would refuse them: counted in sign_refusals) and the peers get them even if they
  // were lost with the crash. Otherwise start the height at round 0.
  void resume() {
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

  // Does what the engine asks, until nothing is left. Drops are counted against `from`, the
  // peer whose message produced `first`.
  void run(consensus::Output first, std::optional<PeerId> from = std::nullopt) {
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

  std::optional<consensus::Output> on_propose_request(const consensus::ProposeRequest& r) {
    if (r.round == 0 && propose_delay_ms > 0 && mempool.size() == 0) {
      waiting = r;
      sched.schedule(propose_delay_ms, DriverTimer{Kind::kPropose, {}, r.height});
      return std::nullopt;
    }
    return build_and_propose(r);
  }

  consensus::Output build_and_propose(const consensus::ProposeRequest& r) {
    std::optional<Executor::Built> built;
    chain.with_state([&](const ChainState& state, const ChainTip& tip) {
      if (tip.header.height.next() != r.height) return;
      const ChainParams& p = chain.params();
      std::vector<Tx> candidates = mempool.select(p.max_block_txs, p.max_block_bytes);
      const uint64_t time_ms = std::max(tip.header.time_ms + 1, clock.now_ms());
      built =
          chain.executor().build(state, tip.header, tip.cert, candidates, time_ms, key.pubkey());
    });
    if (!built) return {};
    const BlockHash hash = built->block.hash();
    Bytes value = built->block.to_bytes();
    checked.insert_or_assign(hash, Checked{std::move(built->block), std::move(built->executed)});
    ++stats.proposals_built;
    return engine.propose(r.height, r.round, hash, std::move(value));
  }

  void wake_proposer() {
    if (!waiting || stopped()) return;
    const consensus::ProposeRequest r = *waiting;
    waiting.reset();
    run(build_and_propose(r));
  }

  // The engine's validity callback. Each refusal says why (the engine reports it in dropped).
  Status check_proposal(const consensus::Proposal& p) {
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

  // Commits a decision; any failure stops the driver: the committee decided a block that this
  // node cannot commit (its store failed, or its chain differs from a quorum's).
  bool commit_decided(consensus::Decision d) {
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

  // Commits through Blockchain::commit (which checks the tip and the certificate itself) and
  // tells the signer and the mempool. A refusal that is the block's fault (fault_of: kInvalid)
  // is returned to the caller; any other failure is this node's own (the store): it stops.
  // With note_signer false (sync applying a run of blocks) the block's store write is not
  // fsynced and the caller, at the end of the run, syncs the store once and then tells the
  // signer (in that order: the sign state never names a height the disk may not hold).
  Status commit_block(const Block& block, const CommitCertificate& cert, ExecutedBlock executed,
                      bool note_signer = true) {
    const Height h = block.header.height;
    const Durability d = note_signer ? Durability::kSynced : Durability::kDeferred;
    if (Status s = chain.commit(block, cert, std::move(executed), d); !s) {
      if (fault_of(s) == Fault::kLocal)
        fail("the store could not commit block " + h.to_string() + ": " + s.message());
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

  // --- reachability (ReachTester) ---------------------------------------------------------

  void on_probe_result(const ReachProbe& p, const Status& result) {
    if (stopped()) return;
    if (auto vote = reach.on_probe_result(p, result, clock.now_ms())) broadcast(*vote);
    after_votes();
  }

  // Relays the early votes that became valid and sends the verdicts that reached threshold.
  void after_votes() {
    for (const wire::ReachVote& v : reach.take_relay()) broadcast(v);
    for (const auto& [from, verdict] : reach.take_faults())
      drop(static_cast<PeerId>(from), verdict == ReachTester::Verdict::kForged
                                          ? "reach_vote_forged"
                                          : "reach_vote_invalid");
    for (const Tx& tx : reach.take_ready())
      if (submit_own_tx(tx)) ++stats.state_changes_sent;
  }

  void on_reach_vote(PeerId from, const wire::ReachVote& v, ByteView bytes) {
    switch (reach.on_vote(v, from)) {
      case ReachTester::Verdict::kAccepted:
        ++peers[from].accepted;
        net.broadcast(bytes);
        after_votes();
        break;
      case ReachTester::Verdict::kForged: drop(from, "reach_vote_forged"); break;
      case ReachTester::Verdict::kInvalid: drop(from, "reach_vote_invalid"); break;
      case ReachTester::Verdict::kKnown:
      case ReachTester::Verdict::kIgnored: break;
    }
  }

  bool note_committed(Height h) {
    if (Status s = signer.note_committed(h); !s) {
      fail("the sign state could not record block " + h.to_string() + ": " + s.message());
      return false;
    }
    return true;
  }

  void on_consensus(PeerId from, const consensus::Message& m, ByteView bytes) {
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

  // --- sync (BlockSync) --------------------------------------------------------------------

  // A peer sent a message for a height we committed: once it is still there a rebroadcast
  // period later (not just a late vote), send it the blocks it is missing.
  void peer_behind(PeerId p, Height peer_height) {
    const uint64_t now = clock.now_ms();
    Behind& b = behind[p];
    if (b.height != peer_height) {
      b = Behind{peer_height, now, 0, false};
      return;
    }
    if (now - b.first_seen_ms < config.rebroadcast_ms) return;
    if (b.served && now - b.served_ms < config.rebroadcast_ms) return;
    b.served = true;
    b.served_ms = now;
    send_blocks(p, peer_height, wire::kMaxBlocksPerRequest);
  }

  // The peer has blocks up to `height`: ask for them (BlockSync spreads the ranges).
  void request_blocks(PeerId p, Height height) {
    sync.note_height(p, height);
    pump_sync();
  }

  void pump_sync() {
    if (stopped()) return;
    for (const auto& [peer, req] : sync.requests(chain.tip().header.height, clock.now_ms()))
      send(peer, req);
  }

  void send_blocks(PeerId p, Height from, uint32_t count) {
    const Height tip = chain.tip().header.height;
    wire::Blocks out;
    std::size_t bytes = 0;
    for (Height h = std::max(from, Height(1)); h <= tip && out.blocks.size() < count;
         h = h.next()) {
      auto block = chain.store().block_at(h);
      auto cert = chain.store().certificate_at(h);
      if (!block || !cert || !*cert) break;  // a store read error is the node's, seen on /health
      bytes += block->to_bytes().size();
      out.blocks.push_back(wire::CertifiedBlock{std::move(*block), std::move(**cert)});
      if (bytes >= kMaxBlocksBytes) break;
    }
    if (!out.blocks.empty()) send(p, out);
  }

  void on_blocks(PeerId p, wire::Blocks msg) {
    std::shared_ptr<SyncBatch> shared;
    if (config.preverify) {
      shared = std::make_shared<SyncBatch>();
      shared->blocks.reserve(msg.blocks.size());
      shared->certs.reserve(msg.blocks.size());
      for (const auto& cb : msg.blocks) {
        shared->blocks.push_back(cb.block);
        shared->certs.push_back(cb.cert);
      }
    }
    const uint64_t batch =
        sync.add(p, std::move(msg), chain.tip().header.height, !config.preverify);
    if (batch == 0) return;  // nothing above the tip: a late or duplicate answer
    ++peers[p].accepted;
    if (config.preverify)
      config.preverify(std::move(shared), [this, batch] { on_preverified(batch); });
    else
      apply_synced();
    pump_sync();
  }

  void on_preverified(uint64_t batch) {
    if (stopped()) return;
    sync.mark_ready(batch);
    apply_synced();
    pump_sync();
  }

  // Applies the buffered blocks that follow the tip, checking each certificate against the
  // committee this node computes itself; a block that fails is its sender's fault.
  void apply_synced() {
    bool progressed = false;
    while (!stopped()) {
      auto next = sync.take_next(chain.tip().header.height);
      if (!next) break;
      const auto& [p, cb] = *next;
      const Height h = cb.block.header.height;
      if (Status s =
              verify_certificate(cb.cert, chain.chain_id(), h, cb.block.hash(), chain.committee(h),
                                 &chain.sig_cache());
          !s) {
        drop(p, "bad_certificate");
        sync.refused(p, h);
        continue;
      }
      auto executed = chain.validate(cb.block);
      if (!executed) {
        drop(p, "bad_block");
        sync.refused(p, h);
        continue;
      }
      if (!commit_block(cb.block, cb.cert, std::move(*executed), false)) {
        if (!stopped()) sync.refused(p, h);
        continue;
      }
      ++stats.blocks_synced;
      progressed = true;
    }
    if (!progressed || stopped()) return;
    if (Status s = chain.sync_store(); !s) {
      fail("the store could not sync the blocks it applied: " + s.message());
      return;
    }
    if (note_committed(chain.tip().header.height)) run(start_height());
  }

  // --- txs --------------------------------------------------------------------------------

  Expected<TxId> add_tx(const Tx& tx) {
    std::optional<Expected<TxId>> added;
    chain.with_state(
        [&](const ChainState& state, const ChainTip&) { added.emplace(mempool.add(tx, state)); });
    return std::move(*added);
  }

  void broadcast_txs(std::span<const Tx> txs) {
    for (const Bytes& m : wire::encode_tx_batches(txs)) net.broadcast(m);
  }

  // A peer's txs (one wire message) are admitted under one hold of the chain's lock, and those
  // admitted are relayed as one batch: a peer that has them already refuses them as duplicates.
  void on_txs(PeerId p, std::span<const Tx> txs) {
    std::vector<Expected<TxId>> added;
    chain.with_state([&](const ChainState& state, const ChainTip&) {
      added = mempool.add_batch(txs, state);
    });
    std::vector<Tx> relay;
    for (std::size_t i = 0; i < txs.size(); ++i) {
      if (added[i]) {
        ++peers[p].accepted;
        if (std::holds_alternative<UptimeProofPayload>(txs[i].payload))
          ++stats.uptime_proofs_received;
        relay.push_back(txs[i]);
      } else if (const auto e = added[i].error().code_as<TxError>(); e != TxError::kDuplicate) {
        drop(p, tx_refusal_is_senders_fault(e) ? "tx_invalid" : "tx_refused");
      }
    }
    if (relay.empty()) return;
    broadcast_txs(relay);
    wake_proposer();
  }

  // Adds a tx of this node's own (uptime proof, evidence) and sends it to the peers.
  bool submit_own_tx(const Tx& tx) {
    if (!add_tx(tx)) return false;
    broadcast_txs(std::span<const Tx>(&tx, 1));
    wake_proposer();
    return true;
  }

  // Equivocation becomes an evidence tx (design §6.5): fee 0, nonce 0, sent by this node.
  void report_evidence(const consensus::Evidence& e) {
    const Vote& v = e.first;
    if (!reported.emplace(v.validator, v.height.value, v.round, static_cast<uint8_t>(v.type))
             .second)
      return;
    if (reported.size() > kMaxReportedEvidence) reported.clear();
    Tx tx;
    tx.chain_id = chain.chain_id();
    tx.sender = key.pubkey();
    tx.payload = EvidencePayload{e.first, e.second};
    tx.sign(key);
    if (submit_own_tx(tx)) ++stats.evidence_sent;
  }

  // Sends a proof and schedules the next: an interval later, or soon when this node's own
  // mempool refused it (a restarted node judges it against its stale tip: too soon after its
  // last proof, or too far from that tip's time) so that a node back from an outage proves,
  // and is recommissioned, once it has caught up rather than an interval later.
  void send_uptime_proof() {
    const ContactInfo& c = config.contact;
    const UptimeContact contact{c.public_ip, c.storage_port, c.storage_lmq_port, c.quorumnet_port,
                                c.version};
    const uint64_t interval_ms = chain.params().proof_interval_s * 1000;
    const bool sent =
        submit_own_tx(make_uptime_proof(key, chain.chain_id(), clock.now_ms(), contact));
    if (sent) ++stats.uptime_proofs_sent;
    sched.schedule(sent ? interval_ms : std::min<uint64_t>(interval_ms, kProofRetryMs),
                   DriverTimer{Kind::kUptimeProof, {}, {}});
  }
  static constexpr uint64_t kProofRetryMs = 5'000;

  // --- timers -----------------------------------------------------------------------------

  void on_timer(const DriverTimer& t) {
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
};

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

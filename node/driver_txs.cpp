// Driver::Impl: txs from peers and from this node (uptime proofs, evidence), and the
// reachability quorums (node/reach_tester.h).
#include "node/driver_impl.h"

namespace swarmchain {

void Driver::Impl::on_probe_result(const ReachProbe& p, const Status& result) {
  if (stopped()) return;
  if (auto vote = reach.on_probe_result(p, result, clock.now_ms())) broadcast(*vote);
  after_votes();
}

void Driver::Impl::after_votes() {
  for (const wire::ReachVote& v : reach.take_relay()) broadcast(v);
  for (const auto& [from, verdict] : reach.take_faults())
    drop(static_cast<PeerId>(from), verdict == ReachTester::Verdict::kForged
                                        ? "reach_vote_forged"
                                        : "reach_vote_invalid");
  for (const Tx& tx : reach.take_ready())
    if (submit_own_tx(tx)) ++stats.state_changes_sent;
}

void Driver::Impl::on_reach_vote(PeerId from, const wire::ReachVote& v, ByteView bytes) {
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

Expected<TxId> Driver::Impl::add_tx(const Tx& tx) {
  std::optional<Expected<TxId>> added;
  chain.with_state(
      [&](const ChainState& state, const ChainTip&) { added.emplace(mempool.add(tx, state)); });
  return std::move(*added);
}

void Driver::Impl::broadcast_txs(std::span<const Tx> txs) {
  for (const Bytes& m : wire::encode_tx_batches(txs)) net.broadcast(m);
}

void Driver::Impl::on_txs(PeerId p, std::span<const Tx> txs) {
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

bool Driver::Impl::submit_own_tx(const Tx& tx) {
  if (!add_tx(tx)) return false;
  broadcast_txs(std::span<const Tx>(&tx, 1));
  wake_proposer();
  return true;
}

void Driver::Impl::report_evidence(const consensus::Evidence& e) {
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

void Driver::Impl::send_uptime_proof() {
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

}  // namespace swarmchain

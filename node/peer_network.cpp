#include "node/peer_network.h"

namespace swarmchain {

bool is_gossip_payload(ByteView payload) {
  if (payload.empty()) return false;
  const auto tag = static_cast<wire::Tag>(payload[0]);
  return tag == wire::Tag::kConsensus || tag == wire::Tag::kTx || tag == wire::Tag::kTxs ||
         tag == wire::Tag::kReachVote;
}

int PeerNetwork::penalty_points(const std::string& reason) {
  // Provably the sender's doing: garbage, forged signatures, blocks or certificates that fail.
  if (reason == "malformed" || reason == "bad_signature") return 25;
  if (reason == "bad_certificate" || reason == "bad_block") return 50;
  if (reason == "tx_invalid") return 20;
  // A vote not signed by the quorum member it names (the signature covers only what the
  // sender could check against the same committed block).
  if (reason == "reach_vote_forged") return 25;
  // A proposal from the wrong proposer or with a block this node finds invalid: an honest node
  // on another view of the committee (one syncing across an epoch) can send one, so these are
  // only counted.
  // Stale, future, duplicate, buffer full, not a member, a tx refused by the state (a nonce
  // race): normal on a live network.
  return 0;
}

PeerNetwork::PeerNetwork(p2p::HostConfig config, const KeyPair& node_key, OnStrand on_strand,
                         std::function<uint64_t()> local_height, const Mempool* mempool)
    : on_strand_(std::move(on_strand)),
      mempool_(mempool),
      local_height_(std::move(local_height)),
      host_(std::move(config), node_key, *this, is_gossip_payload) {}

PeerNetwork::~PeerNetwork() {
  stop();
}

void PeerNetwork::stop() {
  host_.stop();
}

void PeerNetwork::penalize(PeerId peer, const std::string& reason) {
  if (int points = penalty_points(reason); points > 0) host_.penalize(peer, points, reason);
}

std::optional<std::vector<Tx>> PeerNetwork::decode_txs(ByteView payload) {
  if (payload.empty()) return std::nullopt;
  const auto tag = static_cast<wire::Tag>(payload[0]);
  if (tag != wire::Tag::kTx && tag != wire::Tag::kTxs) return std::nullopt;
  auto m = wire::decode(payload);
  if (!m) return std::nullopt;  // the driver counts it as malformed
  if (auto* tx = std::get_if<Tx>(&*m)) return std::vector<Tx>{std::move(*tx)};
  return std::move(std::get<wire::TxBatch>(*m).txs);
}

std::size_t PeerNetwork::drop_failing_txs(const Mempool& mempool, std::vector<Tx>& txs) {
  std::size_t faults = 0;
  std::erase_if(txs, [&](const Tx& tx) {
    const Status s = mempool.precheck(tx);
    if (s) return false;
    // A fee below this node's floor is not a fault: the tx is just not relayed.
    if (tx_refusal_is_senders_fault(s.code_as<TxError>())) ++faults;
    return true;
  });
  return faults;
}

void PeerNetwork::deliver(p2p::PeerId from, Bytes payload, std::function<void()> done) {
  on_strand_([from, payload = std::move(payload), done = std::move(done)](Driver& d) {
    d.on_message(from, payload);
    done();
  });
}

void PeerNetwork::on_payload(p2p::PeerId from, Bytes payload, std::function<void()> done) {
  // Txs are decoded and their signatures checked here, on the peer's strand (the Host's
  // threads, in parallel across peers), not on the chain strand. Not on the shared pool: that
  // would reorder one peer's txs, and a sender's nonce n + 1 arriving before n is refused.
  auto txs = mempool_ ? decode_txs(payload) : std::nullopt;
  if (!txs) return deliver(from, std::move(payload), std::move(done));
  for (std::size_t n = drop_failing_txs(*mempool_, *txs); n > 0; --n) penalize(from, "tx_invalid");
  if (txs->empty()) return done();
  on_strand_([from, txs = std::move(*txs), done = std::move(done)](Driver& d) {
    d.on_txs(from, txs);
    done();
  });
}

void PeerNetwork::on_connected(const p2p::PeerInfo& peer) {
  on_strand_([id = peer.id, h = peer.height](Driver& d) { d.on_peer_height(id, Height(h)); });
}

void PeerNetwork::on_disconnected(p2p::PeerId peer) {
  on_strand_([peer](Driver& d) { d.on_peer_gone(peer); });
}

}  // namespace swarmchain

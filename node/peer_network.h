// PeerNetwork: the Driver's Network over the p2p transport (p2p::Host). It is the adapter
// between the two threads' worlds: the Host's Asio threads hand it payloads, which it posts to
// the chain strand (the EventLoop) for the Driver, calling the Host's done() once the Driver has
// handled them (back-pressure: a flooding peer is read no faster than it is served); the
// Driver's messages go out through the Host, which queues them on the peers' strands and never
// blocks the chain strand. Drops that are the sender's fault become ban points here (the table
// in peer_network.cpp), so p2p needs no knowledge of blocks or votes.
//
// Thread-safety: broadcast/send/penalize from the chain strand; the HostHandler members from
// the Host's threads (a tx's precheck too, on its peer's strand); stop() from the owner.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/mempool.h"
#include "node/driver.h"
#include "node/event_loop.h"
#include "p2p/host.h"

namespace swarmchain {

class PeerNetwork final : public Network, public p2p::HostHandler {
 public:
  // `on_strand(fn)` runs fn(driver) on the chain strand (the node posts it to its EventLoop and
  // checks the driver's failure afterwards).
  using OnStrand = std::function<void(std::function<void(Driver&)>)>;
  // `mempool` (optional): a tx from a peer gets its stateless checks (its signature, into the
  // chain's signature cache) here on the Host's thread, off the chain strand; one that fails
  // them is dropped here (and scored when it is the sender's fault).
  PeerNetwork(p2p::HostConfig config, const KeyPair& node_key, OnStrand on_strand,
              std::function<uint64_t()> local_height, const Mempool* mempool = nullptr);
  ~PeerNetwork() override;

  Status start() { return host_.start(); }
  void stop();
  p2p::Host& host() { return host_; }

  // Network (chain strand).
  void broadcast(ByteView message) override { host_.broadcast(message); }
  void send(PeerId to, ByteView message) override { host_.send(to, message); }
  void penalize(PeerId peer, const std::string& reason) override;

  // p2p::HostHandler (Host threads).
  uint64_t local_height() const override { return local_height_(); }
  void on_payload(p2p::PeerId from, Bytes payload, std::function<void()> done) override;
  void on_connected(const p2p::PeerInfo& peer) override;
  void on_disconnected(p2p::PeerId peer) override;

  // The ban points of a Driver drop reason (0: not the sender's fault, only counted).
  static int penalty_points(const std::string& reason);
  // The txs of a tx or tx-batch payload; nullopt for other payloads and undecodable ones.
  static std::optional<std::vector<Tx>> decode_txs(ByteView payload);
  // Removes the txs that fail their stateless checks (signatures verified into the mempool's
  // signature cache), keeping the others in order; returns how many were the sender's fault
  // (forged, wrong chain, bad encoding), not a mere local policy such as a fee floor.
  static std::size_t drop_failing_txs(const Mempool& mempool, std::vector<Tx>& txs);

 private:
  void deliver(p2p::PeerId from, Bytes payload, std::function<void()> done);

  OnStrand on_strand_;
  const Mempool* mempool_;
  std::function<uint64_t()> local_height_;
  p2p::Host host_;
};

// Is the wire payload gossip (a consensus message or a tx: deduplicated and relayed by hash)?
bool is_gossip_payload(ByteView payload);

}  // namespace swarmchain

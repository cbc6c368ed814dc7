// p2p::Probe: one outbound reachability probe (issue 10, "reachability quorums"). A quorum
// member connects to a service node's advertised p2p address and checks that the expected node
// key answers there, on our chain: resolve + connect, the initiator side of the handshake
// (p2p/handshake.h: first messages, then our Auth frame), the target's Auth (verified) and its
// Hello (protocol version, chain id, genesis hash checked as Connection does), then close.
//
// What the target sees: an inbound connection that authenticates with our node key and closes
// before sending its Hello. The probe deliberately sends no Hello: with one, the target would
// activate us as a peer (on_connected to its node, GetPeers, an address book entry, info-level
// connect/disconnect lines), and if the two nodes were already connected through a connection
// the target dialled, the duplicate-connection rule (host_core.cpp, activate) would make the
// target keep the probe and close the real connection whenever the prober's key is the
// smaller. A Host that sees an authenticated peer close before its Hello logs one debug line
// and counts the drop reason "probe"; nothing is scored or banned on either side.
//
// Bounds: every read is exact-sized; a frame longer than kProbeMaxFrameBytes is refused before
// it is read. One deadline covers everything from resolve to the Hello; the socket, resolver
// and timer are closed on every path before `done` runs.
//
// Thread-safety: a Probe lives on its own strand (shared_from_this keeps it alive while an
// operation is pending). start() and cancel() may be called from any thread; `done` is called
// exactly once, from the strand.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "p2p/host.h"

namespace swarmchain::p2p {

inline constexpr std::size_t kProbeMaxFrameBytes = 64 * 1024;  // Auth and Hello are < 100 bytes

struct ProbeConfig {
  uint32_t protocol_version = 1;
  Hash chain_id;
  Hash genesis_hash;
  uint64_t deadline_ms = 5'000;
};

class Probe : public std::enable_shared_from_this<Probe> {
 public:
  // `strand` should be a strand (or a single-threaded executor); `node_key` is copied.
  Probe(boost::asio::any_io_executor strand, std::string host_port, PubKey expected, const KeyPair& node_key,
        ProbeConfig config, std::function<void(Status)> done);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Any thread: begins the probe (once).
  void start();
  // Any thread: ends the probe with kCancelled if it has not ended yet.
  void cancel();

 private:
  using tcp = boost::asio::ip::tcp;
  enum class Stage { kResolving, kConnecting, kHandshake, kAuth, kHello, kDone };

  void on_connected();
  void read_first_message(std::size_t have);
  void on_first_message();
  void read_frame();
  void on_frame(ByteView plaintext);
  // A read or write ended with `ec` (not operation_aborted): the matching ProbeError.
  void on_io_error(const boost::system::error_code& ec);
  void finish(ProbeError code, const std::string& what);
  const char* stage_name() const;

  boost::asio::any_io_executor ex_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  const std::string host_port_;
  const PubKey expected_;
  const KeyPair key_;  // the Handshake keeps a reference to it
  const ProbeConfig cfg_;
  std::function<void(Status)> done_;

  Stage stage_ = Stage::kResolving;
  std::unique_ptr<Handshake> hs_;
  std::unique_ptr<FrameSealer> sealer_;
  std::unique_ptr<FrameOpener> opener_;
  Bytes out_;  // what is being written: our first message, then our Auth frame
  Bytes in_;   // the message or frame being read (<= kFrameHeaderBytes + kProbeMaxFrameBytes)
};

}  // namespace swarmchain::p2p

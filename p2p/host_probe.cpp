// HostCore::probe: starts a reachability Probe (probe.h) on the Host's io_context and tracks it
// so that stop() can cancel it (host_core.cpp). Kept out of host_core.cpp, which is long enough.
#include "p2p/host_core.h"

namespace swarmchain::p2p {

void HostCore::probe(const std::string& host_port, const PubKey& expected_key,
                     std::function<void(Status)> done) {
  std::shared_ptr<Probe> p;
  {
    std::lock_guard lk(mu_);
    // running_threads_ > 0: start() succeeded and stop() has not run, so the threads will run
    // the probe, and stop() (which takes probes_ under mu_) will cancel it.
    if (!stopping_ && running_threads_ > 0) {
      ProbeConfig pc{cfg_.protocol_version, cfg_.chain_id, cfg_.genesis_hash, cfg_.handshake_timeout_ms};
      p = std::make_shared<Probe>(net::make_strand(ioc_), host_port, expected_key, key_, pc, std::move(done));
      std::erase_if(probes_, [](const auto& w) { return w.expired(); });
      probes_.push_back(p);
    }
  }
  if (!p) {
    if (done) done(Status::error(ProbeError::kCancelled, host_port + ": cancelled: the host is not running"));
    return;
  }
  p->start();
}

}  // namespace swarmchain::p2p

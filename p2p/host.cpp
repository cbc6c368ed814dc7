// p2p::Host: the public face; everything happens in HostCore (host_core.h).
#include "p2p/host.h"

#include "p2p/host_core.h"

namespace swarmchain::p2p {

struct Host::Impl {
  std::shared_ptr<HostCore> core;
};

Host::Host(HostConfig config, const KeyPair& node_key, HostHandler& handler,
           std::function<bool(ByteView)> is_gossip)
    : impl_(std::make_shared<Impl>(Impl{std::make_shared<HostCore>(std::move(config), node_key, handler,
                                                                   std::move(is_gossip))})) {}

Host::~Host() { stop(); }

Status Host::start() { return impl_->core->start(); }
void Host::stop() { impl_->core->stop(); }
uint16_t Host::port() const { return impl_->core->port(); }
void Host::broadcast(ByteView payload) { impl_->core->broadcast(payload); }
void Host::send(PeerId to, ByteView payload) { impl_->core->send(to, payload); }
void Host::penalize(PeerId peer, int points, const std::string& reason) {
  impl_->core->penalize(peer, points, reason);
}
void Host::add_peer(const std::string& host_port) { impl_->core->add_peer(host_port); }
void Host::probe(const std::string& host_port, const PubKey& expected_key, std::function<void(Status)> done) {
  impl_->core->probe(host_port, expected_key, std::move(done));
}
std::size_t Host::peer_count() const { return impl_->core->peer_count(); }
std::vector<PeerInfo> Host::peers() const { return impl_->core->peers(); }
std::vector<std::pair<std::string, uint64_t>> Host::drop_counts() const {
  return impl_->core->drop_counts();
}
HostMemory Host::memory() const { return impl_->core->memory(); }

}  // namespace swarmchain::p2p

#include "tests/sim/sim_node.h"

#include <iostream>
#include <utility>

#include "node/wire.h"
#include "node/sign_state.h"

namespace swarmchain::sim {

SimNode::SimNode(SimWorld& world, const Genesis& genesis, SimNodeSetup setup,
                 InvariantChecker& checker, const std::set<PubKey>& never_proved)
    : world_(world),
      genesis_(genesis),
      setup_(std::move(setup)),
      verbose_(setup_.verbose),
      checker_(checker),
      never_proved_(never_proved),
      clock_(world.queue(), genesis.genesis_time_ms, setup_.skew_ms),
      disk_(MemoryDisk::create()),
      sign_state_(std::make_unique<MemorySignStateStore>()) {}

SimNode::~SimNode() { crash(); }

Status SimNode::start() {
  if (up()) return Status::ok();
  StoreOptions options;
  options.memory = disk_;
  auto chain = Blockchain::open("/sim/node" + std::to_string(setup_.index), genesis_, options);
  if (!chain) return chain.error();
  chain_ = std::move(*chain);
  chain_->add_listener(this);
  mempool_ = std::make_unique<Mempool>(chain_->chain_id(), MempoolLimits{},
                                       chain_->executor().registry_params());
  auto signer = GuardedSigner::open(setup_.key, chain_->chain_id(), *sign_state_);
  if (!signer) return signer.error();
  // As the node does at start: a store behind what this node committed is refused.
  if (Status s = check_store_not_behind(chain_->tip().header.height, (*signer)->committed_height());
      !s)
    return s;
  signer_ = std::move(*signer);
  driver_ = std::make_unique<Driver>(*chain_, *mempool_, *signer_, setup_.key, clock_,
                                     world_.net().endpoint(setup_.index),
                                     world_.scheduler(setup_.index), setup_.config);
  world_.attach(setup_.index, this);
  driver_->start();
  return Status::ok();
}

void SimNode::crash() {
  if (!up()) return;
  world_.detach(setup_.index);
  // In the order a dying process loses them: nothing is flushed that was not already synced.
  driver_.reset();
  signer_.reset();
  mempool_.reset();
  chain_.reset();
}

void SimNode::on_message(NodeIndex from, ByteView bytes) {
  if (up()) driver_->on_message(from, bytes);
}

void SimNode::on_timer(const DriverTimer& t) {
  if (!up()) return;
  if (t.kind == DriverTimer::Kind::kUptimeProof && !proofs_on_) {
    world_.scheduler(setup_.index).schedule(genesis_.params.proof_interval_s * 1000, t);
    return;
  }
  driver_->on_timer(t);
}

Height SimNode::height() const { return up() ? chain_->tip().header.height : Height(0); }

uint64_t SimNode::next_nonce(const PubKey& sender) const {
  uint64_t nonce = 0;
  chain_->with_state([&](const ChainState& s, const ChainTip&) {
    nonce = mempool_->next_nonce(sender, s);
  });
  return nonce;
}

Status SimNode::submit(const Tx& tx) {
  if (!up()) return Status::error("node is down");
  std::optional<Expected<TxId>> added;
  chain_->with_state([&](const ChainState& s, const ChainTip&) { added.emplace(mempool_->add(tx, s)); });
  if (!*added) return added->error();
  world_.net().endpoint(setup_.index).broadcast(wire::encode(wire::WireMessage(tx)));
  driver_->on_new_tx();
  return Status::ok();
}

void SimNode::on_block_committed(const Block& block, const CommitCertificate& cert) {
  checker_.on_commit(setup_.index, block, cert);
  if (verbose_)
    std::cout << "t=" << world_.now_ms() << " node " << setup_.index << " committed height "
              << block.header.height.to_string() << " round " << cert.round << ", "
              << block.txs.size() << " txs\n";
  chain_->with_state([&](const ChainState& s, const ChainTip&) {
    checker_.on_state(setup_.index, s.height,
                      Roots{s.accounts.root(), s.registry.root()});
    if (observer_.committed) observer_.committed(setup_.index, block, s);
  });
  checker_.on_committee(setup_.index, block.header.height.next(),
                        chain_->committee(block.header.height.next()), never_proved_);
}

void SimNode::on_liveness_changes(Height h, const std::vector<LivenessChange>& changes) {
  if (observer_.liveness) observer_.liveness(setup_.index, h, changes);
}

}  // namespace swarmchain::sim

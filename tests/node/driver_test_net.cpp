#include "tests/node/driver_test_net.h"

#include "tests/chain/test_util.h"

namespace swarmchain::test {

TestSigner::TestSigner(KeyPair key, Hash chain_id) : key_(std::move(key)), chain_id_(chain_id) {
  reopen();
}

void TestSigner::reopen() {
  auto g = GuardedSigner::open(key_, chain_id_, store_);
  if (!g) ADD_FAILURE() << "open the guard: " << g.error().message();
  guard_ = std::move(*g);
}

Expected<consensus::Message> TestSigner::sign(consensus::Message m) {
  if (refuse) return fail("the test signer refuses");
  auto r = guard_->sign(std::move(m));
  if (!r) {
    ++guard_refusals;
    return r;
  }
  ++signed_count;
  return r;
}

KeyPair node_key(std::size_t i) {
  return test_key(static_cast<uint8_t>(210 + i));
}

Genesis driver_genesis(std::size_t n) {
  Genesis g = test_genesis(4);
  g.service_nodes.clear();
  for (std::size_t i = 0; i < n; ++i)
    g.service_nodes.push_back({node_key(i).pubkey(),
                               test_key(static_cast<uint8_t>(230 + i)).pubkey(),
                               g.params.staking_requirement});
  return g;
}

struct DriverNet::Node {
  struct Net final : Network {
    DriverNet* owner = nullptr;
    std::size_t self = 0;
    void broadcast(ByteView m) override {
      for (std::size_t to = 0; to < owner->size(); ++to)
        if (to != self) owner->push(self, to, m);
    }
    void send(PeerId to, ByteView m) override { owner->push(self, to, m); }
  };
  struct Sched final : Scheduler {
    DriverNet* owner = nullptr;
    std::size_t self = 0;
    void schedule(uint64_t delay_ms, const DriverTimer& t) override {
      owner->timers_.emplace(std::make_pair(owner->clock_.now_ms() + delay_ms, owner->timer_seq_++),
                             Timer{self, t});
    }
  };
  std::unique_ptr<Blockchain> chain;
  std::unique_ptr<Mempool> mempool;
  std::unique_ptr<TestSigner> signer;
  Net net;
  Sched sched;
  std::unique_ptr<Driver> driver;
};

DriverNet::DriverNet(std::size_t n, DriverConfig config, std::vector<std::filesystem::path> dirs)
    : genesis_(driver_genesis(n)), clock_(genesis_.genesis_time_ms + 1000), config_(config) {
  down.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    auto node = std::make_unique<Node>();
    StoreOptions opts;
    std::filesystem::path dir = "/node" + std::to_string(i);
    if (dirs.empty()) {
      opts.memory = MemoryDisk::create();
      opts.sync = false;
    } else {
      dir = dirs[i];
    }
    auto chain = Blockchain::open(dir, genesis_, opts);
    if (!chain) ADD_FAILURE() << "open chain: " << chain.error().message();
    node->chain = std::move(*chain);
    node->signer = std::make_unique<TestSigner>(node_key(i), node->chain->chain_id());
    node->net.owner = this;
    node->net.self = i;
    node->sched.owner = this;
    node->sched.self = i;
    nodes_.push_back(std::move(node));
    make_driver(i);
  }
}

void DriverNet::make_driver(std::size_t i) {
  Node& node = *nodes_[i];
  node.driver.reset();
  node.mempool = std::make_unique<Mempool>(node.chain->chain_id(), MempoolLimits{},
                                           node.chain->executor().registry_params());
  node.driver = std::make_unique<Driver>(*node.chain, *node.mempool, *node.signer, node_key(i),
                                         clock_, node.net, node.sched, config_);
}

void DriverNet::restart(std::size_t i) {
  std::erase_if(timers_, [&](const auto& t) { return t.second.node == i; });
  std::erase_if(in_flight_, [&](const Packet& p) { return p.to == i || p.from == i; });
  nodes_[i]->signer->reopen();
  make_driver(i);
  if (!down[i]) nodes_[i]->driver->start();
}

DriverNet::~DriverNet() = default;

void DriverNet::start() {
  for (std::size_t i = 0; i < size(); ++i)
    if (!down[i]) nodes_[i]->driver->start();
}

void DriverNet::push(std::size_t from, std::size_t to, ByteView bytes) {
  if (down[from]) return;
  Packet p{from, to, Bytes(bytes.begin(), bytes.end())};
  sent.push_back(p);
  if (to < size()) in_flight_.push_back(std::move(p));  // others are peers outside the net
}

bool DriverNet::step() {
  while (!in_flight_.empty()) {
    Packet p = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (down[p.to]) continue;
    nodes_[p.to]->driver->on_message(static_cast<PeerId>(p.from), p.bytes);
    return true;
  }
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (down[it->second.node]) continue;
    const auto [due, seq] = it->first;
    const Timer t = it->second;
    timers_.erase(it);
    if (due > clock_.now_ms()) clock_.set(due);
    nodes_[t.node]->driver->on_timer(t.timer);
    return true;
  }
  return false;
}

bool DriverNet::run_until(const std::function<bool()>& pred, std::size_t max_steps) {
  for (std::size_t i = 0; i < max_steps && !pred(); ++i)
    if (!step()) break;
  return pred();
}

Driver& DriverNet::driver(std::size_t i) {
  return *nodes_[i]->driver;
}
Blockchain& DriverNet::chain(std::size_t i) {
  return *nodes_[i]->chain;
}
Mempool& DriverNet::mempool(std::size_t i) {
  return *nodes_[i]->mempool;
}
TestSigner& DriverNet::signer(std::size_t i) {
  return *nodes_[i]->signer;
}

}  // namespace swarmchain::test

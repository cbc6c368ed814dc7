#include "node/replay_cmd.h"

#include <iostream>
#include <variant>

#include "chain/blockchain.h"
#include "common/hex.h"
#include "node/sign_state.h"

namespace swarmchain {

namespace {

struct Roots {
  Height height;
  BlockHash hash;
  Hash state_root;
  Hash registry_root;
};

Roots roots_of(const Blockchain& chain) {
  Roots r;
  chain.with_state([&r](const ChainState& state, const ChainTip& tip) {
    r.height = tip.header.height;
    r.hash = tip.hash;
    r.state_root = state.accounts.root();
    r.registry_root = state.registry.root();
  });
  return r;
}

int error(const std::string& what) {
  std::cerr << "error: " << what << "\n";
  return 1;
}

}  // namespace

int run_replay(const ReplayOptions& o) {
  const auto genesis_path = o.genesis.empty() ? o.datadir / "genesis.json" : o.genesis;
  auto genesis = Genesis::load(genesis_path);
  if (!genesis) return error(genesis.error().message());
  // Opening checks the loaded state against the tip's roots already (a damaged store fails).
  auto stored = Blockchain::open(o.datadir / "chain", *genesis);
  if (!stored) return error(stored.error().message());
  StoreOptions mem;
  mem.memory = MemoryDisk::create();
  mem.sync = false;
  auto fresh = Blockchain::open("/replay/chain", *genesis, mem);
  if (!fresh) return error("cannot start the replay: " + fresh.error().message());

  const Roots want = roots_of(**stored);
  uint64_t txs = 0, evidence = 0;
  for (uint64_t h = 1; h <= want.height.value; ++h) {
    auto block = (*stored)->store().block_at(Height(h));
    if (!block) return error("block " + std::to_string(h) + ": " + block.error().message());
    auto cert = (*stored)->store().certificate_at(Height(h));
    if (!cert) return error("certificate " + std::to_string(h) + ": " + cert.error().message());
    if (!*cert) return error("block " + std::to_string(h) + " has no certificate in the store");
    if (Status s = (*fresh)->commit(*block, **cert); !s)
      return error("the stored block " + std::to_string(h) + " does not replay: " + s.message());
    txs += block->txs.size();
    for (const Tx& tx : block->txs) evidence += std::holds_alternative<EvidencePayload>(tx.payload);
  }
  const Roots got = roots_of(**fresh);
  if (got.hash != want.hash || got.state_root != want.state_root ||
      got.registry_root != want.registry_root)
    return error("the replay ends at " + to_hex(got.hash) + " state root " + to_hex(got.state_root) +
                 " registry root " + to_hex(got.registry_root) + " but the store holds " +
                 to_hex(want.hash) + " state root " + to_hex(want.state_root) + " registry root " +
                 to_hex(want.registry_root));

  std::string sign = "no sign state";
  FileSignStateStore sign_store(o.datadir / "sign_state");
  auto st = sign_store.load();
  if (!st) return error(st.error().message());
  if (*st) {
    const SignState& s = **st;
    if (Status behind = check_store_not_behind(want.height, s.committed_height); !behind)
      return error(behind.message());
    sign = "sign state: signed height " + s.height.to_string() + " round " +
           std::to_string(s.round) + " step " + std::to_string(s.step) + ", committed " +
           s.committed_height.to_string() +
           (s.precommit.present ? ", precommit " + to_hex(s.precommit.block_hash) : "");
  }
  std::cout << "replayed " << want.height.value << " blocks (" << txs << " txs, " << evidence
            << " evidence) from genesis: tip " << to_hex(want.hash) << ", state root "
            << to_hex(want.state_root) << " and registry root " << to_hex(want.registry_root)
            << " match the store; " << sign << "\n";
  return 0;
}

}  // namespace swarmchain

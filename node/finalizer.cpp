#include "node/finalizer.h"

#include <algorithm>

namespace swarmchain {

std::optional<FinalizedBlock> SoloFinalizer::finalize_next(const Blockchain& chain,
                                                           std::span<const Tx> candidates,
                                                           uint64_t now_ms) {
  const std::vector<PubKey> committee = chain.committee(chain.tip().header.height.next());
  auto me = std::find(committee.begin(), committee.end(), key_.pubkey());
  // A committee of one: this finalizer can certify alone only if it is the whole committee.
  if (me == committee.end() || committee.size() != 1) return std::nullopt;

  std::optional<FinalizedBlock> out;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    auto built = chain.executor().build(state, tip.header, tip.cert, candidates, now_ms,
                                        key_.pubkey());
    const BlockHash hash = built.block.hash();
    const Height height = built.block.header.height;
    out = FinalizedBlock{std::move(built.block),
                         solo_certificate(chain.chain_id(), height, hash, key_)};
  });
  return out;
}

}  // namespace swarmchain

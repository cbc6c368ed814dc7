// Finalizer: the seam between the node's chain loop and whatever decides blocks.
//
// The chain loop asks the finalizer for the next block on top of the tip; it gets back the
// block and its commit certificate (>= 2/3 precommits of the height's committee), then commits
// both through Blockchain::commit, which checks them like any block from the network.
//
// SoloFinalizer (dev node, issue 3): a committee of one. It builds the block from mempool
// candidates and signs the precommit itself, in the certificate format the BFT engine will
// produce. The BFT engine replaces it without touching the chain loop.
//
// Thread-safety: called from the chain loop thread only.
#pragma once

#include <optional>
#include <span>

#include "chain/blockchain.h"
#include "common/crypto.h"

namespace swarmchain {

struct FinalizedBlock {
  Block block;
  CommitCertificate cert;
};

class Finalizer {
 public:
  virtual ~Finalizer() = default;
  // The next block on top of chain.tip(), with its certificate; nullopt if this node cannot
  // finalize one now. `candidates` have valid signatures.
  virtual std::optional<FinalizedBlock> finalize_next(const Blockchain& chain,
                                                      std::span<const Tx> candidates,
                                                      uint64_t now_ms) = 0;
};

class SoloFinalizer final : public Finalizer {
 public:
  explicit SoloFinalizer(KeyPair validator) : key_(std::move(validator)) {}
  std::optional<FinalizedBlock> finalize_next(const Blockchain& chain,
                                              std::span<const Tx> candidates,
                                              uint64_t now_ms) override;

 private:
  KeyPair key_;
};

}  // namespace swarmchain

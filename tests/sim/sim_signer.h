// The simulator's sign-state guard, until node/sign_state.h (GuardedSigner over a
// MemorySignStateStore) is on this branch: the same rule as node/signer.h says, with the record
// in a SignStateMemory that the simulation keeps across a node's crash.
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <optional>

#include "common/crypto.h"
#include "node/signer.h"

namespace swarmchain::sim {

struct SignRecord {
  uint64_t height = 0;
  uint32_t round = 0;
  uint8_t step = 0;  // proposal 0 < prevote 1 < precommit 2
  Hash digest;
  Signature signature;
};

class SignStateMemory {
 public:
  std::optional<SignRecord> last;
  Height committed;
};

class SimSigner final : public Signer {
 public:
  SimSigner(const KeyPair& key, const Hash& chain_id, SignStateMemory& memory)
      : key_(key), chain_id_(chain_id), memory_(memory) {}
  const PubKey& pubkey() const override { return key_.pubkey(); }
  Expected<consensus::Message> sign(consensus::Message m) override;
  Status note_committed(Height h) override;
  Height committed_height() const override { return memory_.committed; }

 private:
  KeyPair key_;
  Hash chain_id_;
  SignStateMemory& memory_;
};

}  // namespace swarmchain::sim

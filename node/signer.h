// Signer: every vote and proposal of this node goes through it (design §6.4, the sign-state
// guard). Before a signature leaves, the (height, round, step) it is for and the digest it
// signs are durably recorded (a file fsynced, or the simulator's memory that survives a
// simulated crash); after a restart the signer refuses any signature that conflicts with what
// it signed before: a lower (height, round, step), or the same one with other bytes. Signing
// the very same message again is allowed (and gives the same signature): gossip resends.
//
// It also keeps the last committed height, so that a node whose store comes back lower than
// what it already committed (a lying disk, a damaged WAL) refuses to start instead of signing
// new blocks at heights it has signed already.
//
// After a restart, last_signed() gives the (height, round) signed last and this node's votes
// signed there: the driver resumes that round and sends them again instead of starting the
// height at round 0, where the guard would refuse everything it asks (a deadlock once the other
// nodes need this node's messages).
//
// Step order within a round: proposal (0) < prevote (1) < precommit (2).
//
// Thread-safety: one owner (the driver's strand).
#pragma once

#include <optional>
#include <vector>

#include "common/expected.h"
#include "common/height.h"
#include "consensus/message.h"

namespace swarmchain {

// The round a signer signed in last, and its signed votes of that round (prevote first).
struct SignedRound {
  Height height;
  uint32_t round = 0;
  std::vector<Vote> votes;
};

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const PubKey& pubkey() const = 0;
  // Returns `m` signed, or an error if signing it could conflict with an earlier signature or
  // the sign state could not be recorded (then nothing was signed).
  virtual Expected<consensus::Message> sign(consensus::Message m) = 0;
  // Records that the chain committed `h` (called after the store committed it).
  virtual Status note_committed(Height h) = 0;
  virtual Height committed_height() const = 0;
  // nullopt when nothing was signed yet.
  virtual std::optional<SignedRound> last_signed() const = 0;
};

}  // namespace swarmchain

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
// Step order within a round: proposal (0) < prevote (1) < precommit (2).
//
// Thread-safety: one owner (the driver's strand).
#pragma once

#include "common/expected.h"
#include "common/height.h"
#include "consensus/message.h"

namespace swarmchain {

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
};

}  // namespace swarmchain

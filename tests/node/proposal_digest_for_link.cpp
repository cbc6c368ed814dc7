// Only compiled while the consensus library is not in the tree (tests/node/CMakeLists.txt):
// Proposal::digest as consensus/message.h's grammar states it, so that the sign-state tests
// link before consensus/message.cpp lands. Once a `consensus` target exists, the tests link it
// instead and this file is not built.
#include "common/codec.h"
#include "consensus/message.h"

namespace swarmchain::consensus {

Hash Proposal::digest(const Hash& chain_id) const {
  Writer w;
  w.fixed(chain_id);
  w.height(height);
  w.u32(round);
  w.u32(pol_round);
  w.fixed(value_hash);
  return hash_tagged("swarmchain/proposal/v1", w.data());
}

}  // namespace swarmchain::consensus

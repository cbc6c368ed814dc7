// Swarm identifiers and the swarm table shared by the swarm assigner (design §5.6)
// and the pubkey -> swarm lookup (design §5.7).
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace swarmchain {

// A swarm id is a point on the ring [0, kMaxSwarmId]. 2^64-1 is reserved for "no swarm"
// (a node that is new, recommissioned, decommissioned or removed), as in Oxen.
using SwarmId = uint64_t;
inline constexpr SwarmId kUnassignedSwarm = UINT64_MAX;
inline constexpr SwarmId kMaxSwarmId = UINT64_MAX - 1;

// swarm id -> member pubkeys, ascending within each swarm. A table produced by this module
// never holds an empty swarm and never uses kUnassignedSwarm as a key.
using SwarmTable = std::map<SwarmId, std::vector<PubKey>>;

// A swarm id as Oxen's "swarm" field writes it: 16 lowercase hex digits.
inline std::string swarm_hex(SwarmId id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 16; i-- > 0; id >>= 4) out[i] = kDigits[id & 0xf];
  return out;
}

}  // namespace swarmchain

// Pubkey -> swarm (design §5.7). Must agree bit for bit with Oxen's storage server
// (`pubkey_to_swarm_space`, `get_swarm_by_pk`) and libsession's `get_swarm`.
//
//   key    : 32 bytes, or 33 bytes whose leading network byte (05 Session ids, 03, ...) is
//            dropped; as text 64 or 66 hex digits (all lowercase or all uppercase).
//   space  : c0 ^ c1 ^ c2 ^ c3, ci = bytes [8i, 8i+8) of the key read big-endian.
//   swarm  : ids ascending; right = first id >= space (wrapping to the first id),
//            left = the id before right (wrapping to the last id);
//            dR = right - space, dL = space - left (both mod 2^64);
//            answer right if dR < dL, else left (ties go left). One swarm -> that swarm.
//
// Thread-safety: SwarmIndex is immutable after construction; concurrent lookups are safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "registry/swarm_id.h"

namespace swarmchain {

enum class PubKeyParseError {
  kWrongLength = 1,  // not 64/66 hex digits (or 32/33 bytes)
  kBadHex = 2,       // a non-hex character, or upper and lower case mixed
};

uint64_t swarm_space(const PubKey& key);

// 32 bytes, or 33 bytes with a leading network byte that is dropped (whatever its value).
Expected<PubKey> parse_user_pubkey_bytes(ByteView bytes);

// 64 or 66 hex digits. Errors carry a PubKeyParseError code and name the problem.
Expected<PubKey> parse_user_pubkey(std::string_view hex);

// The sorted swarm ids, built once per table change; lookups are a binary search.
class SwarmIndex {
 public:
  SwarmIndex() = default;
  // Any order, duplicates allowed. kUnassignedSwarm is ignored (it is not a swarm).
  explicit SwarmIndex(std::vector<SwarmId> ids);
  static SwarmIndex from_table(const SwarmTable& table);

  bool empty() const { return ids_.empty(); }
  std::size_t size() const { return ids_.size(); }
  const std::vector<SwarmId>& ids() const { return ids_; }

  // The swarm responsible for `space`; kUnassignedSwarm when there is no swarm at all.
  SwarmId lookup(uint64_t space) const;
  SwarmId lookup(const PubKey& key) const { return lookup(swarm_space(key)); }

 private:
  std::vector<SwarmId> ids_;  // ascending, unique
};

}  // namespace swarmchain

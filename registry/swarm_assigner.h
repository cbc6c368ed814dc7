// Deterministic swarm assignment (design §5.6). Every node computes the same table from the
// same (table, unassigned nodes, block hash), so the rules below are consensus rules and are
// byte-exact. The vectors in ../shared/vectors/swarm_assignment.json and our own golden tables
// in tests/data/swarm_golden.json pin them down.
//
// Inputs: the table after leaving nodes were taken out (remove_from_swarms), the unassigned
// (new or recommissioned) nodes, the block hash. MIN = min_swarm_size, IDEAL = ideal_swarm_size,
// S = current number of swarms, ids live in [0, MAX_ID], MAX_ID = 2^64-2.
//
// Definitions (each fixes an order):
//   RNG           : SwarmRng (swarm_rng.h); one RNG for the whole run.
//   sorted_sizes  : (size, id) of every swarm, ascending by size then id; recomputed from the
//                   current table at every use. (Oxen sorts on size only with an unstable
//                   std::sort, so its consensus depends on libstdc++'s tie order; we do not.)
//   pool(pred)    : (pubkey, swarm) of every swarm whose size satisfies pred; swarms by
//                   ascending id, pubkeys ascending within a swarm.
//   new_id        : ids ascending; gap_i = ids[i+1] - ids[i]; the first largest gap wins
//                   (strict >); the wrap gap MAX_ID - ids.back() + ids.front() + 1 is tried
//                   last (strict >). New id = ids[best] + gap/2, or, if that passes MAX_ID,
//                   gap/2 - (MAX_ID - ids[best]) - 1.
// Procedures:
//   split         : if some swarm has size < MIN, nothing. Else while
//                   sum(max(0, size - MIN)) >= IDEAL + 2*S: id = new_id; IDEAL times:
//                   p = pool(size > MIN) (rebuilt per draw), move p[uniform(|p|)] out of its
//                   swarm; after the IDEAL draws add swarm id with those nodes.
//   assign(N,pct) : for each node of N in ascending pubkey order: ss = sorted_sizes;
//                   v = ss[pct*(S-1)/100].size; upper = last index of ss with size v; add the
//                   node to ss[uniform(upper+1)].id; split.
// The run:
//   0. no swarms -> create swarm 0 (empty).
//   1. assign(unassigned, 25).
//   2. fill: for each swarm with size < MIN at the start of step 2, in sorted_sizes order,
//      while it is still < MIN: ss = sorted_sizes; pv = max(MIN, ss[75*(S-1)/100].size - 1);
//      excess = sum(size - MIN) over swarms with size > pv; if excess < MIN - size(this swarm)
//      end step 2 entirely; else move p = pool(size > pv)[uniform(|p|)] into this swarm.
//   3. split.
//   4. dissolve: while S > 1 and some swarm has size < MIN: erase the lowest-id swarm among
//      those with size < MIN and assign(its nodes, 0).
//
// Decisions beyond the design text (docs/swarms.md):
//   - Input normalisation: pubkeys are sorted within each input swarm and empty input swarms
//     are dropped (a table derived from node records cannot hold an empty swarm).
//   - Output: empty swarms are dropped. This only happens when no node is active at all:
//     step 0's swarm 0 then stays empty and the result is the empty table.
//   - "some swarm" in dissolve is the lowest id among the small swarms (Oxen's find_if in
//     map order), not the lowest id overall.
//   - pv: when the percentile swarm is empty, size - 1 is taken as 0 (no unsigned wrap).
//
// Thread-safety: pure functions of their arguments; no shared state.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "registry/swarm_id.h"

namespace swarmchain {

struct SwarmParams {
  std::size_t min_swarm_size = 5;
  std::size_t ideal_swarm_size = 7;

  // Chain-parameter loaders must reject params for which this is false.
  bool is_valid() const { return min_swarm_size >= 1 && ideal_swarm_size >= min_swarm_size; }
};

// The swarms a run changed: id -> new members, ascending; an empty list means the swarm is
// gone. Swarms not in the diff are exactly as in the base table.
using SwarmTableDiff = std::map<SwarmId, std::vector<PubKey>>;

// Takes every pubkey of `leaving` out of its swarm and drops swarms that become empty.
// Pubkeys that are in no swarm are ignored.
SwarmTable remove_from_swarms(SwarmTable table, const std::vector<PubKey>& leaving);

// The run of design §5.6.
// REQUIRES: p.is_valid(); no key of `before_minus_removed` is kUnassignedSwarm; a pubkey
// appears at most once across the table and `unassigned` together.
SwarmTable assign_swarms(SwarmTable before_minus_removed, std::vector<PubKey> unassigned,
                         const Hash& block_hash, const SwarmParams& p = SwarmParams{});

// The same run on a table that is not copied: `leaving` (each pubkey with its swarm in `base`)
// is taken out first, exactly as remove_from_swarms, then the run; only the swarms that differ
// from `base` are returned. This is what a block uses: the run keeps a flat (id, size) index
// (16 bytes per swarm) and copies a swarm's members only when it touches them, so a block that
// activates k nodes costs O(S) of flat-array work plus O(k log S), not a copy of every member.
// REQUIRES: p.is_valid(); `base` normalised (members ascending, no empty swarm, no
// kUnassignedSwarm key), as RegistryState::swarms() is; `unassigned` holds no pubkey of the
// table after `leaving` is taken out, and no duplicates.
SwarmTableDiff assign_swarms_diff(const SwarmTable& base,
                                  const std::vector<std::pair<SwarmId, PubKey>>& leaving,
                                  std::vector<PubKey> unassigned, const Hash& block_hash,
                                  const SwarmParams& p = SwarmParams{});

// Applies a diff of assign_swarms_diff to the table it was computed on.
void apply_swarm_diff(SwarmTable& table, SwarmTableDiff diff);

// new_id of the rules above, exposed for tests. REQUIRES: sorted_ids ascending, non-empty,
// all <= kMaxSwarmId.
SwarmId new_swarm_id(const std::vector<SwarmId>& sorted_ids);

}  // namespace swarmchain

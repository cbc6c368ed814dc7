// `swarmchain-wallet swarm <id> --verify [--local]`: a swarm lookup checked against nothing but
// the genesis (docs/protocol.md "Swarm proofs"). The steps, each named when it fails:
//   1. trust anchor: the genesis file, or the node's genesis checked against a pinned hash;
//   2. the proof: get_swarm_proof {pubkey}, or with --local get_swarm_table (the node is never
//      told the id);
//   3. the committee hand-offs from the genesis to the proof's tip (get_committee_chain, paged),
//      each certified by the committee before it (registry/committee_chain.h);
//   4. the tip: in the trusted epoch, certified, fresh (--max-age), not below --min-height;
//   5. the records rebuild the tip's registry_root; the node's swarm list and answer (or the
//      table) are the ones they carry; the swarm is computed from them (registry/swarm_proof.h).
//
// Thread-safety: single-thread functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/expected.h"
#include "registry/committee_chain.h"
#include "registry/swarm_proof.h"

namespace swarmchain {

struct SwarmVerifyOptions {
  std::string genesis_file;  // trust this genesis file, or
  std::string genesis_hash;  // trust the node's genesis only if it hashes to this chain id
  bool local = false;        // fetch the whole table; compute the swarm here
  uint64_t max_age_s = 600;  // refuse a tip older than this by the local clock
  uint64_t min_height = 0;   // refuse a tip below this height (one seen before)
};

struct VerifiedLookup {
  VerifiedSwarm swarm;
  VerifiedTip tip;
  std::size_t handoffs = 0;  // committee hand-offs checked from the genesis
};

// The whole check. A failed proof step is a Status whose code is its ProofStep (> 0, and the
// message names it); a usage, genesis or transport problem has code kSwarmVerifySetupError.
inline constexpr int kSwarmVerifySetupError = 1000;
inline constexpr int kSwarmVerifyUsageError = 1001;  // no trust anchor, or two: exit code 2
Expected<VerifiedLookup> verify_swarm_lookup(const std::string& node_url,
                                             const std::string& user_pubkey,
                                             const SwarmVerifyOptions& options, uint64_t now_ms);

// The command: prints the swarm, its members and "verified at height H, certified by k of n",
// or "verification failed: <step>: ..."; returns the exit code (0, 1, or 2 for a usage error).
int cmd_swarm_verify(const std::string& node_url, const std::string& user_pubkey,
                     const SwarmVerifyOptions& options, bool json_out);

}  // namespace swarmchain

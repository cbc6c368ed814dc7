// Preverify: block sync's signature pass (issue 9, design §7.3). Given a batch of fetched blocks
// and their certificates, verifies every tx signature and every certificate signature (each
// block's own certificate and its last_commit) on the shared ThreadPool, and records the valid
// ones in the SigCache, and so does it with transfer recipients' keys (SigCache::valid_key). Applying the batch afterwards on the chain's one writer thread
// (Blockchain::commit) then finds every signature in the cache and runs no ed25519 verify.
//
// What it does NOT decide: whether a certificate is valid. Membership, quorum, heights and
// hashes are checked at commit against the committee the node computes itself
// (verify_certificate); preverify only caches (pubkey, digest, signature) triples that verify,
// which is true whoever asked. So a wrong committee guess (an epoch the node has not reached
// yet), a forged signature or a certificate for the wrong block costs at most a wasted verify
// here and a refusal at commit, never a wrong acceptance. Certificate signers are resolved by
// `committee_of(height)`: the committee the caller expects at that height (empty: unknown, its
// signatures are skipped and will be verified at commit).
//
// Thread-safety: reentrant; `blocks`, `certs` and the cache must stay alive for the call.
// committee_of is called on the calling thread only, before the parallel pass.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "chain/block.h"
#include "common/commit.h"
#include "common/parallel.h"
#include "common/sig_cache.h"

namespace swarmchain {

struct PreverifyResult {
  std::size_t tx_signatures = 0;    // tx signatures looked at
  std::size_t cert_signatures = 0;  // certificate signatures looked at (signer resolved)
  std::size_t invalid = 0;          // of those, signatures that did not verify (not cached),
                                    // or txs paying a key that is not one
  std::size_t unresolved = 0;       // certificate signatures with no known signer (skipped)
};

using CommitteeOf = std::function<std::vector<PubKey>(Height)>;

// `certs[i]` is the certificate of `blocks[i]` (certs may be shorter: the rest have none here).
// Block last_commits equal to the previous block's certificate in the batch are not looked at
// twice.
PreverifyResult preverify(std::span<const Block> blocks, std::span<const CommitCertificate> certs,
                          const Hash& chain_id, const CommitteeOf& committee_of, SigCache& cache,
                          ThreadPool& pool = ThreadPool::shared());

}  // namespace swarmchain

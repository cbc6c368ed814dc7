#include "chain/preverify.h"

#include <atomic>
#include <map>

namespace swarmchain {

namespace {

struct CertItem {
  PubKey signer;
  Hash digest;
  Signature signature;
};

// Signatures per runner below which parallel_for stays on the calling thread: one verify costs
// tens of microseconds, so even a small batch is worth sharing.
constexpr std::size_t kSignaturesPerThread = 16;

}  // namespace

PreverifyResult preverify(std::span<const Block> blocks, std::span<const CommitCertificate> certs,
                          const Hash& chain_id, const CommitteeOf& committee_of, SigCache& cache,
                          ThreadPool& pool) {
  PreverifyResult out;
  std::vector<const Tx*> txs;
  std::vector<CertItem> cert_items;
  std::map<Height, std::vector<PubKey>> committees;  // committee_of once per height

  const auto add_cert = [&](const CommitCertificate& cert) {
    auto it = committees.find(cert.height);
    if (it == committees.end()) it = committees.emplace(cert.height, committee_of(cert.height)).first;
    const std::vector<PubKey>& committee = it->second;
    const Hash digest =
        vote_digest(chain_id, VoteType::kPrecommit, cert.height, cert.round, cert.block_hash);
    for (const CommitSig& s : cert.sigs) {
      if (s.index >= committee.size()) {
        ++out.unresolved;
        continue;
      }
      cert_items.push_back({committee[s.index], digest, s.signature});
    }
  };

  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    for (const Tx& tx : b.txs) txs.push_back(&tx);
    if (b.last_commit && !(i > 0 && i - 1 < certs.size() && certs[i - 1] == *b.last_commit))
      add_cert(*b.last_commit);
    if (i < certs.size()) add_cert(certs[i]);
  }
  out.tx_signatures = txs.size();
  out.cert_signatures = cert_items.size();

  std::atomic<std::size_t> invalid{0};
  pool.parallel_for(
      txs.size() + cert_items.size(),
      [&](std::size_t i) {
        bool ok;
        if (i < txs.size()) {
          const Tx& tx = *txs[i];
          ok = cache.verify(tx.sender, tx.signing_hash(), tx.signature);
          // The recipient check costs as much as a verify: done here, commit finds it cached.
          if (const auto* t = std::get_if<TransferPayload>(&tx.payload))
            ok = cache.valid_key(t->to) && ok;
        } else {
          const CertItem& c = cert_items[i - txs.size()];
          ok = cache.verify(c.signer, c.digest, c.signature);
        }
        if (!ok) invalid.fetch_add(1, std::memory_order_relaxed);
      },
      kSignaturesPerThread);
  out.invalid = invalid.load();
  return out;
}

}  // namespace swarmchain

// Block sync's signature throughput (issue 9: "signatures verified per second during sync ÷ the
// all-core verify rate", goal >= 0.5) against this machine's raw ed25519 verify rate.
//
//   BM_RawEd25519VerifyAllCores: crypto_sign_verify_detached over exactly the batch's signature
//                                triples (every tx signature and every certificate signature),
//                                on hardware_concurrency() threads. The ceiling.
//   BM_Preverify10Blocks       : chain/preverify.h on a batch of 10 certified blocks of 1,000
//                                transfers each (4-member committee), into an empty SigCache
//                                made outside the timing. Goal: >= 0.8 of the raw rate.
//   BM_Sync10Blocks            : what a fresh node does with that batch: Blockchain::preverify,
//                                then Blockchain::commit of each block in order on this thread
//                                (full validation, state roots, the real store with its fsync
//                                per block). The Blockchain is opened outside the timing.
//
// Items are signatures (tx + certificate), so every ratio below is "signatures per second as a
// share of the machine's verify capacity". Rates are wall-clock (UseRealTime), CPU is the whole
// process's (MeasureProcessCPUTime). Run on an idle machine (see bench/bench_util.h).
//
// Thread-safety: the fixture is built once (function-local static) before any timing and only
// read afterwards.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "chain/blockchain.h"
#include "chain/preverify.h"
#include "common/sig_cache.h"

namespace swarmchain::bench {
namespace {

constexpr std::size_t kBlocks = 10;
constexpr std::size_t kTxsPerBlock = 1'000;
constexpr std::size_t kCommittee = 4;

std::filesystem::path fresh_dir() {
  static int n = 0;
  return std::filesystem::temp_directory_path() /
         ("swarmchain-bench-sync-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
}

// A chain of kBlocks blocks of kTxsPerBlock transfers (distinct genesis-funded senders), each
// certified by all kCommittee genesis nodes, as a syncing node would fetch it.
struct Fixture {
  Genesis genesis;
  std::vector<Block> blocks;
  std::vector<CommitCertificate> certs;
  std::vector<PubKey> committee;
  std::vector<SignedDigest> signatures;  // every tx and certificate signature, once
  std::string error;

  Fixture() {
    if (!crypto_init()) {
      error = "libsodium failed to initialise";
      return;
    }
    std::vector<KeyPair> senders;
    for (std::size_t i = 0; i < kBlocks * kTxsPerBlock; ++i)
      senders.push_back(bench_key("sync-sender", i));
    std::vector<KeyPair> nodes;
    for (std::size_t i = 0; i < kCommittee; ++i) nodes.push_back(bench_key("sync-node", i));
    genesis = bench_genesis("bench-sync", senders, nodes, bench_key("sync-operator", 0).pubkey());
    if (Status s = genesis.validate(); !s) {
      error = "bench genesis is invalid: " + s.message();
      return;
    }
    const std::filesystem::path dir = fresh_dir();
    {
      auto opened = Blockchain::open(dir, genesis);
      if (!opened) {
        error = "cannot open the source chain: " + opened.error().message();
        return;
      }
      Blockchain& bc = **opened;
      committee = bc.committee(Height(1));
      for (std::size_t b = 0; b < kBlocks && error.empty(); ++b) build_block(bc, senders, nodes, b);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      for (const Tx& tx : blocks[b].txs)
        signatures.push_back({tx.sender, tx.signing_hash(), tx.signature});
      const CommitCertificate& c = certs[b];
      const Hash d = vote_digest(genesis.chain_id(), VoteType::kPrecommit, c.height, c.round,
                                 c.block_hash);
      for (const CommitSig& s : c.sigs) signatures.push_back({committee[s.index], d, s.signature});
    }
  }

  void build_block(Blockchain& bc, const std::vector<KeyPair>& senders,
                   const std::vector<KeyPair>& nodes, std::size_t b) {
    std::vector<Tx> txs;
    for (std::size_t i = b * kTxsPerBlock; i < (b + 1) * kTxsPerBlock; ++i) {
      Tx tx;
      tx.chain_id = bc.chain_id();
      tx.sender = senders[i].pubkey();
      tx.fee = Amount(100'000);
      tx.payload = TransferPayload{bench_key("sync-recipient", i).pubkey(), Amount::coins(1)};
      tx.sign(senders[i]);
      txs.push_back(std::move(tx));
    }
    Block block;
    bc.with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = bc.executor().build(state, tip.header, tip.cert, txs,
                                       tip.header.time_ms + 500, committee.front());
      if (!built.skipped.empty()) error = "Executor::build skipped txs";
      block = std::move(built.block);
    });
    const std::vector<PubKey> members = bc.committee(block.header.height);
    CommitCertificate cert{block.header.height, 0, block.hash(), {}};
    const Hash d = vote_digest(bc.chain_id(), VoteType::kPrecommit, cert.height, 0, cert.block_hash);
    for (std::size_t m = 0; m < members.size(); ++m)
      for (const auto& k : nodes)
        if (k.pubkey() == members[m]) cert.sigs.push_back({static_cast<uint16_t>(m), k.sign(d)});
    if (Status s = bc.commit(block, cert); !s) {
      error = "the source chain refused block " + std::to_string(b + 1) + ": " + s.message();
      return;
    }
    blocks.push_back(std::move(block));
    certs.push_back(std::move(cert));
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_RawEd25519VerifyAllCores(benchmark::State& st) {
  raw_verify_all_cores(st, fixture().signatures, fixture().error);
}
BENCHMARK(BM_RawEd25519VerifyAllCores)->Apply(wall_clock_ms);

void BM_Preverify10Blocks(benchmark::State& st) {
  const Fixture& f = fixture();
  if (skip_if_broken(st, f.error)) return;
  const Hash chain_id = f.genesis.chain_id();
  for (auto _ : st) {
    st.PauseTiming();
    auto cache = std::make_unique<SigCache>();
    st.ResumeTiming();
    const PreverifyResult r = preverify(f.blocks, f.certs, chain_id,
                                        [&](Height) { return f.committee; }, *cache);
    if (r.invalid != 0 || r.tx_signatures + r.cert_signatures != f.signatures.size()) {
      st.SkipWithError("preverify did not check exactly the batch's signatures");
      break;
    }
    st.PauseTiming();
    cache.reset();
    st.ResumeTiming();
  }
  set_items_per_iteration(st, f.signatures.size());
}
BENCHMARK(BM_Preverify10Blocks)->Apply(wall_clock_ms);

void BM_Sync10Blocks(benchmark::State& st) {
  const Fixture& f = fixture();
  if (skip_if_broken(st, f.error)) return;
  for (auto _ : st) {
    st.PauseTiming();
    const std::filesystem::path dir = fresh_dir();
    auto opened = Blockchain::open(dir, f.genesis);
    if (!opened) {
      st.SkipWithError("cannot open a fresh chain");
      break;
    }
    std::unique_ptr<Blockchain> bc = std::move(*opened);
    st.ResumeTiming();
    const PreverifyResult r = bc->preverify(f.blocks, f.certs);
    bool ok = r.invalid == 0;
    std::string why = ok ? "" : "preverify found invalid signatures";
    // Preverify's parallel chunks may both verify a signature that two blocks share (a
    // certificate is also the next block's last_commit) before either caches it; what must
    // hold is that commit verifies nothing again.
    const uint64_t preverified = bc->sig_cache().stats().verifies;
    for (std::size_t b = 0; ok && b < f.blocks.size(); ++b) {
      const Status s = bc->commit(f.blocks[b], f.certs[b]);
      ok = s.is_ok();
      if (!ok) why = "block " + std::to_string(b) + " refused: " + s.message();
    }
    st.PauseTiming();
    const uint64_t verifies = bc->sig_cache().stats().verifies - preverified;
    bc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    st.ResumeTiming();
    if (!ok || verifies != 0 || preverified < f.signatures.size()) {
      if (ok)
        why = "commit verified " + std::to_string(verifies) + " signatures again (preverify " +
              std::to_string(preverified) + " of " + std::to_string(f.signatures.size()) + ")";
      st.SkipWithError(why.c_str());
      break;
    }
  }
  set_items_per_iteration(st, f.signatures.size());
}
BENCHMARK(BM_Sync10Blocks)->Apply(wall_clock_ms);

}  // namespace
}  // namespace swarmchain::bench

int main(int argc, char** argv) {
  using swarmchain::bench::RatioReporter;
  return swarmchain::bench::run_benchmarks(
      argc, argv, [](const RatioReporter& reporter, std::FILE* summary) {
        const auto raw = reporter.rate("BM_RawEd25519VerifyAllCores");
        const auto pre = reporter.rate("BM_Preverify10Blocks");
        const auto sync = reporter.rate("BM_Sync10Blocks");
        if (!raw || raw->value <= 0) {
          if (pre || sync)
            std::fprintf(summary, "ratio preverify_sig_per_s / raw_verify_per_s = n/a (the raw"
                                  " benchmark must run: check --benchmark_filter)\n");
          return;
        }
        std::fprintf(summary, "raw_verify_per_s = %.0f (%u threads)\n", raw->value,
                     std::max(1u, std::thread::hardware_concurrency()));
        if (pre) {
          std::fprintf(summary, "preverify_sig_per_s = %.0f\n", pre->value);
          std::fprintf(summary,
                       "ratio preverify_sig_per_s / raw_verify_per_s = %.2f (goal >= 0.80)\n",
                       pre->value / raw->value);
        }
        if (sync) {
          std::fprintf(summary, "sync_sig_per_s = %.0f\n", sync->value);
          std::fprintf(summary, "ratio sync_sig_per_s / raw_verify_per_s = %.2f (goal >= 0.50)\n",
                       sync->value / raw->value);
          if (sync->cpu_per_item > 0)
            std::fprintf(summary,
                         "cpu ratio raw_cpu_per_sig / sync_cpu_per_sig = %.2f (%.1f us vs %.1f us"
                         " of CPU)\n",
                         raw->cpu_per_item / sync->cpu_per_item, raw->cpu_per_item * 1e6,
                         sync->cpu_per_item * 1e6);
        }
      });
}

// The verifiable swarm table at 10,000 nodes (issue 12, docs/protocol.md "Swarm proofs"): its
// size, and what a client spends checking it: decoding the proof, rebuilding registry_root from
// every record, comparing the table and computing a swarm (BM_VerifySwarmTable), and accepting
// the tip certified by 67 of a 100-member committee (BM_AcceptTip). Ratios to this machine's
// single-core ed25519 verify rate and BLAKE2b rate, measured in the same run.
//
// Fixture: 10,000 active records, each with one contributor and contact data, in swarms of 7
// (ids spread over the ring), sizes as a registry of that many nodes has them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "common/commit.h"
#include "common/hex.h"
#include "registry/committee_chain.h"
#include "registry/light_client.h"
#include "registry/registry_state.h"
#include "registry/swarm_proof.h"

namespace swarmchain::bench {
namespace {

constexpr std::size_t kNodes = 10'000;
constexpr std::size_t kCommittee = 100;

struct Fixture {
  Hash chain_id = hash_tagged("swarmchain/bench/chain", {});
  std::vector<KeyPair> committee_keys;
  std::vector<PubKey> committee;
  Bytes proof_bytes;
  CertifiedHeader tip;
  std::size_t records_bytes = 0;
  std::size_t table_bytes = 0;
  uint64_t tip_time = 1'700'000'000'000ULL;

  Fixture() {
    std::vector<ServiceNode> records;
    records.reserve(kNodes);
    const PubKey op = bench_key("operator", 0).pubkey();
    for (std::size_t i = 0; i < kNodes; ++i) {
      ServiceNode sn;
      // Hash-derived keys: the record layout and the tree do not care whether they are points.
      sn.pubkey = PubKey::from(hash_tagged("swarmchain/bench/sn", encode_u64(i)).view());
      sn.pubkey_x25519 = PubKey::from(hash_tagged("swarmchain/bench/x", encode_u64(i)).view());
      sn.operator_address = op;
      sn.fee_bps = 500;
      sn.contributors = {{op, Amount::coins(15'000), Amount::coins(15'000)}};
      sn.total_contributed = sn.total_reserved = sn.staking_requirement = Amount::coins(15'000);
      sn.state = NodeState::kActive;
      sn.swarm_id = (i / 7) * (kMaxSwarmId / (kNodes / 7 + 1));
      sn.contact = {0x0a000000u + static_cast<uint32_t>(i), 22021, 22020, 22025, {2, 11, 3}};
      records.push_back(sn);
    }
    std::sort(records.begin(), records.end(),
              [](const ServiceNode& a, const ServiceNode& b) { return a.pubkey < b.pubkey; });
    RegistryState reg;
    for (const ServiceNode& sn : records) reg.load(sn);
    reg.rebuild();

    for (std::size_t i = 0; i < kCommittee; ++i) {
      committee_keys.push_back(bench_key("committee", i));
      committee.push_back(committee_keys.back().pubkey());
    }
    // A header (chain/block.h layout) at height 5 naming this committee and the registry root.
    Bytes header(kHeaderBytes, 0);
    header[0] = 5;
    for (int b = 0; b < 8; ++b) header[40 + b] = static_cast<uint8_t>(tip_time >> (8 * b));
    const Hash root = reg.root(), ch = committee_hash(committee);
    std::copy(root.data.begin(), root.data.end(), header.begin() + 144);
    std::copy(ch.data.begin(), ch.data.end(), header.begin() + 176);
    std::copy(ch.data.begin(), ch.data.end(), header.begin() + 208);
    const Hash block_hash = hash_tagged("swarmchain/header/v1", header);
    CommitCertificate cert{Height(5), 0, block_hash, {}};
    const Hash digest = vote_digest(chain_id, VoteType::kPrecommit, Height(5), 0, block_hash);
    for (std::size_t i = 0; i < commit_quorum(kCommittee); ++i)
      cert.sigs.push_back({static_cast<uint16_t>(i), committee_keys[i].sign(digest)});
    tip = {header, cert};

    SwarmTableProof proof{tip, records, encode_swarm_table(records)};
    records_bytes = encoded_size(records);
    table_bytes = proof.table.size();
    proof_bytes = encode(proof);
  }
  static Bytes encode_u64(uint64_t v) {
    Writer w;
    w.u64(v);
    return w.take();
  }
  // registry_opening's size: vector<sn> (docs/protocol.md "Swarm proofs").
  static std::size_t encoded_size(const std::vector<ServiceNode>& records) {
    Writer w;
    w.varint(records.size());
    for (const ServiceNode& sn : records) sn.encode(w);
    return w.data().size();
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_VerifySwarmTable(benchmark::State& st) {
  Fixture& f = fixture();
  const PubKey user = bench_key("user", 1).pubkey();
  const HeaderView tip = *HeaderView::parse(f.tip.header);
  for (auto _ : st) {
    auto proof = decode_exact<SwarmTableProof>(f.proof_bytes);
    auto swarm = verify_swarm_table(*proof, tip, user);
    if (!swarm) {
      st.SkipWithError(swarm.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(swarm->swarm_id);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_VerifySwarmTable)->Unit(benchmark::kMillisecond);

void BM_AcceptTip(benchmark::State& st) {
  Fixture& f = fixture();
  for (auto _ : st) {
    CommitteeChain cc(f.chain_id, 1'000'000, f.committee);
    auto tip = cc.accept_tip(f.tip, f.tip_time, 60'000);
    if (!tip) {
      st.SkipWithError(tip.error().message().c_str());
      break;
    }
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_AcceptTip)->Unit(benchmark::kMillisecond);

void BM_Ed25519VerifyOneCore(benchmark::State& st) {
  const KeyPair k = bench_key("verify", 0);
  const Hash digest = hash_tagged("swarmchain/bench/digest", {});
  const Signature sig = k.sign(digest);
  for (auto _ : st) benchmark::DoNotOptimize(verify(k.pubkey(), digest, sig));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_Ed25519VerifyOneCore);

void BM_Blake2b300Bytes(benchmark::State& st) {
  const Bytes data(300, 7);  // about one record
  for (auto _ : st) benchmark::DoNotOptimize(hash_tagged("swarmchain/sn", data));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_Blake2b300Bytes);

}  // namespace
}  // namespace swarmchain::bench

int main(int argc, char** argv) {
  using namespace swarmchain::bench;
  return run_with_figures(argc, argv, [](const FigureReporter& reporter) {
    const Fixture& f = fixture();
    // Rates are items per CPU second (single-threaded benchmarks: steadier than wall time when
    // other processes share the cores); ratios are to rates measured in the same run.
    auto rate = [&](const char* name) {
      return reporter.counter(name, "items_per_second").value_or(0.0);
    };
    const double tables = rate("BM_VerifySwarmTable"), tips = rate("BM_AcceptTip");
    const double verifies = rate("BM_Ed25519VerifyOneCore"), hashes = rate("BM_Blake2b300Bytes");
    std::printf(
        "swarm table at %zu nodes: table %zu bytes (%zu a node), records %zu bytes, whole proof "
        "%zu bytes (%.2f MB; hex in JSON twice that)\n",
        kNodes, f.table_bytes, swarmchain::kTableEntryBytes, f.records_bytes,
        f.proof_bytes.size(), static_cast<double>(f.proof_bytes.size()) / 1e6);
    if (tables > 0 && verifies > 0 && hashes > 0)
      std::printf(
          "verify table proof (decode + registry_root from every record + table + swarm): "
          "%.2f ms CPU = %.0f ed25519 verifies = %.0f BLAKE2b-300-byte hashes of one core\n",
          1e3 / tables, verifies / tables, hashes / tables);
    if (tips > 0 && verifies > 0)
      std::printf("accept tip (67 of 100 signatures): %.2f ms CPU = %.0f ed25519 verifies\n",
                  1e3 / tips, verifies / tips);
  });
}

// Registry benchmarks (issue 4), on a registry of 10,000 active nodes (~1,400 swarms):
//
//   BM_Blake2b64Bytes          : one BLAKE2b-256 of 64 bytes, one core. The machine's yardstick
//                                for the registry update (which is mostly hashing).
//   BM_GetSwarmInProcess       : SwarmDirectory::lookup + swarm_for (the prepared reply) for
//                                random user pubkeys, one core. Goal >= 1,000,000/s.
//   BM_RegistryBlock10Changes/N: one block's registry work on N active nodes with 10 changes:
//                                10 stakes that complete 10 awaiting nodes (so the swarm
//                                assignment runs), the end of block (expiry, reward, swarms)
//                                and registry_root. Goal < 1 ms at N = 10,000. Run at 2,500,
//                                10,000 and 40,000 nodes: the cost must barely grow with N
//                                (O(changes · log n), plus the swarm run's flat O(S) arrays).
//   BM_RegistryBlockCommit     : the same block plus RegistryState::apply (what the node does
//                                when it commits the block: records, indexes, tree).
//   BM_LivenessBlock100Decommissions: one block's end on 10,000 active nodes of which 100 have
//                                stale proofs (liveness, design §5.4): apply_liveness
//                                decommissions them, end_block's swarm upkeep takes them out
//                                of their swarms, and registry_root (RegistryState::prepare).
//                                Reported per 10 changes, next to BM_RegistryBlock10Changes.
//                                Goal < 1 ms per 10 changes.
//   BM_LivenessBlockNoneFailing/L: the same block when no node fails: end_block + prepare,
//                                without (L=0) and with (L=1) apply_liveness. The difference
//                                must not be measurable.
//   BM_ApplyLivenessNoneFailing: apply_liveness alone on those 10,000 nodes, none failing.
//   BM_HttpTrivialHandler      : POST to a cpp-httplib handler that returns a fixed body,
//                                keep-alive, one client. The ceiling for any HTTP method.
//   BM_HttpGetSwarm            : the real get_swarm over the real RPC server (Blockchain in a
//                                temp dir, register_registry_methods, HttpServer), keep-alive.
//                                Goal: >= 0.5 x the trivial handler.
// At the end the ratios are printed against the goals. Absolute times are noisy on this
// machine; the ratios to what it does in the same run are the figures to quote.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "chain/blockchain.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "registry/liveness_rules.h"
#include "registry/staking_rules.h"
#include "registry/uptime_rules.h"
#include "rpc/http_server.h"
#include "rpc/httplib_include.h"
#include "rpc/registry_api.h"

namespace swarmchain::bench {
namespace {

constexpr std::size_t kNodes = 10'000;
constexpr std::size_t kChanges = 10;

KeyPair key_from(uint64_t i, uint8_t domain) {
  Seed s;
  s.data.fill(domain);
  for (int b = 0; b < 8; ++b) s.data[static_cast<std::size_t>(b)] = static_cast<uint8_t>(i >> (8 * b));
  return KeyPair::from_seed(s);
}

RegistryParams params() {
  RegistryParams p;
  p.staking_requirement = Amount::coins(100);
  p.min_operator_stake = Amount::coins(25);
  p.max_contributors = 10;
  p.unlock_delay_blocks = 40;
  p.block_reward = Amount::coins(1);
  return p;
}

// `nodes` active genesis nodes plus 10 awaiting ones (operator stake 25) that the block
// completes.
struct Fixture {
  RegistryState state;
  std::vector<PubKey> awaiting;
  PubKey contributor;
  Hash chain_id;

  explicit Fixture(std::size_t nodes) {
    crypto_init();
    std::vector<GenesisStake> stakes;
    for (std::size_t i = 0; i < nodes; ++i)
      stakes.push_back({key_from(i, 1).pubkey(), key_from(i % 100, 2).pubkey(), Amount::coins(100)});
    chain_id = hash_tagged("bench", as_bytes("registry"));
    state.apply(genesis_registry(params(), stakes, chain_id));
    contributor = key_from(7, 3).pubkey();
    RegistryView v(state);
    for (std::size_t i = 0; i < kChanges; ++i) {
      KeyPair sn = key_from(i, 4);
      Registration reg;
      reg.sn_pubkey = sn.pubkey();
      reg.operator_address = key_from(i, 5).pubkey();
      reg.reserved = {{reg.operator_address, Amount::coins(25)}};
      reg.expiry_height = Height(100);
      reg.sign(sn, chain_id);
      Status s = apply_registration(v, params(), chain_id, reg.operator_address, reg,
                                    Amount::coins(25), Height(1), static_cast<uint32_t>(i));
      if (!s) std::fprintf(stderr, "fixture registration failed: %s\n", s.message().c_str());
      awaiting.push_back(sn.pubkey());
    }
    state.apply(v.take_changes());
  }
};

Fixture& fixture(std::size_t nodes = kNodes) {
  static std::map<std::size_t, std::unique_ptr<Fixture>> made;
  auto& f = made[nodes];
  if (!f) f = std::make_unique<Fixture>(nodes);
  return *f;
}

std::vector<PubKey> random_users(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<PubKey> out(n);
  for (auto& pk : out)
    for (auto& b : pk.data) b = static_cast<uint8_t>(rng());
  return out;
}

void BM_Blake2b64Bytes(benchmark::State& st) {
  uint8_t buf[64] = {1, 2, 3};
  for (auto _ : st) {
    Hash h = hash_tagged("swarmchain/sn", ByteView(buf, sizeof buf));
    buf[0] = h.data[0];
    benchmark::DoNotOptimize(h);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_Blake2b64Bytes);

void BM_GetSwarmInProcess(benchmark::State& st) {
  const rpc::SwarmDirectory dir(fixture().state);
  const auto users = random_users(4096);
  std::size_t i = 0;
  std::size_t members = 0;
  for (auto _ : st) {
    const PubKey& u = users[i++ & 4095];
    const nlohmann::json& reply = dir.swarm_for(u);
    members += reply["snodes"].size();
    benchmark::DoNotOptimize(dir.lookup(u));
  }
  benchmark::DoNotOptimize(members);
  st.counters["swarms"] = static_cast<double>(dir.swarm_count());
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_GetSwarmInProcess);

// One block's registry work on `f`: 10 completing stakes, end_block and registry_root (the
// prepared tree update, as the executor makes it).
struct RegistryBlock {
  RegistryChanges changes;
  RegistryState::Update update;
};
RegistryBlock registry_block(const Fixture& f, benchmark::State& st) {
  const RegistryParams p = params();
  const Hash seed = hash_tagged("bench", as_bytes("parent"));
  RegistryView v(f.state);
  for (std::size_t i = 0; i < kChanges; ++i) {
    Status s = apply_stake(v, p, f.contributor, f.awaiting[i], Amount::coins(75), Height(2),
                           static_cast<uint32_t>(i));
    if (!s) st.SkipWithError(s.message().c_str());
  }
  std::vector<Payout> payouts;
  end_block(v, p, Height(2), seed, payouts);
  RegistryState::Update update = f.state.prepare(v.changes());
  benchmark::DoNotOptimize(update.root);
  st.counters["records_changed"] = static_cast<double>(v.changes().size());
  return {v.take_changes(), std::move(update)};
}

void BM_RegistryBlock10Changes(benchmark::State& st) {
  const Fixture& f = fixture(static_cast<std::size_t>(st.range(0)));
  for (auto _ : st) benchmark::DoNotOptimize(registry_block(f, st));
}
BENCHMARK(BM_RegistryBlock10Changes)
    ->Arg(2'500)->Arg(static_cast<int64_t>(kNodes))->Arg(40'000)
    ->Unit(benchmark::kMicrosecond);

void BM_RegistryBlockCommit(benchmark::State& st) {
  Fixture& f = fixture();  // written and put back each iteration
  for (auto _ : st) {
    const RegistryBlock block = registry_block(f, st);
    // The records as they were, to put the state back afterwards (not timed).
    st.PauseTiming();
    RegistryChanges undo;
    for (const auto& [pk, value] : block.changes) {
      const ServiceNode* was = f.state.get(pk);
      undo.emplace(pk, was != nullptr ? std::optional<ServiceNode>(*was) : std::nullopt);
    }
    st.ResumeTiming();
    f.state.apply(block.changes, block.update);  // what Blockchain::commit does
    st.PauseTiming();
    f.state.apply(undo);
    st.ResumeTiming();
  }
}
BENCHMARK(BM_RegistryBlockCommit)->Unit(benchmark::kMicrosecond);

// ---- Liveness ----

constexpr std::size_t kStale = 100;       // nodes whose proofs go stale in the benchmark block
constexpr uint64_t kGenesisMs = 1'700'000'000'000;
constexpr uint64_t kProofMs = kGenesisMs + 30'000;  // block 1: every other node proves
constexpr uint64_t kFailMs = kGenesisMs + 61'000;   // block 2: the 100 unproven are stale
constexpr uint64_t kCalmMs = kGenesisMs + 59'000;   // block 2 at this time: nobody is

// The dev preset's liveness (chain/params.cpp): 500 ms blocks, lifetime 60 s, credit 120 s at
// first, 60 s needed to be decommissioned.
RegistryParams liveness_params() {
  RegistryParams p = params();
  p.target_block_ms = 500;
  p.proof_interval_s = 20;
  p.proof_lifetime_s = 60;
  p.credit_initial_blocks = 240;
  p.credit_per_day_s = 43'200;
  p.credit_max_blocks = 1'200;
  p.credit_min_to_decommission_blocks = 120;
  p.dereg_lock_blocks = 80;
  return p;
}

// 10,000 active genesis nodes; all but every 100th proved in block 1.
struct LivenessFixture {
  RegistryState state;
  explicit LivenessFixture(std::size_t nodes) {
    crypto_init();
    const RegistryParams p = liveness_params();
    std::vector<GenesisStake> stakes;
    for (std::size_t i = 0; i < nodes; ++i)
      stakes.push_back(
          {key_from(i, 1).pubkey(), key_from(i % 100, 2).pubkey(), Amount::coins(100)});
    const Hash seed = hash_tagged("bench", as_bytes("liveness"));
    state.apply(genesis_registry(p, stakes, seed, kGenesisMs));
    RegistryView v(state);
    for (std::size_t i = 0; i < nodes; ++i) {
      if (i % (nodes / kStale) == 0) continue;
      Status s = apply_uptime_proof(v, p, stakes[i].sn_pubkey, kProofMs, UptimeContact{},
                                    Height(1), kProofMs);
      if (!s) std::fprintf(stderr, "fixture proof failed: %s\n", s.message().c_str());
    }
    state.apply(v.take_changes());
  }
};

LivenessFixture& liveness_fixture() {
  static LivenessFixture f(kNodes);
  return f;
}

// Block 2's end at `time_ms`: liveness (unless `liveness` is false), end_block, registry_root.
std::size_t liveness_block(const RegistryState& state, uint64_t time_ms, bool liveness,
                           benchmark::State& st) {
  const RegistryParams p = liveness_params();
  RegistryView v(state);
  std::size_t events = 0;
  if (liveness) events = apply_liveness(v, p, Height(2), time_ms).size();
  std::vector<Payout> payouts;
  end_block(v, p, Height(2), hash_tagged("bench", as_bytes("parent")), payouts);
  RegistryState::Update update = state.prepare(v.changes());
  benchmark::DoNotOptimize(update.root);
  st.counters["records_changed"] = static_cast<double>(v.changes().size());
  return events;
}

void BM_LivenessBlock100Decommissions(benchmark::State& st) {
  const LivenessFixture& f = liveness_fixture();
  std::size_t events = 0;
  for (auto _ : st) events = liveness_block(f.state, kFailMs, true, st);
  if (events != kStale) st.SkipWithError("expected 100 decommissions");
  st.counters["decommissioned"] = static_cast<double>(events);
}
BENCHMARK(BM_LivenessBlock100Decommissions)->Unit(benchmark::kMicrosecond);

void BM_LivenessBlockNoneFailing(benchmark::State& st) {
  const LivenessFixture& f = liveness_fixture();
  std::size_t events = 0;
  for (auto _ : st) events = liveness_block(f.state, kCalmMs, st.range(0) != 0, st);
  if (events != 0) st.SkipWithError("expected no liveness change");
}
BENCHMARK(BM_LivenessBlockNoneFailing)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_ApplyLivenessNoneFailing(benchmark::State& st) {
  const LivenessFixture& f = liveness_fixture();
  const RegistryParams p = liveness_params();
  for (auto _ : st) {
    RegistryView v(f.state);
    benchmark::DoNotOptimize(apply_liveness(v, p, Height(2), kCalmMs));
  }
}
BENCHMARK(BM_ApplyLivenessNoneFailing)->Unit(benchmark::kNanosecond);

// ---- HTTP ----

constexpr const char* kGetSwarmBody =
    R"({"jsonrpc":"2.0","id":1,"method":"get_swarm","params":{"pubkey":"05)";

struct HttpFixture {
  std::filesystem::path dir;
  std::unique_ptr<Blockchain> chain;
  rpc::Dispatcher dispatcher;
  std::unique_ptr<rpc::HttpServer> server;
  httplib::Server trivial;
  std::thread trivial_thread;
  int trivial_port = 0;

  HttpFixture() {
    crypto_init();
    dir = std::filesystem::temp_directory_path() /
          ("swarmchain-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Genesis g = bench_genesis("bench");
    for (std::size_t i = 0; i < kNodes; ++i)
      g.service_nodes.push_back({key_from(i, 1).pubkey(), key_from(i % 100, 2).pubkey(),
                                 g.params.staking_requirement});
    auto bc = Blockchain::open(dir / "chain", g);
    if (!bc) {
      std::fprintf(stderr, "cannot open chain: %s\n", bc.error().message().c_str());
      std::exit(1);
    }
    chain = std::move(*bc);
    rpc::register_registry_methods(dispatcher, *chain);
    rpc::HttpServerOptions o;
    o.port = 0;
    server = std::make_unique<rpc::HttpServer>(o, dispatcher);
    if (Status s = server->start(); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      std::exit(1);
    }
    trivial.set_tcp_nodelay(true);  // as rpc::HttpServer does
    trivial.Post("/json_rpc", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"jsonrpc":"2.0","id":1,"result":{}})", "application/json");
    });
    trivial_port = trivial.bind_to_any_port("127.0.0.1");
    trivial_thread = std::thread([this] { trivial.listen_after_bind(); });
    // listen_after_bind() starts accepting at once; connections made before it loops wait in
    // the kernel's backlog, so no readiness wait is needed.
  }
  ~HttpFixture() {
    trivial.stop();
    if (trivial_thread.joinable()) trivial_thread.join();
    server->stop();
    chain.reset();
    std::filesystem::remove_all(dir);
  }
};

HttpFixture& http_fixture() {
  static HttpFixture f;
  return f;
}

void run_http(benchmark::State& st, int port, bool get_swarm) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  const auto users = random_users(1024);
  std::vector<std::string> bodies;
  for (const auto& u : users) bodies.push_back(std::string(kGetSwarmBody) + to_hex(u) + "\"}}");
  std::size_t i = 0;
  for (auto _ : st) {
    auto res = cli.Post("/json_rpc", bodies[i++ & 1023], "application/json");
    if (!res || res->status != 200) {
      st.SkipWithError("HTTP request failed");
      break;
    }
    if (get_swarm && res->body.find("\"snodes\"") == std::string::npos) {
      st.SkipWithError(("unexpected get_swarm answer: " + res->body.substr(0, 200)).c_str());
      break;
    }
    benchmark::DoNotOptimize(res->body.size());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}

void BM_HttpTrivialHandler(benchmark::State& st) {
  run_http(st, http_fixture().trivial_port, false);
}
BENCHMARK(BM_HttpTrivialHandler)->UseRealTime();

void BM_HttpGetSwarm(benchmark::State& st) { run_http(st, http_fixture().server->port(), true); }
BENCHMARK(BM_HttpGetSwarm)->UseRealTime();

}  // namespace
}  // namespace swarmchain::bench

int main(int argc, char** argv) {
  using namespace swarmchain::bench;
  return run_with_figures(argc, argv, [](const FigureReporter& reporter) {
    // With --benchmark_repetitions the median of the repetitions, else the one run; 0 if none.
    auto rate = [&](const std::string& name) {
      return reporter.counter(name, "items_per_second").value_or(0.0);
    };
    auto ns = [&](const std::string& name) { return reporter.ns(name).value_or(0.0); };
    const double lookups = rate("BM_GetSwarmInProcess");
    const double hashes = rate("BM_Blake2b64Bytes");
    const double block_ns = ns("BM_RegistryBlock10Changes/10000");
    const double block_small_ns = ns("BM_RegistryBlock10Changes/2500");
    const double block_large_ns = ns("BM_RegistryBlock10Changes/40000");
    const double commit_ns = ns("BM_RegistryBlockCommit");
    const double http = rate("BM_HttpGetSwarm/real_time");
    const double trivial = rate("BM_HttpTrivialHandler/real_time");
    if (lookups > 0)
      std::printf(
          "get_swarm in-process: %.0f lookups/s (goal >= 1,000,000); %.2f lookups per "
          "BLAKE2b hash of this machine\n",
          lookups, hashes > 0 ? lookups / hashes : 0.0);
    if (block_ns > 0)
      std::printf(
          "registry block, 10 changes on 10,000 nodes: %.3f ms (goal < 1 ms) = %.0f "
          "BLAKE2b hashes of this machine\n",
          block_ns / 1e6, hashes > 0 ? block_ns / 1e9 * hashes : 0.0);
    if (commit_ns > 0)
      std::printf(
          "registry block + commit (apply), 10 changes on 10,000 nodes: %.3f ms = %.0f "
          "BLAKE2b hashes of this machine\n",
          commit_ns / 1e6, hashes > 0 ? commit_ns / 1e9 * hashes : 0.0);
    if (block_small_ns > 0 && block_large_ns > 0)
      std::printf(
          "registry block cost, 40,000 nodes / 2,500 nodes (16x the nodes) = %.2f "
          "(O(log n): ~1.4; O(n): ~16)\n",
          block_large_ns / block_small_ns);
    const double liveness_ns = ns("BM_LivenessBlock100Decommissions");
    if (liveness_ns > 0)
      std::printf(
          "liveness block, 100 decommissions on 10,000 nodes (apply_liveness + end_block + "
          "registry_root): %.3f ms = %.3f ms per 10 changes (goal < 1 ms per 10)%s\n",
          liveness_ns / 1e6, liveness_ns / 1e6 / (kStale / kChanges),
          block_ns > 0 ? (" vs " + std::to_string(block_ns / 1e6) +
                          " ms for BM_RegistryBlock10Changes/10000").c_str()
                       : "");
    const double calm_without = ns("BM_LivenessBlockNoneFailing/0");
    const double calm_with = ns("BM_LivenessBlockNoneFailing/1");
    const double apply_only = ns("BM_ApplyLivenessNoneFailing");
    if (calm_without > 0 && calm_with > 0)
      std::printf(
          "none failing on 10,000 nodes: apply_liveness alone %.0f ns = %.2f%% of the block end "
          "(end_block + registry_root: %.1f us without liveness, %.1f us with; real time, "
          "noisy on a loaded machine)\n",
          apply_only, apply_only > 0 ? 100.0 * apply_only / calm_without : 0.0,
          calm_without / 1e3, calm_with / 1e3);
    if (http > 0 && trivial > 0)
      std::printf("ratio http_get_swarm / http_trivial_handler = %.2f (goal >= 0.50)\n",
                  http / trivial);
  });
}

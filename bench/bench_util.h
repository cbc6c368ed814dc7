// Shared pieces of the benchmark binaries (bench/*_bench.cpp, and verify_all for net_bench):
// deterministic keys and a bench genesis, the raw all-cores ed25519 verify loop (the ceiling
// every ratio is measured against), the fixture-error / items-processed / registration
// boilerplate of the Google benchmarks, two reporters that remember each benchmark's figures
// for the summary lines, and a probe of other processes' CPU use during the run (wall-clock
// ratios on a busy machine are unreliable).
//
// Thread-safety: verify_all starts and joins its own threads; the rest is single-threaded.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "chain/params.h"
#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/crypto.h"

namespace swarmchain::bench {

// Deterministic keys spread over the whole pubkey space (so over all state-root buckets).
inline KeyPair bench_key(std::string_view role, uint64_t i) {
  Writer w;
  w.u64(i);
  const Hash h = hash_tagged(std::string("swarmchain/bench/key/") + std::string(role), w.data());
  return KeyPair::from_seed(Seed::from(h.view()));
}

// A dev-params genesis (ChainParams::dev(), genesis time 1,700,000,000,000 ms) with no accounts
// and no service nodes yet.
inline Genesis bench_genesis(std::string network) {
  Genesis genesis;
  genesis.network = std::move(network);
  genesis.genesis_time_ms = 1'700'000'000'000ULL;
  genesis.params = ChainParams::dev();
  return genesis;
}

// The same, funding each of `funded` with 1,000 coins and registering each of `nodes`, staked
// by `operator_key`. Not yet validated: the caller checks genesis.validate().
inline Genesis bench_genesis(std::string network, const std::vector<KeyPair>& funded,
                             const std::vector<KeyPair>& nodes, const PubKey& operator_key) {
  Genesis genesis = bench_genesis(std::move(network));
  for (const auto& k : funded) genesis.accounts.push_back({k.pubkey(), Amount::coins(1000)});
  for (const auto& k : nodes)
    genesis.service_nodes.push_back(
        {k.pubkey(), operator_key, genesis.params.staking_requirement});
  return genesis;
}

struct SignedDigest {
  PubKey pk;
  Hash digest;
  Signature sig;
};

// Verifies every digest on `threads` threads (work handed out in chunks of 64 through an atomic
// cursor, so a descheduled thread does not hold back the others); returns the number of valid
// signatures.
inline std::size_t verify_all(const std::vector<SignedDigest>& items, unsigned threads) {
  constexpr std::size_t kChunk = 64;
  std::atomic<std::size_t> cursor{0};
  std::atomic<std::size_t> valid{0};
  auto worker = [&] {
    std::size_t ok = 0;
    for (;;) {
      const std::size_t begin = cursor.fetch_add(kChunk, std::memory_order_relaxed);
      if (begin >= items.size()) break;
      const std::size_t end = std::min(items.size(), begin + kChunk);
      for (std::size_t i = begin; i < end; ++i)
        ok += verify(items[i].pk, items[i].digest, items[i].sig) ? 1 : 0;
    }
    valid.fetch_add(ok, std::memory_order_relaxed);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads > 0 ? threads - 1 : 0);
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return valid.load();
}

// Skips the benchmark with `fixture_error` when the fixture could not be built (non-empty);
// returns whether it did, so that the benchmark returns before its loop.
inline bool skip_if_broken(benchmark::State& st, const std::string& fixture_error) {
  if (fixture_error.empty()) return false;
  st.SkipWithError(fixture_error.c_str());
  return true;
}

// items_per_second's count: `per_iteration` items in every iteration that ran.
inline void set_items_per_iteration(benchmark::State& st, std::size_t per_iteration) {
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) *
                       static_cast<int64_t>(per_iteration));
}

// The registration of the benchmarks whose work runs on several threads, as
// `BENCHMARK(BM_x)->Apply(wall_clock_ms)`: milliseconds, rates on wall-clock time (UseRealTime:
// the main thread's CPU time would overstate them) and the whole process's CPU time, all
// threads included (MeasureProcessCPUTime).
inline void wall_clock_ms(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
}

// The body of every BM_RawEd25519VerifyAllCores: verify_all(items) on hardware_concurrency()
// threads per iteration, items/s reported; the ceiling the benches' ratios divide by.
inline void raw_verify_all_cores(benchmark::State& st, const std::vector<SignedDigest>& items,
                                 const std::string& fixture_error) {
  if (skip_if_broken(st, fixture_error)) return;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (auto _ : st) {
    if (verify_all(items, threads) != items.size()) {
      st.SkipWithError("a pre-signed digest failed to verify");
      break;
    }
  }
  set_items_per_iteration(st, items.size());
}

// CPU time used by other processes while the benchmarks ran (Linux: /proc/stat minus our own
// rusage), to flag wall-clock figures taken on a busy machine.
struct CpuSample {
  double wall_s = 0;
  double system_busy_s = -1;  // all CPUs, all processes; < 0 if /proc/stat is unreadable
  double self_s = 0;

  static CpuSample now() {
    CpuSample c;
    c.wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (std::FILE* f = std::fopen("/proc/stat", "r")) {
      unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                         steal = 0;
      if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
                      &idle, &iowait, &irq, &softirq, &steal) == 8) {
        const long tick = sysconf(_SC_CLK_TCK);
        if (tick > 0)
          c.system_busy_s = static_cast<double>(user + nice + system + irq + softirq + steal) /
                            static_cast<double>(tick);
      }
      std::fclose(f);
    }
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
      auto secs = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
      };
      c.self_s = secs(ru.ru_utime) + secs(ru.ru_stime);
    }
    return c;
  }

  // Average number of cores that other processes kept busy since `start`.
  std::optional<double> other_cores_since(const CpuSample& start) const {
    const double wall = wall_s - start.wall_s;
    if (system_busy_s < 0 || start.system_busy_s < 0 || wall <= 0) return std::nullopt;
    const double other = (system_busy_s - start.system_busy_s) - (self_s - start.self_s);
    return std::max(0.0, other / wall);
  }
};

inline double kUnitsPerSecond(benchmark::TimeUnit u) {
  switch (u) {
    case benchmark::kNanosecond:
      return 1e9;
    case benchmark::kMicrosecond:
      return 1e6;
    case benchmark::kMillisecond:
      return 1e3;
    case benchmark::kSecond:
      return 1;
  }
  return 1;
}

// Forwards everything to the default display reporter (so --benchmark_format and --color
// still work) and remembers items_per_second per benchmark family for the ratio line.
class RatioReporter : public benchmark::BenchmarkReporter {
 public:
  explicit RatioReporter(benchmark::BenchmarkReporter* inner) : inner_(inner) {}

  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      // With --benchmark_repetitions, prefer the median aggregate over single repetitions.
      const bool is_median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !is_median) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      Seen& seen = rates_[run.run_name.function_name];
      if (is_median || !seen.from_median) {
        const double real_s = run.GetAdjustedRealTime() / kUnitsPerSecond(run.time_unit);
        const double cpu_s = run.GetAdjustedCPUTime() / kUnitsPerSecond(run.time_unit);
        const double items = it->second.value * real_s;  // items per iteration
        seen = {it->second.value, items > 0 ? cpu_s / items : 0, is_median, run.repetitions};
      }
    }
    inner_->ReportRuns(runs);
  }

  void Finalize() override { inner_->Finalize(); }

  struct Seen {
    double value = 0;         // items per wall-clock second
    double cpu_per_item = 0;  // process CPU seconds per item (all threads)
    bool from_median = false;
    int64_t repetitions = 1;
  };
  std::optional<Seen> rate(const std::string& family) const {
    auto it = rates_.find(family);
    if (it == rates_.end()) return std::nullopt;
    return it->second;
  }

 private:
  benchmark::BenchmarkReporter* inner_;  // owned by the benchmark library
  std::map<std::string, Seen> rates_;
};

// The console table (colours only on a terminal, so that summary lines stay greppable in a
// pipe), remembering by benchmark name (benchmark_name(): "BM_x/2000", "BM_x/real_time",
// "BM_x_median", ...) each run's real time per iteration and its counters. The lookups prefer
// the "<name>_median" aggregate (--benchmark_repetitions) and fall back on "<name>"; nullopt
// if neither ran (or has the counter).
class FigureReporter : public benchmark::ConsoleReporter {
 public:
  FigureReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      Figures& f = figures_[r.benchmark_name()];
      f.real_time = r.GetAdjustedRealTime();
      f.units_per_s = kUnitsPerSecond(r.time_unit);
      for (const auto& [name, counter] : r.counters) f.counters[name] = counter.value;
    }
  }

  // Real time per iteration in nanoseconds / milliseconds.
  std::optional<double> ns(const std::string& name) const { return time(name, 1e9); }
  std::optional<double> ms(const std::string& name) const { return time(name, 1e3); }
  // A counter's value, e.g. counter(name, "items_per_second").
  std::optional<double> counter(const std::string& name, const std::string& counter) const {
    for (const std::string& key : {name + "_median", name}) {
      auto it = figures_.find(key);
      if (it == figures_.end()) continue;
      auto c = it->second.counters.find(counter);
      if (c != it->second.counters.end()) return c->second;
    }
    return std::nullopt;
  }

 private:
  struct Figures {
    double real_time = 0;  // per iteration, in the run's time unit
    double units_per_s = 1;
    std::map<std::string, double> counters;
  };
  std::optional<double> time(const std::string& name, double out_units_per_s) const {
    for (const std::string& key : {name + "_median", name}) {
      auto it = figures_.find(key);
      if (it != figures_.end())
        return it->second.real_time * (out_units_per_s / it->second.units_per_s);
    }
    return std::nullopt;
  }
  std::map<std::string, Figures> figures_;
};

// Runs the benchmarks selected on the command line through a FigureReporter, then calls
// `summarize(reporter)` to print the summary lines (to stdout, after the table). Returns
// main()'s exit code.
inline int run_with_figures(int argc, char** argv,
                            const std::function<void(const FigureReporter&)>& summarize) {
  benchmark::Initialize(&argc, argv);
  FigureReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  summarize(reporter);
  benchmark::Shutdown();
  return 0;
}

// Runs the benchmarks selected on the command line through a RatioReporter, then calls
// `summarize(reporter, out)` with the stream for the summary lines: stdout after the table, or
// stderr with --benchmark_format=json|csv (so that stdout stays machine-readable). Adds the
// busy-machine warning. Returns main()'s exit code.
inline int run_benchmarks(int argc, char** argv,
                          const std::function<void(const RatioReporter&, std::FILE*)>& summarize) {
  std::FILE* summary = stdout;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--benchmark_format=") && arg != "--benchmark_format=console")
      summary = stderr;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto before = CpuSample::now();
  RatioReporter reporter(benchmark::CreateDefaultDisplayReporter());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const auto other_cores = CpuSample::now().other_cores_since(before);
  std::cout.flush();
  summarize(reporter, summary);
  if (other_cores && *other_cores > 0.1)
    std::fprintf(summary,
                 "warning: other processes kept %.2f cores busy on average during the run, so"
                 " the wall-clock rates and ratios are unreliable; rerun on an idle machine\n",
                 *other_cores);
  std::fflush(summary);
  return 0;
}

}  // namespace swarmchain::bench

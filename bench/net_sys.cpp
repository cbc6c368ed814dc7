#include "bench/net_sys.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "common/bytes.h"
#include "common/codec.h"
#include "common/crypto.h"

namespace swarmchain::bench {

// verify_all and SignedDigest are bench_util.h's: the loop BM_RawEd25519VerifyAllCores times.
VerifyRate measure_verify_rate(std::size_t sigs, int repetitions) {
  std::vector<SignedDigest> items;
  items.reserve(sigs);
  std::vector<KeyPair> keys;
  for (std::size_t i = 0; i < 64; ++i) keys.push_back(KeyPair::generate());
  for (std::size_t i = 0; i < sigs; ++i) {
    Writer w;
    w.u64(i);
    const Hash digest = hash_tagged("swarmchain/bench/net/verify", w.data());
    const KeyPair& k = keys[i % keys.size()];
    items.push_back({k.pubkey(), digest, k.sign(digest)});
  }
  VerifyRate out;
  out.threads = std::max(1u, std::thread::hardware_concurrency());
  verify_all(items, out.threads);  // warm-up
  std::vector<double> rates, cpu;
  const auto busy0 = machine_busy_s();
  const double self0 = self_cpu_s();
  const auto wall0 = std::chrono::steady_clock::now();
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    const double c0 = self_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t valid = verify_all(items, out.threads);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (valid != items.size()) return VerifyRate{};
    rates.push_back(static_cast<double>(items.size()) / s);
    cpu.push_back((self_cpu_s() - c0) / static_cast<double>(items.size()) * 1e6);
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const auto busy1 = machine_busy_s();
  if (busy0 && busy1 && wall > 0)
    out.other_cores = std::max(0.0, ((*busy1 - *busy0) - (self_cpu_s() - self0)) / wall);
  std::sort(rates.begin(), rates.end());
  std::sort(cpu.begin(), cpu.end());
  out.per_s = rates[rates.size() / 2];
  out.cpu_us_per_sig = cpu[cpu.size() / 2];
  return out;
}

std::optional<double> process_cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // The command name (field 2) may hold spaces: parse from the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 3.. ; utime = 14, stime = 15
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const long tick = sysconf(_SC_CLK_TCK);
  if (tick <= 0) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(tick);
}

double self_cpu_s() {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

std::optional<double> machine_busy_s() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return std::nullopt;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                            &system, &idle, &iowait, &irq, &softirq, &steal);
  std::fclose(f);
  const long tick = sysconf(_SC_CLK_TCK);
  if (n != 8 || tick <= 0) return std::nullopt;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(tick);
}

}  // namespace swarmchain::bench

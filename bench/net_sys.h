// Machine figures for the net benchmark: this machine's all-core ed25519 verify rate (the
// ceiling every ratio is taken against, measured as bench/block_bench.cpp's
// BM_RawEd25519VerifyAllCores: crypto_sign_verify_detached over pre-signed 32-byte digests on
// hardware_concurrency() threads), and CPU time of processes and of the whole machine (to say
// where the time went and whether something else was running).
//
// Thread-safety: every function is stateless and may be called from any thread.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>

namespace swarmchain::bench {

struct VerifyRate {
  double per_s = 0;          // median of the repetitions
  double cpu_us_per_sig = 0; // process CPU per verification (all threads)
  unsigned threads = 0;
  double other_cores = 0;    // cores other processes kept busy meanwhile (average)
};
// `sigs` distinct pre-signed digests verified `repetitions` times over all cores.
VerifyRate measure_verify_rate(std::size_t sigs, int repetitions);

// utime+stime of a process in seconds (/proc/<pid>/stat); nullopt if it is gone.
std::optional<double> process_cpu_s(pid_t pid);
// This process, all threads (getrusage).
double self_cpu_s();
// All CPUs busy time of the machine in seconds (/proc/stat), nullopt if unreadable.
std::optional<double> machine_busy_s();

}  // namespace swarmchain::bench

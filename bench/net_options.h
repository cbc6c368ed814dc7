// Command-line options of net_bench (bench/net_bench.cpp says what each phase measures).
//
// Thread-safety: plain data; parse_options runs once on the main thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace swarmchain::bench {

struct Options {
  std::string bin_dir;  // default: the build's bin directory
  std::string tmp_dir = std::filesystem::temp_directory_path().string();
  bool keep = false;
  std::size_t verify_sigs = 20'000;
  int verify_reps = 3;
  std::size_t senders = 400;
  std::size_t threads = 8;
  std::size_t rpc_batch = 50;  // txs per send_raw_transactions call (throughput, sync chain)
  int poll_ms = 10;  // latency figures are up to this late; 4 nodes x 100 calls/s cost little
  double tput_seconds = 20;
  double tput_warmup = 3;
  std::size_t tput_txs = 80'000;
  int64_t backlog = 4'000;
  double low_rate = 15;
  double latency_seconds = 15;
  uint64_t blocks = 10'000;
  int64_t sync_backlog = 100;
  double produce_timeout = 1800;
  double sync_timeout = 900;
  std::vector<std::string> node_args;
};

// Parses argv into `o`. Returns -1 to go on, else the exit code (0 after --help, 2 on an error,
// with the message printed).
int parse_options(int argc, char** argv, Options& o);

}  // namespace swarmchain::bench

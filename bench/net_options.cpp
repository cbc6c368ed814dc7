#include "bench/net_options.h"

#include <cstdio>

// GCC 12 reports a -Wnull-dereference inside CLI11's inlined string code (a false positive in
// third-party code); silenced for the header alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

namespace swarmchain::bench {

int parse_options(int argc, char** argv, Options& o) {
  o.bin_dir = SWARMCHAIN_BIN_DIR;
  CLI::App app{"net_bench: issue 9's performance figures of a 4-node loopback net"};
  app.add_option("--bin-dir", o.bin_dir, "Where swarmchaind is")->capture_default_str();
  app.add_option("--tmp-dir", o.tmp_dir, "Where the work directory is made")->capture_default_str();
  app.add_flag("--keep", o.keep, "Keep the work directory (node logs) at the end");
  app.add_option("--verify-sigs", o.verify_sigs, "Signatures per verify-rate repetition")
      ->capture_default_str();
  app.add_option("--senders", o.senders, "Sender accounts funded from the dev wallet")
      ->capture_default_str()->check(CLI::Range(8, 5000));
  app.add_option("--threads", o.threads, "Client threads sending txs (thread t -> node t mod 4)")
      ->capture_default_str()->check(CLI::Range(1, 16));
  app.add_option("--rpc-batch", o.rpc_batch,
                 "Txs per send_raw_transactions call in the throughput run and while producing the"
                 " sync chain (1: one send_raw_transaction per tx; latency runs always send one)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--poll-ms", o.poll_ms, "Block pollers' get_height interval")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--tput-seconds", o.tput_seconds, "Throughput run length")->capture_default_str();
  app.add_option("--tput-warmup", o.tput_warmup, "Seconds of it not counted")->capture_default_str();
  app.add_option("--tput-txs", o.tput_txs, "At most this many txs in the throughput run")
      ->capture_default_str();
  app.add_option("--backlog", o.backlog, "Throughput run: sent-but-uncommitted bound")
      ->capture_default_str();
  app.add_option("--low-rate", o.low_rate, "Low-load latency run: tx/s")->capture_default_str();
  app.add_option("--latency-seconds", o.latency_seconds, "Length of each latency run")
      ->capture_default_str();
  app.add_option("--blocks", o.blocks, "Chain height the fresh node syncs (0: skip the sync)")
      ->capture_default_str();
  app.add_option("--sync-backlog", o.sync_backlog, "Backlog bound while producing that chain")
      ->capture_default_str();
  app.add_option("--produce-timeout", o.produce_timeout, "Seconds allowed to produce it")
      ->capture_default_str();
  app.add_option("--sync-timeout", o.sync_timeout, "Seconds allowed for the fresh node's sync")
      ->capture_default_str();
  // A callback per value, as node/main.cpp does: binding a std::vector<std::string> directly
  // trips GCC 12's -Wnull-dereference inside CLI11's inlined code (a false positive).
  app.add_option_function<std::string>(
         "--node-arg", [&o](const std::string& v) { o.node_args.push_back(v); },
         "Extra swarmchaind argument (repeatable), e.g. --node-arg=--log-level --node-arg=warn")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->trigger_on_parse();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.tput_warmup >= o.tput_seconds) {
    std::fprintf(stderr, "net_bench: --tput-warmup must be shorter than --tput-seconds\n");
    return 2;
  }
  return -1;
}

}  // namespace swarmchain::bench

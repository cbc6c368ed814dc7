// The `swarm` subcommand's --verify options (wallet/swarm_cmd.h) for CLI11, kept out of main.cpp
// so that its registration there is one line. Header-only: only the wallet binary links CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include "wallet/swarm_cmd.h"

namespace swarmchain {

struct SwarmVerifyCli {
  bool verify = false;
  SwarmVerifyOptions options;
};

inline void add_swarm_verify_options(CLI::App* swarm, SwarmVerifyCli& cli) {
  swarm->add_flag("--verify", cli.verify,
                  "Check the answer from the genesis (committee hand-offs, certificate, registry "
                  "proof); prints the step that failed");
  swarm->add_flag("--local", cli.options.local,
                  "With --verify: fetch and check the whole table, compute the swarm here (the "
                  "node does not learn the id)");
  swarm->add_option("--genesis", cli.options.genesis_file, "With --verify: trust this genesis file");
  swarm->add_option("--genesis-hash", cli.options.genesis_hash,
                    "With --verify: trust the node's genesis only if it hashes to this chain id");
  swarm->add_option("--max-age", cli.options.max_age_s,
                    "With --verify: refuse a tip older than this many seconds")
      ->capture_default_str();
  swarm->add_option("--min-height", cli.options.min_height,
                    "With --verify: refuse a tip below this height (one seen before)");
}

}  // namespace swarmchain

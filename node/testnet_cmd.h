// `swarmchaind testnet --nodes N --dir D`: the files of a local N-validator net (CometBFT's
// `testnet` command is the model). It writes:
//   D/genesis.json        network "testnet", dev-speed params with a committee of N, every node
//                         a funded, fully staked service node (operated by the dev wallet)
//   D/dev-wallet.json     a keystore (password "dev") holding the rest of the supply
//   D/node<i>/node_key    node i's key (mode 0600), its public key in D/node<i>/pubkey (hex),
//                         and a copy of genesis.json
// and prints the command line that starts each node: RPC on 127.0.0.1:(rpc_base + i), p2p on
// p2p_base + i, every other node as a --peer, and the node's own contact data (--public-ip,
// --storage-port storage_base + i, --storage-lmq-port storage_base + 100 + i).
// It refuses a D that already holds a genesis.json: a net is never overwritten.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/expected.h"

namespace swarmchain {

struct TestnetOptions {
  std::size_t nodes = 4;
  std::filesystem::path dir = "swarmchain-testnet";
  std::string ip = "127.0.0.1";
  uint16_t rpc_base_port = 22023;
  uint16_t p2p_base_port = 22122;
  uint16_t storage_base_port = 22300;
};

struct TestnetNode {
  std::filesystem::path datadir;
  std::string pubkey;                 // hex
  std::vector<std::string> args;      // swarmchaind's arguments that start it
};

struct Testnet {
  std::filesystem::path genesis_path;
  std::filesystem::path wallet_path;
  std::string wallet_address;
  std::vector<TestnetNode> nodes;
};

// The arguments that start node i of a testnet laid out by `o` (also used by devnet.sh's
// restarts through `swarmchaind testnet --print-args`).
std::vector<std::string> testnet_node_args(const TestnetOptions& o, std::size_t i);

Expected<Testnet> create_testnet(const TestnetOptions& o, uint64_t now_ms);

}  // namespace swarmchain

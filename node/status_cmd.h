// `swarmchaind status`: asks a running node where this node's service-node record stands
// (get_service_node_status, design §8) and prints it for a human: state, swarm, credit, proof
// age, what happens if it stays down, and why. With --datadir it asks about the key in
// <datadir>/node_key; without, the node answers about its own key.
//
// Thread-safety: main thread only (a CLI command).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace swarmchain {

struct StatusOptions {
  std::string node_url = "http://127.0.0.1:22023";
  std::optional<std::filesystem::path> datadir;
  bool json = false;  // print the raw answer
};

// 0 on success; 1 with a message on stderr (node unreachable, unknown node, bad key file).
int run_status(const StatusOptions& o);

}  // namespace swarmchain

// How an Oxen storage server and a Session client read swarmchain's answers, written out as
// strict parsers for conformance tests (issue 9). Reusable: the in-process tests feed them the
// Dispatcher's answers, a multi-node test can feed them a live node's answers over HTTP.
//
// parse_service_nodes_update follows oxen-storage-server's parse_swarm_update
// (oxenss/snode/service_node.cpp) on get_service_nodes' result:
//   * top level: `height` (u64), `block_hash` (string), `hardfork` (int) required;
//     `snode_revision` (int) and `unchanged` (bool) read if present (defaults 0, false); with
//     unchanged true nothing else is read;
//   * `service_node_states` (array) required; per entry `funded` (bool) required (unfunded
//     entries are skipped, as the storage server does), `service_node_pubkey` (string) and
//     `swarm_id` (u64) required; `public_ip` (string), `storage_port` and `storage_lmq_port`
//     (u16), `storage_server_version` (array of 3 ints), `pubkey_ed25519` and `pubkey_x25519`
//     (hex strings) each with a default when absent ("", 0, [0,0,0], "");
//   * a key that is present with the wrong type, null included, throws.
// It is at least as strict as the storage server: integers must be integers (no floats), u64
// and u16 must be non-negative and in range, pubkeys must be 64 hex digits (empty for an absent
// x25519/ed25519 key, which the storage server counts as "missing" and skips).
//
// parse_swarm_reply reads get_swarm's result in the shape a storage server answers Session
// clients (oxenss rpc swarm_to_json, plus t and hf): `snodes[{address, pubkey_legacy,
// pubkey_x25519, pubkey_ed25519, ip, port (string), port_https, port_omq}]`, `swarm` (hex
// string), `swarm_id` (u64), `height` (u64), `t` (u64 ms), `hf` ([int, int]), all required.
//
// Errors: StorageServerParseError (a std::runtime_error) naming the key and what was wrong.
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swarmchain::test {

struct StorageServerParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr uint64_t kInvalidSwarmId = UINT64_MAX;  // oxenss INVALID_SWARM_ID

// The storage server's sn_record, as it keeps it.
struct SsRecord {
  std::string pubkey_legacy;  // service_node_pubkey
  std::string ip;
  uint16_t https_port = 0;
  uint16_t omq_port = 0;
  std::array<int, 3> version{};
  std::string pubkey_ed25519;
  std::string pubkey_x25519;
  uint64_t swarm_id = kInvalidSwarmId;
};

// The storage server's block_update.
struct SsBlockUpdate {
  uint64_t height = 0;
  std::string block_hash;
  int hardfork = 0;
  int snode_revision = 0;
  bool unchanged = false;
  std::map<uint64_t, std::vector<SsRecord>> swarms;  // funded nodes in a swarm, by swarm id
  std::vector<SsRecord> decommissioned;              // funded nodes with swarm_id 2^64-1
  int unfunded_skipped = 0;
  int missing_aux_pks = 0;  // funded entries without ed25519/x25519 keys (skipped)
};

// The params an Oxen storage server sends on every block (oxenss service_node.cpp, with
// storage_server_version as issue 9 quotes it).
nlohmann::json storage_server_request(const std::optional<std::string>& poll_block_hash);

SsBlockUpdate parse_service_nodes_update(const nlohmann::json& result);

struct SwarmReplyNode {
  std::string address, pubkey_legacy, pubkey_x25519, pubkey_ed25519, ip;
  uint16_t port_https = 0, port_omq = 0;
};
struct SwarmReply {
  uint64_t swarm_id = 0;
  std::string swarm;
  uint64_t height = 0;
  uint64_t t = 0;
  std::array<int, 2> hf{};
  std::vector<SwarmReplyNode> snodes;
};
SwarmReply parse_swarm_reply(const nlohmann::json& result);

}  // namespace swarmchain::test

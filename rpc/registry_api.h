// The registry's JSON-RPC methods (design §8): get_service_nodes (+ alias get_n_service_nodes),
// get_swarm, get_swarms, get_staking_requirement, get_service_node_status, get_registry_proof.
// docs/rpc.md documents every field of their answers.
//
// Shapes follow Oxen where Oxen has the method (../shared/background/oxen-facts.md §6), so an
// Oxen storage server and Session clients parse them unchanged: get_service_nodes answers the
// storage server's own request (its `fields`, `active_only`, `poll_block_hash`) with the types
// it reads strictly, never null; get_swarm answers in the shape a storage server answers Session
// clients. Contact data (public_ip, ports, versions) comes from uptime proofs; before a node's
// first proof it is "0.0.0.0" and 0, as Oxen reports a node without a proof, never made up.
//
// The two hot methods answer from snapshots made once per registry change and outside the
// chain's read lock (rpc/registry_snapshot_cache.h), as prepared JSON text:
//   * get_service_nodes (every storage server polls it on every block) from a
//     ServiceNodeSnapshot (rpc/service_node_snapshot.h);
//   * get_swarm (every Session client asks it) from a SwarmDirectory: the swarm table with
//     every swarm's answer prepared; a lookup is a binary search over the swarm ids.
// The other methods read one consistent ChainState through Blockchain::with_state.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads. SwarmDirectory is
// immutable after construction; the snapshot caches are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/height.h"
#include <functional>

#include "registry/liveness_rules.h"
#include "registry/registry_state.h"
#include "registry/service_node.h"
#include "registry/swarm_lookup.h"
#include "rpc/json_rpc.h"
#include "rpc/service_node_json.h"

namespace swarmchain::rpc {

// The last decommission, recommission or deregistration of a node that this node saw (since
// it started), for get_service_node_status's "last_change"; any thread.
using LastLivenessChange =
    std::function<std::optional<std::pair<Height, LivenessChange>>(const PubKey&)>;

// REQUIRES: `chain` (and `mempool` if given) outlive `d`. `own_key`: the node's own
// service-node key, which get_service_node_status reports on when called without a pubkey (as
// oxend does). A node not in the registry is -32004 (kNotFound) saying why: its registration is
// pending in `mempool` (with the txid), its record expired or was deregistered (`last_change`),
// or the key is unknown.
void register_registry_methods(Dispatcher& d, const Blockchain& chain,
                               std::optional<PubKey> own_key = std::nullopt,
                               LastLivenessChange last_change = {},
                               const Mempool* mempool = nullptr);


// Pubkey -> swarm over one registry state (design §5.7), with each swarm's get_swarm answer
// ready to hand out.
class SwarmDirectory {
 public:
  // What a directory is made of: every swarm (ascending id) with its members (ascending), their
  // x25519 keys and contact data. Copying it out of the registry is cheap; building the answers
  // is not, so the node copies under the chain's read lock and builds outside it.
  struct Member {
    PubKey ed25519;
    PubKey x25519;
    std::optional<UptimeContact> contact;  // from its last uptime proof; nullopt before one
  };
  using Members = std::vector<std::pair<SwarmId, std::vector<Member>>>;
  static Members members_of(const RegistryState& registry);

  // For RegistrySnapshotCache: a directory is made from the registry alone.
  using Source = Members;
  static Source collect(const RegistryState& registry, const SwarmDirectory* /*previous*/) {
    return members_of(registry);
  }

  // O(active nodes).
  explicit SwarmDirectory(const Members& members);
  explicit SwarmDirectory(const RegistryState& registry) : SwarmDirectory(members_of(registry)) {}

  bool empty() const { return index_.empty(); }
  std::size_t swarm_count() const { return index_.size(); }

  // The swarm that stores `user`'s messages; kUnassignedSwarm when there is no swarm.
  SwarmId lookup(const PubKey& user) const { return index_.lookup(user); }
  // The swarm part of get_swarm's answer for `user`: {swarm_id, swarm, snodes[{address,
  // pubkey_legacy, pubkey_x25519, pubkey_ed25519, ip, port, port_https, port_omq}]}, members
  // ascending (docs/rpc.md). A null json when there is no swarm. Valid as long as this directory.
  const nlohmann::json& swarm_for(const PubKey& user) const;
  // The same as JSON object members without the braces ("snodes":[...],"swarm":...), so that
  // get_swarm adds the block's height, t and hf without copying a tree. Empty if no swarm.
  std::string_view swarm_text_for(const PubKey& user) const;

 private:
  std::size_t position(const PubKey& user) const;  // index into replies_, or replies_.size()
  SwarmIndex index_;
  std::vector<nlohmann::json> replies_;  // replies_[i] answers for index_.ids()[i]
  std::vector<std::string> texts_;       // texts_[i] is replies_[i] as text, without braces
};

}  // namespace swarmchain::rpc

// The registry's JSON-RPC methods (design §8): get_service_nodes (+ alias get_n_service_nodes),
// get_swarm, get_swarms, get_staking_requirement, get_service_node_status, get_registry_proof.
//
// Every method reads one consistent ChainState through Blockchain::with_state. Shapes follow
// Oxen where Oxen has the method (docs: ../shared/background/oxen-facts.md §6), so Session
// clients and storage-server-like tools parse them unchanged. Contact data (public_ip, ports,
// last_uptime_proof) comes from uptime proofs, which do not exist yet: those fields are null
// (or 0 for last_uptime_proof, as Oxen reports a node without a proof), never made up.
//
// get_swarm is the hot path (every Session client asks it): it answers from a SwarmDirectory,
// an immutable snapshot of the swarm table with every swarm's reply prepared, rebuilt only when
// the tip block hash changes. A lookup is then a binary search over the swarm ids.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads. SwarmDirectory is
// immutable after construction; the per-Dispatcher snapshot cache is guarded by a private mutex.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "common/height.h"
#include "registry/registry_state.h"
#include "registry/service_node.h"
#include "registry/swarm_lookup.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

// REQUIRES: `chain` outlives `d`.
void register_registry_methods(Dispatcher& d, const Blockchain& chain);


// One service_node_states entry (Oxen shape), every field.
nlohmann::json service_node_to_json(const ServiceNode& sn);
// The names service_node_to_json writes, in its order; get_service_nodes' `fields` accepts
// exactly these.
const std::vector<std::string_view>& service_node_field_names();

// Pubkey -> swarm over one registry state (design §5.7), with each swarm's get_swarm reply
// ready to hand out.
class SwarmDirectory {
 public:
  // What a directory is made of: every swarm (ascending id) with its members (ascending) and
  // their x25519 keys. Copying it out of the registry is cheap; building the replies is not,
  // so the node copies under the chain's read lock and builds outside it.
  struct Member {
    PubKey ed25519;
    std::optional<PubKey> x25519;  // nullopt if the member has no record (never, in practice)
    std::optional<UptimeContact> contact;  // from its last uptime proof; nullopt before one
  };
  using Members = std::vector<std::pair<SwarmId, std::vector<Member>>>;
  static Members members_of(const RegistryState& registry);

  // `height` is the block the registry is the result of (it goes into the replies).
  // O(active nodes).
  SwarmDirectory(const Members& members, Height height);
  explicit SwarmDirectory(const RegistryState& registry, Height height = Height())
      : SwarmDirectory(members_of(registry), height) {}

  bool empty() const { return index_.empty(); }
  std::size_t swarm_count() const { return index_.size(); }
  Height height() const { return height_; }

  // The swarm that stores `user`'s messages; kUnassignedSwarm when there is no swarm.
  SwarmId lookup(const PubKey& user) const { return index_.lookup(user); }
  // get_swarm's result for `user`: {swarm_id, swarm, height, snodes[{pubkey_ed25519,
  // pubkey_x25519, ip, port_https, port_omq}]}, members ascending; ip and ports come from the
  // member's last uptime proof (null before its first). A null json when there is
  // no swarm. The reference is valid as long as this directory.
  const nlohmann::json& swarm_for(const PubKey& user) const;

 private:
  Height height_;
  SwarmIndex index_;
  std::vector<nlohmann::json> replies_;  // replies_[i] answers for index_.ids()[i]
};

}  // namespace swarmchain::rpc

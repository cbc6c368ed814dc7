// What Oxen tools read from a node beyond the registry itself (docs/rpc.md): the network version
// pair a storage server gates its features on, and the ".snode" address form of a node key.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/crypto.h"

namespace swarmchain::rpc {

// get_service_nodes' `hardfork` and `snode_revision`, get_swarm's `hf`: the Oxen network version
// (hard fork, service-node revision) whose storage-server interface this node's registry serves.
// An Oxen storage server gates features on this pair and refuses to serve below its minimum
// (oxen-storage-server snode/service_node.h: STORAGE_SERVER_HARDFORK = {19, 6}). swarmchain's
// registry gives a storage server everything Oxen 19.6 does (ed25519/x25519 keys, OMQ ports,
// swarms by the same pubkey -> swarm rule), and has had one set of consensus rules since genesis:
// a rules change that changes what a storage server sees must raise this pair.
inline constexpr int kOxenHardfork = 19;
inline constexpr int kOxenSnodeRevision = 6;

// Oxen's base32z (zbase32 alphabet "ybndrfg8ejkmcpqxot1uwisza345h769"), bits taken most
// significant first, the last group padded with zero bits, no '=' padding (as oxenc::to_base32z).
std::string to_base32z(ByteView bytes);

// A node's Lokinet/Oxen address: base32z of its key + ".snode" (52 + 6 characters).
std::string snode_address(const PubKey& key);

}  // namespace swarmchain::rpc

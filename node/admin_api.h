// The node's admin JSON-RPC methods (issue 11): registered with Access::admin, so the HTTP
// server serves them only to a local client that sends the RPC cookie (rpc/http_router.h).
//   stop           {} -> {"stopping":true}; the node shuts down cleanly right after answering.
//   get_peers      {} -> {"peers":[{pubkey, address, listen_address, inbound, height, ban_score}]}
//   ban_peer       {"pubkey":hex} -> {"banned":n}: disconnects every connection of that node key
//                  and bans its address for the p2p ban time.
//   flush_mempool  {} -> {"dropped":n}: forgets every pending tx.
// Thread-safety: the handlers run on RPC threads; every hook they call is thread-safe.
#pragma once

#include <functional>

#include "chain/mempool.h"
#include "p2p/host.h"
#include "rpc/json_rpc.h"

namespace swarmchain {

struct AdminHooks {
  p2p::Host* host = nullptr;  // null: p2p is off (get_peers answers an empty list)
  Mempool* mempool = nullptr;
  std::function<void()> request_stop;  // must return at once; the stop happens after the answer
};

// REQUIRES: the hooks' objects outlive the dispatcher's use.
void register_admin_methods(rpc::Dispatcher& d, AdminHooks hooks);

// The cookie file (mode 0600, written atomically) that grants admin access: "__cookie__:" and
// 64 random hex digits, new at every start, removed at a clean stop.
Expected<std::string> write_rpc_cookie(const std::filesystem::path& datadir);
void remove_rpc_cookie(const std::filesystem::path& datadir);
std::filesystem::path rpc_cookie_path(const std::filesystem::path& datadir);

}  // namespace swarmchain

#include "node/admin_api.h"

#include <array>
#include <filesystem>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/private_file.h"
#include "common/hex.h"
#include "rpc/params.h"

namespace swarmchain {

using nlohmann::json;

void register_admin_methods(rpc::Dispatcher& d, AdminHooks hooks) {
  d.add("stop", [stop = hooks.request_stop](const json& params) -> rpc::RpcResult {
    rpc::Params p(params);
    p.allow_only({});
    if (auto err = p.error()) return unexpected(*err);
    stop();
    return json{{"stopping", true}};
  }, rpc::Access::admin);

  d.add("get_peers", [host = hooks.host](const json& params) -> rpc::RpcResult {
    rpc::Params p(params);
    p.allow_only({});
    if (auto err = p.error()) return unexpected(*err);
    json peers = json::array();
    if (host != nullptr) {
      for (const auto& peer : host->peers()) {
        peers.push_back({{"pubkey", to_hex(peer.node_pubkey)},
                         {"address", peer.address},
                         {"listen_address", peer.listen_address},
                         {"inbound", peer.inbound},
                         {"height", peer.height},
                         {"ban_score", peer.ban_score}});
      }
    }
    return json{{"peers", std::move(peers)}};
  }, rpc::Access::admin);

  d.add("ban_peer", [host = hooks.host](const json& params) -> rpc::RpcResult {
    rpc::Params p(params);
    p.allow_only({"pubkey"});
    const std::string text = p.required_string("pubkey");
    std::optional<PubKey> parsed;
    if (!p.error()) parsed = rpc::fixed_hex_param<PubKey>(p, "pubkey", text);
    if (auto err = p.error()) return unexpected(*err);
    const PubKey key = *parsed;
    if (host == nullptr) return unexpected(rpc::RpcError::rejected("p2p is off on this node"));
    int banned = 0;
    for (const auto& peer : host->peers()) {
      if (peer.node_pubkey != key) continue;
      // The full threshold in one penalty: disconnected and its address banned.
      host->penalize(peer.id, 1'000'000, "banned by the operator (ban_peer)");
      ++banned;
    }
    if (banned == 0)
      return unexpected(rpc::RpcError::rejected("no connected peer has node key " + to_hex(key)));
    return json{{"banned", banned}};
  }, rpc::Access::admin);

  d.add("flush_mempool", [pool = hooks.mempool](const json& params) -> rpc::RpcResult {
    rpc::Params p(params);
    p.allow_only({});
    if (auto err = p.error()) return unexpected(*err);
    return json{{"dropped", pool->clear()}};
  }, rpc::Access::admin);
}

std::filesystem::path rpc_cookie_path(const std::filesystem::path& datadir) {
  return datadir / "rpc.cookie";
}

Expected<std::string> write_rpc_cookie(const std::filesystem::path& datadir) {
  std::array<uint8_t, 32> secret{};
  random_bytes(secret.data(), secret.size());
  const std::string cookie = "__cookie__:" + to_hex(ByteView(secret.data(), secret.size()));
  const auto path = rpc_cookie_path(datadir);
  if (Status s = write_private_file(path, cookie, /*overwrite=*/true); !s)
    return unexpected(Status::error("cannot write the RPC cookie " + path.string() + ": " + s.message()));
  return cookie;
}

void remove_rpc_cookie(const std::filesystem::path& datadir) {
  std::error_code ec;
  std::filesystem::remove(rpc_cookie_path(datadir), ec);
}

}  // namespace swarmchain

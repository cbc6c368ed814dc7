#include "node/status_cmd.h"

#include <iostream>

#include "common/hex.h"
#include "node/node_key.h"
#include "rpc/client.h"
#include "rpc/status_text.h"

namespace swarmchain {

namespace {

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "?";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

int run_status(const StatusOptions& o) {
  nlohmann::json params = nlohmann::json::object();
  if (o.datadir) {
    auto key = load_node_key(*o.datadir / "node_key");
    if (!key) {
      std::cerr << "error: " << key.error().message() << "\n";
      return 1;
    }
    params["pubkey"] = to_hex(key->pubkey());
  }
  rpc::RpcClient node(o.node_url);
  auto st = node.call("get_service_node_status", params);
  if (!st) {
    std::cerr << "error: " << st.error().message << "\n";
    return 1;
  }
  if (o.json) {
    std::cout << st->dump(2) << "\n";
    return 0;
  }
  std::cout << "service node " << text_of(*st, "service_node_pubkey") << " at height "
            << text_of(*st, "height") << "\n  state:        " << text_of(*st, "state")
            << "\n  swarm:        " << rpc::swarm_text(*st) << "\n"
            << rpc::liveness_text(*st);
  return 0;
}

}  // namespace swarmchain

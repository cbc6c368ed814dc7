// RpcClient: calls a node's JSON-RPC endpoint over HTTP (used by the wallet and the CLI).
//
//   RpcClient node("http://127.0.0.1:22023");
//   auto info = node.call("get_info");
//   if (!info) std::cerr << info.error().message;  // "cannot reach node at http://...: ..."
//
// Every failure is an RpcError value:
//   * the node's own JSON-RPC error, unchanged (code/message/data as sent);
//   * kTransportError: bad URL, node unreachable, timeout, connection dropped; the message
//     names the URL ("cannot reach node at http://127.0.0.1:22023: connection refused");
//   * kBadResponse: the node answered, but not with a JSON-RPC response (e.g. HTTP 413).
// Only http:// is supported; the node binds to 127.0.0.1 by default (design §8).
//
// Thread-safety: call() is const and may run on several threads at once: each call opens its
// own connection, so there is no shared connection state to lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/expected.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

struct RpcEndpoint {
  std::string host;  // without IPv6 brackets
  uint16_t port = 0;
};

// Parses "http://host:port" (an optional trailing "/" is allowed; IPv6 as "http://[::1]:22023").
// Errors name the URL and what is wrong with it.
Expected<RpcEndpoint, std::string> parse_rpc_url(std::string_view url);

struct RpcClientOptions {
  int connect_timeout_s = 5;
  int read_timeout_s = 30;  // generous: get_service_nodes on a big network is a large answer
  int write_timeout_s = 5;
  // "user:password" for HTTP basic auth, e.g. the node's cookie file contents for its admin
  // methods (docs/rpc.md "Access"); empty: none.
  std::string basic_auth;
};

class RpcClient {
 public:
  // Never fails: an invalid URL makes every call() return the parse error.
  explicit RpcClient(std::string url, RpcClientOptions options = {});

  RpcResult call(const std::string& method,
                 const nlohmann::json& params = nlohmann::json::object()) const;

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  RpcClientOptions options_;
  Expected<RpcEndpoint, std::string> endpoint_;
  mutable std::atomic<uint64_t> next_id_{1};
};

}  // namespace swarmchain::rpc

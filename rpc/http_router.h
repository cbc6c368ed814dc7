// HttpRouter: what the RPC server answers to one parsed HTTP request, apart from the socket
// (rpc/http_server.h reads and writes; this decides). Checks, in order:
//   1. Host: must name this node (DNS-rebinding guard): an IP literal, "localhost", or a name
//      in `allowed_hosts` ("*" allows any). Otherwise 403.
//   2. Authorization: absent is fine (public access); present, it must be HTTP basic auth with
//      the node's cookie ("__cookie__:<hex>", compared in constant time), else 401. A matching
//      cookie gives admin access, but on a public server only to a loopback client.
//   3. Route: POST /json_rpc -> Dispatcher; GET /health; GET /metrics; anything else 404, or
//      405 for a known path with another method. Range, Accept-Encoding and the like are
//      ignored: an answer is always the whole JSON body.
//
// Thread-safety: route() is const and may run concurrently; the providers must be thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "rpc/json_rpc.h"
#include "rpc/rpc_metrics.h"

namespace swarmchain::rpc {

struct HttpRouterConfig {
  std::vector<std::string> allowed_hosts;  // names besides IP literals and localhost; "*": any
  std::string cookie;                      // "__cookie__:<hex>"; empty: no admin access at all
  bool public_server = false;              // admin access only for loopback clients
};

struct HttpReply {
  unsigned status = 200;
  const char* content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
  bool close = false;                                        // close the connection after it
};

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class HttpRouter {
 public:
  // REQUIRES: dispatcher outlives the router.
  HttpRouter(HttpRouterConfig config, const Dispatcher& dispatcher)
      : config_(std::move(config)), dispatcher_(dispatcher) {}

  // REQUIRES: before the server runs.
  void set_health(std::function<nlohmann::json()> provider) { health_ = std::move(provider); }
  void set_metrics(std::function<std::string()> provider) { metrics_ = std::move(provider); }
  void set_request_metrics(RpcMetrics* sink) { sink_ = sink; }
  RpcMetrics* request_metrics() const { return sink_; }

  // `seconds_so_far`: time since the request's headers were read, for the latency metric.
  HttpReply route(const HttpRequest& req, const boost::asio::ip::address& remote,
                  double seconds_so_far) const;

  // Host header check on its own (also used for refusals decided before routing).
  bool host_allowed(std::string_view host_header) const;

 private:
  HttpReply json_rpc(const HttpRequest& req, Access caller, double seconds_so_far) const;
  HttpReply health() const;
  HttpReply metrics() const;

  const HttpRouterConfig config_;
  const Dispatcher& dispatcher_;
  std::function<nlohmann::json()> health_;
  std::function<std::string()> metrics_;
  RpcMetrics* sink_ = nullptr;
};

// A plain-text error reply ("what\n").
HttpReply text_reply(unsigned status, std::string what, bool close = false);

}  // namespace swarmchain::rpc

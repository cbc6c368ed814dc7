// HttpRouter: what the RPC server answers to one parsed HTTP request, apart from the socket
// (rpc/http_server.h reads and writes; this decides). Checks, in order:
//   1. Host: must name this node (DNS-rebinding guard): an IP literal, "localhost", or a name
//      in `allowed_hosts` ("*" allows any). Otherwise 403.
//   2. Authorization: absent is fine (public access); present, it must be HTTP basic auth with
//      the node's cookie ("__cookie__:<hex>", compared in constant time), else 401. A matching
//      cookie gives admin access, but on a public server only to a loopback client.
//   3. Route: POST /json_rpc -> Dispatcher; GET /health; GET /metrics; GET or HEAD of / and
//      /explorer/<name> -> the static file provider (the explorer's pages, public, with the
//      headers of kStaticFileHeaders: a Content-Security-Policy that forbids inline script and
//      style, nosniff, no-cache, no-referrer); anything else 404, or 405 for a known path with
//      another method. Range, Accept-Encoding and the like are ignored: an answer is always
//      the whole body.
//
// rpc does not link the explorer: the node hands set_static() explorer::find_asset, so this
// library only knows "a path -> maybe a file" (docs/explorer.md).
//
// Thread-safety: route() is const and may run concurrently; the providers must be thread-safe.
#pragma once

#include <array>
#include <functional>
#include <optional>
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
  std::string_view content_type = "application/json";  // static storage
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
  bool close = false;                                        // close the connection after it
  bool head = false;  // the answer to HEAD: the headers of `body` (its Content-Length), no body
};

// A file served as it is (the explorer's pages): both views point at static storage.
struct StaticFile {
  std::string_view content_type;
  std::string_view body;
};
// URL path (without query) -> the file, or nullopt (404). Must be thread-safe.
using StaticFileProvider = std::function<std::optional<StaticFile>(std::string_view path)>;

// The headers sent with every static file (docs/explorer.md "HTTP routes").
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kStaticFileHeaders{{
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "connect-src 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Cache-Control", "no-cache"},
    {"Referrer-Policy", "no-referrer"},
}};

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class HttpRouter {
 public:
  // REQUIRES: dispatcher outlives the router.
  HttpRouter(HttpRouterConfig config, const Dispatcher& dispatcher)
      : config_(std::move(config)), dispatcher_(dispatcher) {}

  // REQUIRES: before the server runs.
  void set_health(std::function<nlohmann::json()> provider) { health_ = std::move(provider); }
  void set_metrics(std::function<std::string()> provider) { metrics_ = std::move(provider); }
  // Serves GET/HEAD of "/" and "/explorer/..." from `provider`; without one they are 404.
  void set_static(StaticFileProvider provider) { static_ = std::move(provider); }
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
  // "/" or "/explorer/...": the static file of `path` (nullopt when it is not one).
  std::optional<HttpReply> static_file(const HttpRequest& req, std::string_view path) const;

  const HttpRouterConfig config_;
  const Dispatcher& dispatcher_;
  std::function<nlohmann::json()> health_;
  std::function<std::string()> metrics_;
  StaticFileProvider static_;
  RpcMetrics* sink_ = nullptr;
};

// A plain-text error reply ("what\n").
HttpReply text_reply(unsigned status, std::string what, bool close = false);

}  // namespace swarmchain::rpc

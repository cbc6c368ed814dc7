// HttpServer: the HTTP/1.1 shell around a Dispatcher (design §8), on Boost.Beast with the same
// io_context model as p2p: `threads` threads run one io_context, each connection lives on its
// own strand, and no connection ever holds a thread while it waits for its client.
//
// Routes and checks (Host allow-list, cookie auth, /json_rpc, /health, /metrics, the explorer's
// static files): rpc/http_router.h.
//
// What a hostile client can take (issue 11), each bound an option below:
//   * time: one deadline for a whole request, headers and body (`request_timeout_ms`); another
//     for an idle keep-alive connection to start its next request (`idle_timeout_ms`). A client
//     that trickles bytes is cut at the deadline however it paces them (slowloris).
//   * memory: the header block is capped in bytes and in fields (431), the body by
//     `max_body_bytes`, checked against Content-Length before any of it is read (413), and
//     while reading a chunked body. Per connection, memory is bounded by these caps.
//   * connections: `limits.max_connections` overall and `limits.max_connections_per_ip`; a
//     connection over a cap is answered 503 and closed at once.
//   * requests: a per-address rate (`limits.rate_per_s`, loopback exempt by default) answered
//     429 with Retry-After; `keep_alive_max` requests per connection.
// Framing: one Content-Length (two are refused, as is Content-Length with chunked), pipelined
// requests are answered in order, a request that ends with the client's half-close is still
// answered, "Expect: 100-continue" is answered 100 before the body is read.
//
// Thread-safety: start(), stop(), port() and the set_*() calls belong to one owner thread.
// Requests are served on the io threads, which call Dispatcher::handle() and the health and
// metrics providers concurrently; those must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.h"
#include "rpc/http_limits.h"
#include "rpc/http_router.h"
#include "rpc/json_rpc.h"
#include "rpc/rpc_metrics.h"

namespace swarmchain::rpc {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // design §8: RPC is local by default
  uint16_t port = 22023;           // 0 = let the OS pick a free port (see port())
  std::size_t threads = 2;
  std::size_t max_body_bytes = std::size_t{1} << 20;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 64;
  int request_timeout_ms = 10'000;  // whole request: first byte to last body byte
  int idle_timeout_ms = 5'000;      // keep-alive: waiting for the next request's first byte
  int write_timeout_ms = 10'000;
  int keep_alive_max = 10'000;      // requests per connection before it is closed
  ClientLimitsConfig limits;
  HttpRouterConfig router;          // allowed hosts, cookie, public server
};

class HttpServer {
 public:
  // REQUIRES: dispatcher outlives this HttpServer and is fully registered.
  HttpServer(HttpServerOptions options, const Dispatcher& dispatcher);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: not running. The provider runs on io threads; an exception it throws gives 500.
  void set_health(std::function<nlohmann::json()> provider);
  void set_metrics(std::function<std::string()> provider);
  // REQUIRES: not running. GET/HEAD of / and /explorer/... (rpc/http_router.h).
  void set_static(StaticFileProvider provider);
  // REQUIRES: not running; `sink` outlives this server. Every POST /json_rpc is recorded there
  // (rpc/rpc_metrics.h), and every request refused before dispatch by its HTTP status.
  void set_request_metrics(RpcMetrics* sink);

  // Binds host:port and serves on `threads` background threads. When it returns OK the socket
  // is listening, so a client can connect at once.
  // Errors: "cannot bind RPC to 127.0.0.1:22023: address in use", invalid options, already running.
  Status start();
  // Stops accepting, closes every connection, joins every thread. Idempotent.
  void stop();

  bool running() const { return !threads_.empty(); }
  // The bound port (the chosen one when options.port was 0); 0 when not running.
  uint16_t port() const { return bound_port_; }
  // Connections open now (for tests and metrics).
  std::size_t open_connections() const { return limits_.open_connections(); }

  struct Core;  // what every connection shares (defined in http_server.cpp)

 private:
  HttpServerOptions options_;
  HttpRouter router_;
  ClientLimits limits_;
  std::unique_ptr<Core> core_;
  std::vector<std::thread> threads_;
  uint16_t bound_port_ = 0;
};

}  // namespace swarmchain::rpc

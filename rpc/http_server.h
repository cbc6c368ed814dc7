// HttpServer: the HTTP shell around a Dispatcher (design §8), built on cpp-httplib.
//
// Routes:
//   POST /json_rpc  body -> Dispatcher::handle(), 200 application/json (JSON-RPC errors are
//                   200 too: the error is in the body, as every JSON-RPC client expects).
//                   The request Content-Type is not checked (curl -d sends form-urlencoded).
//   GET  /health    200 application/json, {"status":"ok"} unless set_health() provides a body;
//                   503 when that body's "status" is not "ok" ("failed": the node stopped;
//                   "stalled": no block for a while; the body says why).
//   GET  /metrics   200 Prometheus text from set_metrics(); 404 when no provider is set.
//                   set_request_metrics() counts the /json_rpc requests (method, status,
//                   latency) for that provider to render.
// A body over max_body_bytes gets HTTP 413, whether sent with Content-Length or chunked.
//
// Resource bounds: a fixed pool of worker_threads serves connections (one connection holds one
// worker while it is open), read/write timeouts bound a slow client, and keep_alive_timeout_s
// bounds an idle keep-alive connection, so a few slow clients delay others by at most those
// timeouts. Connections beyond the pool wait in httplib's accept queue.
//
// Thread-safety: start(), stop(), port() and the set_*() calls belong to one owner thread.
// Requests are served on the pool threads, which call Dispatcher::handle() and the health and
// metrics providers concurrently; those must be thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/expected.h"
#include "rpc/json_rpc.h"
#include "rpc/rpc_metrics.h"

namespace httplib {
class Server;
}

namespace swarmchain::rpc {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // design §8: RPC is local by default
  uint16_t port = 22023;           // 0 = let the OS pick a free port (see port())
  std::size_t max_body_bytes = std::size_t{1} << 20;
  std::size_t worker_threads = 4;
  int read_timeout_s = 5;
  int write_timeout_s = 5;
  int keep_alive_max = 100;        // requests per connection before it is closed
  int keep_alive_timeout_s = 2;    // short: an idle keep-alive connection occupies a worker
};

class HttpServer {
 public:
  // REQUIRES: dispatcher outlives this HttpServer and is fully registered.
  HttpServer(HttpServerOptions options, const Dispatcher& dispatcher);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: not running. The provider runs on worker threads; an exception it throws gives
  // HTTP 500.
  void set_health(std::function<nlohmann::json()> provider);
  void set_metrics(std::function<std::string()> provider);
  // REQUIRES: not running; `sink` outlives this server. Every POST /json_rpc is recorded there
  // (rpc/rpc_metrics.h); the provider of set_metrics() renders it.
  void set_request_metrics(RpcMetrics* sink);

  // Binds host:port and serves on a background thread. When it returns OK the socket is
  // listening and the accept loop is running, so a client can connect at once.
  // Errors: "cannot bind RPC to 127.0.0.1:22023: address in use", invalid options, already running.
  Status start();
  // Stops accepting, finishes requests in progress, joins every thread. Idempotent.
  void stop();

  bool running() const { return thread_.joinable(); }
  // The bound port (the chosen one when options.port was 0); 0 when not running.
  uint16_t port() const { return bound_port_; }

 private:
  void install_routes();

  HttpServerOptions options_;
  const Dispatcher& dispatcher_;
  std::function<nlohmann::json()> health_;
  std::function<std::string()> metrics_;
  RpcMetrics* metrics_sink_ = nullptr;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  uint16_t bound_port_ = 0;
};

}  // namespace swarmchain::rpc

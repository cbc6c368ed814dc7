#include "rpc/http_server.h"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <future>
#include <mutex>
#include <system_error>
#include <utility>

#include "rpc/httplib_include.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

constexpr const char* kJsonType = "application/json";
constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";

std::string endpoint(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// httplib reports a failed bind as a bare -1/false; errno from the failing bind()/listen() is
// still set when it returns (close() and freeaddrinfo() do not touch it on success).
std::string describe_bind_errno(int err) {
  switch (err) {
    case EADDRINUSE: return "address in use";
    case EACCES: return "permission denied";
    case EADDRNOTAVAIL: return "address not available on this host";
    case 0: return "cannot resolve or bind the address";
    default: return std::error_code(err, std::generic_category()).message();
  }
}

// SO_REUSEADDR only. httplib's default also sets SO_REUSEPORT, which lets a second node bind
// the same port and silently share its traffic instead of failing with "address in use".
void bind_socket_options(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

// Fired by whichever comes first: the accept loop starting (httplib asks for its task queue
// only after it has marked itself running, so stop() is effective from then on) or the listen
// thread exiting early. start() waits for it so that stop() can never miss a starting server.
struct StartSignal {
  std::promise<void> promise;
  std::once_flag once;
  void fire() {
    std::call_once(once, [this] { promise.set_value(); });
  }
};

// Runs a handler body so that no exception reaches httplib (which would answer 500 with the
// what() text in a header).
template <typename F>
void guarded(httplib::Response& res, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    res.status = 500;
    res.set_content(std::string("internal error: ") + e.what(), "text/plain");
  } catch (...) {
    res.status = 500;
    res.set_content("internal error", "text/plain");
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, const Dispatcher& dispatcher)
    : options_(std::move(options)), dispatcher_(dispatcher) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::set_health(std::function<json()> provider) { health_ = std::move(provider); }

void HttpServer::set_metrics(std::function<std::string()> provider) {
  metrics_ = std::move(provider);
}

void HttpServer::set_request_metrics(RpcMetrics* sink) { metrics_sink_ = sink; }

Status HttpServer::start() {
  if (running()) return Status::error("RPC server already running on " + endpoint(options_.host, bound_port_));
  if (options_.worker_threads == 0 || options_.max_body_bytes == 0 || options_.keep_alive_max < 1 ||
      options_.read_timeout_s < 1 || options_.write_timeout_s < 1 ||
      options_.keep_alive_timeout_s < 1) {
    return Status::error(
        "invalid RPC server options: worker_threads, max_body_bytes, keep_alive_max and the "
        "timeouts must all be at least 1");
  }

  server_ = std::make_unique<httplib::Server>();
  httplib::Server& svr = *server_;
  svr.set_socket_options(bind_socket_options);
  svr.set_payload_max_length(options_.max_body_bytes);
  svr.set_read_timeout(options_.read_timeout_s);
  svr.set_write_timeout(options_.write_timeout_s);
  svr.set_keep_alive_max_count(static_cast<std::size_t>(options_.keep_alive_max));
  svr.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  // Without TCP_NODELAY a keep-alive client waits out Nagle + delayed ACK (~40 ms) per answer.
  svr.set_tcp_nodelay(true);
  install_routes();

  auto signal = std::make_shared<StartSignal>();
  std::future<void> started = signal->promise.get_future();
  svr.new_task_queue = [workers = options_.worker_threads, signal] {
    signal->fire();
    return new httplib::ThreadPool(workers);
  };

  errno = 0;
  int port = -1;
  if (options_.port == 0) {
    port = svr.bind_to_any_port(options_.host);
  } else if (svr.bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port <= 0) {
    int err = errno;
    server_.reset();
    return Status::error("cannot bind RPC to " + endpoint(options_.host, options_.port) + ": " +
                         describe_bind_errno(err));
  }
  bound_port_ = static_cast<uint16_t>(port);

  thread_ = std::thread([&svr, signal] {
    svr.listen_after_bind();
    signal->fire();
  });
  started.wait();
  return Status::ok();
}

void HttpServer::stop() {
  if (!thread_.joinable()) return;
  // Closes the listening socket; the accept loop exits, then httplib's ThreadPool::shutdown()
  // lets the workers finish the connections they hold and joins them.
  server_->stop();
  thread_.join();
  server_.reset();
  bound_port_ = 0;
}

void HttpServer::install_routes() {
  httplib::Server& svr = *server_;

  // A content-reader handler, not a plain one, so the body cap also holds for chunked uploads
  // (httplib 0.11 only checks payload_max_length against Content-Length) and the body is read
  // once into our own buffer.
  svr.Post("/json_rpc", [this](const httplib::Request&, httplib::Response& res,
                               const httplib::ContentReader& read_body) {
    const auto started = std::chrono::steady_clock::now();
    CallOutcome outcome;
    bool dispatched = false;
    guarded(res, [&] {
      std::string body;
      bool too_large = false;
      bool complete = read_body([&](const char* data, std::size_t len) {
        if (len > options_.max_body_bytes - body.size()) {
          too_large = true;
          return false;  // stop reading: memory stays bounded by max_body_bytes
        }
        body.append(data, len);
        return true;
      });
      if (too_large || res.status == 413) {
        res.status = 413;
        // The rest of an aborted chunked body is still on the wire; ask the client to reconnect.
        res.set_header("Connection", "close");
        return;
      }
      if (!complete) {
        res.status = 400;
        return;
      }
      res.set_content(dispatcher_.handle(body, &outcome), kJsonType);
      dispatched = true;
    });
    if (metrics_sink_ != nullptr) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (dispatched) {
        metrics_sink_->record(outcome, secs);
      } else {
        metrics_sink_->record_http(res.status == 413 || res.status == 400 ? res.status : 500,
                                   secs);
      }
    }
  });

  svr.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    guarded(res, [&] {
      json body = health_ ? health_() : json{{"status", "ok"}};
      if (body.is_object() && body.value("status", "ok") != "ok") res.status = 503;
      res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJsonType);
    });
  });

  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    guarded(res, [&] {
      if (!metrics_) {
        res.status = 404;
        return;
      }
      res.set_content(metrics_(), kPrometheusType);
    });
  });

  // httplib sends error statuses with an empty body; say what went wrong in plain words.
  svr.set_error_handler([max = options_.max_body_bytes](const httplib::Request&,
                                                        httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      res.set_content("request body exceeds " + std::to_string(max) + " bytes\n", "text/plain");
    } else if (res.status == 404) {
      res.set_content("not found\n", "text/plain");
    } else {
      res.set_content("HTTP " + std::to_string(res.status) + "\n", "text/plain");
    }
  });
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("internal error\n", "text/plain");
      });
}

}  // namespace swarmchain::rpc

#include "rpc/http_server.h"

#include "rpc/http_session.h"

#include <chrono>
#include <optional>
#include <system_error>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace swarmchain::rpc {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string endpoint_text(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string describe_bind_error(const boost::system::error_code& ec) {
  if (ec == net::error::address_in_use) return "address in use";
  if (ec == net::error::access_denied) return "permission denied";
  if (ec == boost::system::errc::address_not_available) return "address not available on this host";
  return ec.message();
}

}  // namespace

struct HttpServer::Core {
  explicit Core(int threads) : ioc(threads), acceptor(ioc), retry(ioc), sweep(ioc) {}
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry;  // after an accept error such as "too many open files"
  net::steady_timer sweep;  // drives `clock`
  SessionClock clock;
};

namespace {

// Deadlines are checked this often: a timeout fires up to this much late.
constexpr auto kSweepEvery = std::chrono::milliseconds(50);

void sweep_loop(HttpServer::Core& core) {
  core.sweep.expires_after(kSweepEvery);
  core.sweep.async_wait([&core](beast::error_code ec) {
    if (ec) return;
    core.clock.tick();
    sweep_loop(core);
  });
}

void accept_loop(HttpServer::Core& core, const HttpServerOptions& options, const HttpRouter& router,
                 ClientLimits& limits) {
  core.acceptor.async_accept(net::make_strand(core.ioc), [&core, &options, &router, &limits](
                                                              beast::error_code ec, SessionSocket socket) {
    if (!core.acceptor.is_open()) return;
    if (ec) {
      // EMFILE and the like: accepting again at once would spin; wait for sockets to close.
      core.retry.expires_after(std::chrono::milliseconds(50));
      core.retry.async_wait([&](beast::error_code) { accept_loop(core, options, router, limits); });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // no Nagle + delayed-ACK wait per answer
    auto remote = socket.remote_endpoint(ignored).address();
    std::string why;
    if (!ignored && limits.try_open(remote, why)) {
      auto session = std::make_shared<HttpSession>(std::move(socket), remote, options, router, limits, core.clock);
      core.clock.watch(session);
      session->run();
    } else if (!ignored) {
      if (RpcMetrics* sink = router.request_metrics()) sink->record_http(503, 0);
      // Best effort, never blocking: the client learns why before the close.
      const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                                 "Connection: close\r\nContent-Length: " +
                                 std::to_string(why.size() + 1) + "\r\n\r\n" + why + "\n";
      socket.non_blocking(true, ignored);
      socket.write_some(net::buffer(answer), ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
    accept_loop(core, options, router, limits);
  });
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, const Dispatcher& dispatcher)
    : options_(std::move(options)), router_(options_.router, dispatcher), limits_(options_.limits) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::set_health(std::function<nlohmann::json()> provider) {
  router_.set_health(std::move(provider));
}

void HttpServer::set_metrics(std::function<std::string()> provider) {
  router_.set_metrics(std::move(provider));
}

void HttpServer::set_static(StaticFileProvider provider) { router_.set_static(std::move(provider)); }

void HttpServer::set_request_metrics(RpcMetrics* sink) { router_.set_request_metrics(sink); }

Status HttpServer::start() {
  const std::string where = endpoint_text(options_.host, options_.port);
  if (running()) return Status::error("RPC server already running on " + where);
  if (options_.threads == 0 || options_.max_body_bytes == 0 || options_.keep_alive_max < 1 ||
      options_.request_timeout_ms < 1 || options_.idle_timeout_ms < 1 ||
      options_.write_timeout_ms < 1 || options_.max_header_bytes < 256 ||
      options_.limits.max_connections == 0 || options_.limits.max_connections_per_ip == 0) {
    return Status::error(
        "invalid RPC server options: threads, body and header limits, connection caps, "
        "keep_alive_max and the timeouts must all be positive");
  }
  auto core = std::make_unique<Core>(static_cast<int>(options_.threads));
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(options_.host, ec);
  if (ec) {
    tcp::resolver resolver(core->ioc);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty())
      return Status::error("cannot bind RPC to " + where + ": cannot resolve '" + options_.host + "'");
    address = results.begin()->endpoint().address();
  }
  const tcp::endpoint ep(address, options_.port);
  core->acceptor.open(ep.protocol(), ec);
  if (!ec) core->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) core->acceptor.bind(ep, ec);
  if (!ec) core->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::error("cannot bind RPC to " + where + ": " + describe_bind_error(ec));
  bound_port_ = core->acceptor.local_endpoint().port();
  core_ = std::move(core);
  accept_loop(*core_, options_, router_, limits_);
  sweep_loop(*core_);
  for (std::size_t i = 0; i < options_.threads; ++i)
    threads_.emplace_back([ioc = &core_->ioc] { ioc->run(); });
  return Status::ok();
}

void HttpServer::stop() {
  if (threads_.empty()) return;
  net::post(core_->ioc, [core = core_.get()] {
    beast::error_code ignored;
    core->acceptor.close(ignored);
    core->retry.cancel();
    core->sweep.cancel();
  });
  core_->ioc.stop();  // handlers running now finish; the rest are dropped with their sessions
  for (auto& t : threads_) t.join();
  threads_.clear();
  core_.reset();  // destroys every session (closing its socket) before limits_ goes
  bound_port_ = 0;
}

}  // namespace swarmchain::rpc

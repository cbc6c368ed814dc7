#include "rpc/http_server.h"

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
using Clock = std::chrono::steady_clock;

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

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One connection: reads a request (header, checks, body), answers it, and repeats while the
// connection is kept alive. Runs on its own strand; holds no thread while it waits.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, net::ip::address remote, const HttpServerOptions& options,
          const HttpRouter& router, ClientLimits& limits)
      : stream_(std::move(socket)),
        buffer_(options.max_header_bytes + kReadChunk),
        remote_(std::move(remote)),
        options_(options),
        router_(router),
        limits_(limits) {}
  ~Session() { limits_.close(remote_); }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::wait_request, shared_from_this()));
  }

 private:
  static constexpr std::size_t kReadChunk = 16 * 1024;
  static constexpr std::size_t kDrainMax = 4 * 1024 * 1024;

  // Keep-alive: the next request must start within idle_timeout_ms; its deadline starts then.
  void wait_request() {
    if (buffer_.size() > 0) return read_header();  // pipelined: already here
    stream_.expires_after(std::chrono::milliseconds(options_.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();  // idle timeout, EOF, reset
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    started_ = Clock::now();
    stream_.expires_after(std::chrono::milliseconds(options_.request_timeout_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == beast::error::timeout) return timed_out();
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      return refuse(431, "request header larger than " + std::to_string(options_.max_header_bytes) +
                             " bytes");
    if (ec == http::error::body_limit)  // Beast checks Content-Length against it with the header
      return refuse(413, "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    if (ec) return refuse(400, "bad request: " + ec.message());
    const HttpRequest& req = parser_->get();
    if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) > options_.max_header_fields)
      return refuse(431, "more than " + std::to_string(options_.max_header_fields) + " header fields");
    if (req.count(http::field::content_length) > 1)
      return refuse(400, "bad request: more than one Content-Length");
    if (!limits_.allow_request(remote_, Clock::now())) {
      HttpReply r = text_reply(429, "too many requests from " + remote_.to_string() + "; slow down");
      r.headers.emplace_back("Retry-After", "1");
      return refuse(std::move(r));
    }
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(stream_, *continue_,
                               [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                 if (wec) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_body({}, 0);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == beast::error::timeout) return timed_out();
    if (ec == http::error::body_limit)
      return refuse(413, "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    if (ec) return refuse(400, "bad request: " + ec.message());
    HttpRequest req = parser_->release();
    parser_.reset();
    HttpReply reply = router_.route(req, remote_, seconds_since(started_));
    const bool keep = !reply.close && req.keep_alive() && ++served_ < options_.keep_alive_max;
    write(std::move(reply), req.version(), keep);
  }

  void write(HttpReply reply, unsigned version, bool keep_alive) {
    response_.emplace(static_cast<http::status>(reply.status), version);
    response_->set(http::field::content_type, reply.content_type);
    for (auto& [name, value] : reply.headers) response_->set(name, value);
    response_->body() = std::move(reply.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(options_.write_timeout_ms));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->response_.reset();
                        if (ec) return self->close();
                        if (!keep_alive) return self->linger_close();
                        self->wait_request();
                      });
  }

  // A request refused before routing: its status is counted, then the answer is sent and the
  // connection closed (the rest of the request may still be on the wire).
  void refuse(unsigned status, std::string what) { refuse(text_reply(status, std::move(what))); }
  void refuse(HttpReply reply) {
    if (RpcMetrics* sink = router_.request_metrics()) sink->record_http(static_cast<int>(reply.status), seconds_since(started_));
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    parser_.reset();
    write(std::move(reply), version, false);
  }

  // The deadline passed: Beast has closed the socket, so there is no one to answer.
  void timed_out() {
    if (RpcMetrics* sink = router_.request_metrics()) sink->record_http(408, seconds_since(started_));
  }

  // After the last answer: stop sending, then read and discard what the client still sends
  // (bounded in bytes and time) so that closing does not reset the connection before the
  // client has read the answer.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(std::chrono::seconds(1));
    drain();
  }
  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainMax) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response<http::empty_body>> continue_;
  const net::ip::address remote_;
  const HttpServerOptions& options_;
  const HttpRouter& router_;
  ClientLimits& limits_;
  Clock::time_point started_ = Clock::now();
  int served_ = 0;
  std::size_t drained_ = 0;
};

}  // namespace

struct HttpServer::Core {
  explicit Core(int threads) : ioc(threads), acceptor(ioc), retry(ioc) {}
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer retry;  // after an accept error such as "too many open files"
};

namespace {

void accept_loop(HttpServer::Core& core, const HttpServerOptions& options, const HttpRouter& router,
                 ClientLimits& limits) {
  core.acceptor.async_accept(net::make_strand(core.ioc), [&core, &options, &router, &limits](
                                                              beast::error_code ec, tcp::socket socket) {
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
      std::make_shared<Session>(std::move(socket), remote, options, router, limits)->run();
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
  });
  core_->ioc.stop();  // handlers running now finish; the rest are dropped with their sessions
  for (auto& t : threads_) t.join();
  threads_.clear();
  core_.reset();  // destroys every session (closing its socket) before limits_ goes
  bound_port_ = 0;
}

}  // namespace swarmchain::rpc

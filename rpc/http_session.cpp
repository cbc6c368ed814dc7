#include "rpc/http_session.h"

#include <algorithm>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

#include "rpc/http_server.h"

namespace swarmchain::rpc {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

void SessionClock::watch(const std::shared_ptr<HttpSession>& s) {
  std::lock_guard lock(mu_);
  sessions_.push_back(s);
}

void SessionClock::tick() {
  const int64_t now = steady_ms();
  now_ms_.store(now, std::memory_order_relaxed);
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < sessions_.size();) {
      if (auto s = sessions_[i].lock()) {
        live.push_back(std::move(s));
        ++i;
      } else {
        sessions_[i] = std::move(sessions_.back());
        sessions_.pop_back();
      }
    }
  }
  for (auto& s : live) s->expire_if_late(now);  // outside the lock: a session may die here
}

HttpSession::HttpSession(SessionSocket&& socket, net::ip::address remote, const HttpServerOptions& options,
                         const HttpRouter& router, ClientLimits& limits, SessionClock& clock)
    : socket_(std::move(socket)),
      buffer_(options.max_header_bytes + kReadChunk),
      remote_(std::move(remote)),
      options_(options),
      router_(router),
      limits_(limits),
      clock_(clock) {}

HttpSession::~HttpSession() { limits_.close(remote_); }

void HttpSession::run() {
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->wait_request(); });
}

void HttpSession::arm(int timeout_ms) {
  deadline_ms_.store(clock_.now_ms() + timeout_ms, std::memory_order_relaxed);
}

void HttpSession::expire_if_late(int64_t now_ms) {
  if (deadline_ms_.load(std::memory_order_relaxed) > now_ms) return;
  net::post(socket_.get_executor(), [self = shared_from_this(), now_ms] {
    if (self->deadline_ms_.load(std::memory_order_relaxed) > now_ms) return;  // re-armed meanwhile
    self->deadline_ms_.store(kNoDeadline, std::memory_order_relaxed);
    self->expired_ = true;
    self->close();  // the pending operation completes with an error and sees expired_
  });
}

// Keep-alive: the next request must start within idle_timeout_ms; its deadline starts then.
void HttpSession::wait_request() {
  if (buffer_.size() > 0) return read_header();  // pipelined: already here
  arm(options_.idle_timeout_ms);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->buffer_.commit(n);
                            if (ec) return self->close();  // idle timeout, EOF, reset
                            self->read_header();
                          });
}

void HttpSession::read_header() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  started_ = Clock::now();
  arm(options_.request_timeout_ms);  // one deadline for the header and the body
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->on_header(ec);
                          });
}

void HttpSession::on_header(beast::error_code ec) {
  if (expired_) return timed_out();
  if (ec == http::error::end_of_stream) return close();
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return refuse(431, "request header larger than " + std::to_string(options_.max_header_bytes) + " bytes");
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
    return http::async_write(socket_, *continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
      if (self->expired_) return self->timed_out();
      if (wec) return self->close();
      self->read_body();
    });
  }
  read_body();
}

void HttpSession::read_body() {
  if (parser_->is_done()) return on_body({});
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (expired_) return timed_out();
  if (ec == http::error::body_limit)
    return refuse(413, "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
  if (ec) return refuse(400, "bad request: " + ec.message());
  HttpRequest req = parser_->release();
  parser_.reset();
  HttpReply reply = router_.route(req, remote_, seconds_since(started_));
  const bool keep = !reply.close && req.keep_alive() && ++served_ < options_.keep_alive_max;
  write(std::move(reply), req.version(), keep);
}

void HttpSession::write(HttpReply reply, unsigned version, bool keep_alive) {
  response_.emplace(static_cast<http::status>(reply.status), version);
  response_->set(http::field::content_type,
                 beast::string_view(reply.content_type.data(), reply.content_type.size()));
  for (auto& [name, value] : reply.headers) response_->set(name, value);
  response_->keep_alive(keep_alive);
  if (reply.head) {
    response_->content_length(reply.body.size());  // what GET would send; no body follows
  } else {
    response_->body() = std::move(reply.body);
    response_->prepare_payload();
  }
  arm(options_.write_timeout_ms);
  http::async_write(socket_, *response_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
    self->response_.reset();
    if (ec) return self->close();
    if (!keep_alive) return self->linger_close();
    self->wait_request();
  });
}

// A request refused before routing: its status is counted, then the answer is sent and the
// connection closed (the rest of the request may still be on the wire).
void HttpSession::refuse(unsigned status, std::string what) { refuse(text_reply(status, std::move(what))); }

void HttpSession::refuse(HttpReply reply) {
  if (RpcMetrics* sink = router_.request_metrics())
    sink->record_http(static_cast<int>(reply.status), seconds_since(started_));
  const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  parser_.reset();
  write(std::move(reply), version, false);
}

// The deadline passed and the sweeper closed the socket: there is no one left to answer.
void HttpSession::timed_out() {
  if (RpcMetrics* sink = router_.request_metrics()) sink->record_http(408, seconds_since(started_));
}

// After the last answer: stop sending, then read and discard what the client still sends
// (bounded in bytes and time) so that closing does not reset the connection before the
// client has read the answer.
void HttpSession::linger_close() {
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  arm(1000);
  drain();
}

void HttpSession::drain() {
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->drained_ += n;
    if (ec || self->drained_ > kDrainMax) return self->close();
    self->drain();
  });
}

void HttpSession::close() {
  deadline_ms_.store(kNoDeadline, std::memory_order_relaxed);
  beast::error_code ec;
  socket_.close(ec);
}

}  // namespace swarmchain::rpc

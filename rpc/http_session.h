// HttpSession: one RPC connection (internal to rpc/http_server.cpp). Reads a request (header,
// checks, body), has the router answer it, writes the answer, and repeats while the connection
// is kept alive. Runs on its own strand and holds no thread while it waits.
//
// Deadlines are coarse, kept by the server's sweeper (SessionClock) instead of an Asio timer
// per read and write: each session stores the time by which its current step must end, and the
// sweeper, every few tens of milliseconds, closes the sessions past theirs. Arming a deadline is
// then one atomic store, which is most of why this server keeps up with a bare Beast loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "rpc/http_limits.h"
#include "rpc/http_router.h"

namespace swarmchain::rpc {

struct HttpServerOptions;
class HttpSession;

using SessionStrand = boost::asio::strand<boost::asio::io_context::executor_type>;
using SessionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, SessionStrand>;

// The server's coarse clock and the sessions it watches. Thread-safety: every call from any thread.
class SessionClock {
 public:
  SessionClock() { tick(); }
  int64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }
  void watch(const std::shared_ptr<HttpSession>& s);
  // Advances the clock and closes the sessions past their deadline; forgets closed ones.
  void tick();

 private:
  std::atomic<int64_t> now_ms_{0};
  std::mutex mu_;
  std::vector<std::weak_ptr<HttpSession>> sessions_;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(SessionSocket&& socket, boost::asio::ip::address remote, const HttpServerOptions& options,
              const HttpRouter& router, ClientLimits& limits, SessionClock& clock);
  ~HttpSession();

  void run();
  // From the sweeper: closes the connection (on its strand) if its deadline has passed.
  void expire_if_late(int64_t now_ms);

 private:
  static constexpr std::size_t kReadChunk = 16 * 1024;
  static constexpr std::size_t kDrainMax = 4 * 1024 * 1024;
  static constexpr int64_t kNoDeadline = INT64_MAX;

  void arm(int timeout_ms);
  void wait_request();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void write(HttpReply reply, unsigned version, bool keep_alive);
  void refuse(unsigned status, std::string what);
  void refuse(HttpReply reply);
  void timed_out();
  void linger_close();
  void drain();
  void close();

  SessionSocket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> continue_;
  const boost::asio::ip::address remote_;
  const HttpServerOptions& options_;
  const HttpRouter& router_;
  ClientLimits& limits_;
  SessionClock& clock_;
  std::atomic<int64_t> deadline_ms_{kNoDeadline};
  bool expired_ = false;  // on the strand: the sweeper closed it
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int served_ = 0;
  std::size_t drained_ = 0;
};

}  // namespace swarmchain::rpc

// RawHttp: a test client that writes exact bytes to the RPC server and reads its answers
// as they come, for what a real HTTP client library would never send (slow headers, two
// Content-Lengths, pipelining, a half-close). Loopback only; every read has a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace swarmchain::rpc::test {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawHttp {
 public:
  // Connects to 127.0.0.1:port from `source_ip` (any 127.x.y.z address works on Linux).
  explicit RawHttp(uint16_t port, const std::string& source_ip = "127.0.0.1");
  ~RawHttp();
  RawHttp(const RawHttp&) = delete;
  RawHttp& operator=(const RawHttp&) = delete;

  bool ok() const { return fd_ >= 0; }
  // False once the server closed or reset the connection.
  bool send(const std::string& bytes);
  void shutdown_write();
  // One whole response (status line, headers, Content-Length body); nullopt on timeout/close.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the server closed the connection (EOF or reset) within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // reads more into pending_
  int fd_ = -1;
  std::string pending_;
};

// A POST /json_rpc request for `body` with a Host header.
std::string post_request(const std::string& body, const std::string& extra_headers = "");

}  // namespace swarmchain::rpc::test

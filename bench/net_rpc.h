// RpcConn: one keep-alive HTTP connection to a node's JSON-RPC endpoint, for the net benchmark.
// rpc::RpcClient opens a connection per call; a load generator sending thousands of calls per
// second would then spend more time in connect/accept than in the calls, so this keeps one
// cpp-httplib client (keep-alive; it reconnects by itself when the server closes the
// connection after keep_alive_max requests or its idle timeout).
//
// Thread-safety: none. One RpcConn per thread (a node's RPC pool serves one keep-alive
// connection per worker thread, so a bench keeps the number of RpcConns per node small).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
class Client;
}

namespace swarmchain::bench {

struct RpcReply {
  bool ok = false;
  nlohmann::json result;  // when ok
  int code = 0;           // JSON-RPC error code, or -1 for a transport / HTTP failure
  std::string message;    // when !ok: the node's message or the transport error
  std::string reason;     // error.data.reason when the node sent one (e.g. "nonce_too_high")
};

class RpcConn {
 public:
  RpcConn(std::string host, uint16_t port, int timeout_s = 10);
  ~RpcConn();
  RpcConn(const RpcConn&) = delete;
  RpcConn& operator=(const RpcConn&) = delete;

  RpcReply call(const std::string& method,
                const nlohmann::json& params = nlohmann::json::object());
  // send_raw_transaction with an already hex-encoded tx; builds the body without a json
  // object (the hot path of the load generator).
  RpcReply send_raw(const std::string& tx_hex);
  // send_raw_transactions: one reply per tx, in order; all of them the call's failure when the
  // call itself failed (transport, HTTP, bad params).
  std::vector<RpcReply> send_raw_batch(const std::vector<const std::string*>& tx_hexes);

  uint16_t port() const { return port_; }

 private:
  RpcReply post(const std::string& body);
  static RpcReply from_json(nlohmann::json reply, uint16_t port);

  std::string host_;
  uint16_t port_;
  std::unique_ptr<httplib::Client> http_;
  uint64_t next_id_ = 1;
};

}  // namespace swarmchain::bench

#include "bench/net_rpc.h"

#include <utility>

#include "rpc/httplib_include.h"

namespace swarmchain::bench {

using nlohmann::json;

RpcConn::RpcConn(std::string host, uint16_t port, int timeout_s)
    : host_(std::move(host)), port_(port), http_(std::make_unique<httplib::Client>(host_, port)) {
  http_->set_keep_alive(true);
  // httplib writes a request's headers and body separately: without TCP_NODELAY, Nagle holds
  // the body until the server's delayed ACK (40 ms on Linux), for every call.
  http_->set_tcp_nodelay(true);
  http_->set_connection_timeout(timeout_s);
  http_->set_read_timeout(timeout_s);
  http_->set_write_timeout(timeout_s);
}

RpcConn::~RpcConn() = default;

RpcReply RpcConn::call(const std::string& method, const json& params) {
  const json request = {
      {"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", params}};
  return post(request.dump());
}

RpcReply RpcConn::send_raw(const std::string& tx_hex) {
  std::string body;
  body.reserve(tx_hex.size() + 96);
  body += R"({"jsonrpc":"2.0","id":)";
  body += std::to_string(next_id_++);
  body += R"(,"method":"send_raw_transaction","params":{"tx_hex":")";
  body += tx_hex;
  body += R"("}})";
  return post(body);
}

std::vector<RpcReply> RpcConn::send_raw_batch(const std::vector<const std::string*>& tx_hexes) {
  std::string body;
  body.reserve(tx_hexes.size() * (tx_hexes.empty() ? 0 : tx_hexes[0]->size() + 3) + 96);
  body += R"({"jsonrpc":"2.0","id":)";
  body += std::to_string(next_id_++);
  body += R"(,"method":"send_raw_transactions","params":{"txs_hex":[)";
  for (std::size_t i = 0; i < tx_hexes.size(); ++i) {
    if (i > 0) body += ',';
    body += '"';
    body += *tx_hexes[i];
    body += '"';
  }
  body += R"(]}})";
  RpcReply call = post(body);
  const json* results = nullptr;
  if (call.ok && call.result.is_object()) {
    auto it = call.result.find("results");
    if (it != call.result.end() && it->is_array() && it->size() == tx_hexes.size()) results = &*it;
  }
  if (!results) {
    if (call.ok) {
      call.ok = false;
      call.code = -1;
      call.message = "send_raw_transactions answered without one result per tx";
    }
    return std::vector<RpcReply>(tx_hexes.size(), call);
  }
  std::vector<RpcReply> out;
  out.reserve(tx_hexes.size());
  for (const json& item : *results) out.push_back(from_json(item, port_));
  return out;
}

RpcReply RpcConn::post(const std::string& body) {
  RpcReply r;
  httplib::Result res = http_->Post("/json_rpc", body, "application/json");
  if (!res) {
    r.code = -1;
    r.message = "cannot reach 127.0.0.1:" + std::to_string(port_) + ": " +
                httplib::to_string(res.error());
    return r;
  }
  if (res->status != 200) {
    r.code = -1;
    r.message = "HTTP " + std::to_string(res->status) + " from port " + std::to_string(port_);
    return r;
  }
  return from_json(json::parse(res->body, nullptr, /*allow_exceptions=*/false), port_);
}

// A JSON-RPC answer, or one item of send_raw_transactions' results (the same {error} / {result}
// shape, except that an item's result is the object itself).
RpcReply RpcConn::from_json(json reply, uint16_t port) {
  RpcReply r;
  if (!reply.is_object()) {
    r.code = -1;
    r.message = "not a JSON-RPC answer from port " + std::to_string(port);
    return r;
  }
  if (auto err = reply.find("error"); err != reply.end() && err->is_object()) {
    r.code = err->value("code", -1);
    r.message = err->value("message", std::string("(no message)"));
    if (auto data = err->find("data"); data != err->end() && data->is_object())
      r.reason = data->value("reason", std::string());
    return r;
  }
  auto result = reply.find("result");
  if (result == reply.end()) {
    if (reply.contains("txid")) {  // a batch item
      r.ok = true;
      r.result = std::move(reply);
      return r;
    }
    r.code = -1;
    r.message = "JSON-RPC answer without result from port " + std::to_string(port);
    return r;
  }
  r.ok = true;
  r.result = std::move(*result);
  return r;
}

}  // namespace swarmchain::bench

// JSON-RPC 2.0 dispatcher (design §8). Pure: no sockets, no threads, no clock, no logging, so
// the whole request/response contract is unit-testable and the HTTP shell stays thin.
//
// Wire format:
//   request  {"jsonrpc":"2.0","id":<string|number|null>,"method":<string>,"params":{...}}
//   response {"jsonrpc":"2.0","id":<same id>,"result":<any>}
//         or {"jsonrpc":"2.0","id":<same id or null>,"error":{"code":int,"message":str[,"data":any]}}
//
// Decisions (deliberate deviations from, or choices within, the JSON-RPC 2.0 spec):
//   * Batch requests (a top-level array) are REJECTED with -32600 "batch requests are not
//     supported". One 1 MiB body could otherwise queue thousands of calls on one worker thread
//     (amplification), and no swarmchain client needs batching.
//   * Notifications (a request without "id") are executed and ANSWERED with "id":null.
//     HTTP needs a response anyway, and every public method is a query whose caller wants the
//     answer; silently dropping it would hide client bugs.
//   * "params" must be an object or absent (by-name only, like Oxen/Monero); an array or null is
//     -32600. Handlers always receive an object (absent -> {}).
//   * "id" must be a string, a number or null; anything else is -32600 with id null. An id that
//     is valid is echoed even in -32600 answers, so the client can match them.
//   * A handler that throws never escapes handle(): nlohmann type_error/out_of_range (the params
//     did not have the shape the handler expected) -> -32602, any other exception -> -32603.
//   * Strings in results are serialised with invalid UTF-8 replaced (U+FFFD) instead of
//     throwing, so a bad string in chain data cannot turn into a failed response.
//   * A method may answer with its result already serialised (add_raw): the dispatcher copies
//     those bytes into the envelope as they are. For large answers a method caches as text
//     (get_service_nodes), so that a request is not a tree copy plus a fresh dump.
//
// Thread-safety: add() is not synchronised; register every method before the Dispatcher is
// shared. After that, handle() is const and may run concurrently on any number of threads
// (handlers must then be thread-safe themselves).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.h"

namespace swarmchain::rpc {

// Standard JSON-RPC 2.0 codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Implementation-defined range (-32000..-32099).
// kRejected: the request was well formed but a chain rule refused it (e.g. a transaction with a
// bad nonce). Kept apart from -32602 so a wallet can tell "my call was malformed" from "the
// node refused what I asked for"; the reason goes in the message, details in data.
inline constexpr int kRejected = -32000;
// kAdminOnly: an admin method (stop, ban_peer, ...) called without admin access. The HTTP server
// grants admin access to a local client that sends the node's RPC cookie (docs/rpc.md).
inline constexpr int kAdminOnly = -32001;
// kNotFound: the request was well formed but what it names does not exist (a service node, a
// block, a transaction): one code for every method, so a client tests one number. `data` is an
// object whose "what" names the kind ("service_node", "block", "transaction") plus the key asked
// for; the message says what to do (docs/rpc.md "Errors").
inline constexpr int kNotFound = -32004;
// Client-side only (RpcClient), never sent by a server: the node could not be reached, or
// answered something that is not a JSON-RPC response.
inline constexpr int kTransportError = -32098;
inline constexpr int kBadResponse = -32097;

struct RpcError {
  int code = kInternalError;
  std::string message;
  nlohmann::json data;  // null = not sent

  // message "invalid params: <what>", code -32602.
  static RpcError invalid_params(std::string what);
  // code -32000 with the rule's reason as message (e.g. "nonce too low").
  static RpcError rejected(std::string reason, nlohmann::json data = nullptr);
  // message "internal error: <what>", code -32603.
  static RpcError internal(std::string what);
  // code -32004; `data` gets "what": `what` added (REQUIRES: data is an object or null).
  static RpcError not_found(std::string what, std::string message,
                            nlohmann::json data = nlohmann::json::object());
};

using RpcResult = Expected<nlohmann::json, RpcError>;
// A result as JSON text. REQUIRES: one complete JSON value (the handler produced it with
// nlohmann's dump, or concatenated pieces each made by dump).
using RawRpcResult = Expected<std::string, RpcError>;

// What handle() did, for metrics (rpc/rpc_metrics.h): the registered method it ran (nullptr when
// the name is not registered or the request had none) and the error code it answered (0: a
// result). `method` points at the Dispatcher's own copy of the name: valid while it lives.
// Who may call a method: anyone who reaches the RPC, or only an authenticated operator.
enum class Access { public_method, admin };

struct CallOutcome {
  const std::string* method = nullptr;
  int error_code = 0;
};

class Dispatcher {
 public:
  // params is always a JSON object. A handler reports bad input by returning an RpcError
  // (see rpc/params.h for the -32602 helpers); it should not throw, but if it does the
  // exception is turned into an error response (see the header comment).
  using Handler = std::function<RpcResult(const nlohmann::json& params)>;

  // REQUIRES: name is not registered yet (asserted), h is non-empty; called before the
  // Dispatcher is shared between threads. An alias is just a second add() with the same handler.
  void add(std::string name, Handler h, Access access = Access::public_method);
  // The same for a handler that returns its result as JSON text (see RawRpcResult).
  using RawHandler = std::function<RawRpcResult(const nlohmann::json& params)>;
  void add_raw(std::string name, RawHandler h, Access access = Access::public_method);
  bool has(std::string_view name) const;
  // Every registered name whose access is `access`, ascending.
  std::vector<std::string> method_names(Access access) const;
  // Every registered name, ascending.
  std::vector<std::string> method_names() const;

  // Parses one JSON-RPC request body and returns the serialised response. Never throws.
  // `outcome` (optional) is filled with what happened; filling it allocates nothing. A caller
  // with `caller` = public_method gets kAdminOnly for an admin method.
  std::string handle(std::string_view body, CallOutcome* outcome = nullptr,
                     Access caller = Access::public_method) const;

 private:
  struct Method {
    RawHandler handler;
    Access access;
  };
  std::string handle_parsed(const nlohmann::json& request, CallOutcome& outcome, Access caller) const;
  std::map<std::string, Method, std::less<>> methods_;  // add() wraps json handlers
};

}  // namespace swarmchain::rpc

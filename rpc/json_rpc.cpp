#include "rpc/json_rpc.h"

#include <cassert>
#include <exception>
#include <utility>

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

// Method names are echoed in -32601 messages; cap them so a 1 MiB "method" is not sent back.
constexpr std::size_t kMaxEchoedName = 100;

// error_handler_t::replace: invalid UTF-8 becomes U+FFFD instead of a type_error from dump().
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The envelope is written by hand so that "jsonrpc" and "id" come first (nlohmann sorts keys)
// and the result is not copied into another json value.
std::string result_response(const json& id, const std::string& result_text) {
  std::string out = R"({"jsonrpc":"2.0","id":)" + dump(id) + R"(,"result":)";
  out.reserve(out.size() + result_text.size() + 1);
  out += result_text;
  out += '}';
  return out;
}

std::string error_response(const json& id, const RpcError& e) {
  json err = {{"code", e.code}, {"message", e.message}};
  if (!e.data.is_null()) err["data"] = e.data;
  return R"({"jsonrpc":"2.0","id":)" + dump(id) + R"(,"error":)" + dump(err) + "}";
}

// nlohmann prefixes what() with "[json.exception.type_error.302] "; users do not need that.
std::string without_json_prefix(const char* what) {
  std::string_view s(what);
  if (!s.empty() && s.front() == '[') {
    if (auto end = s.find("] "); end != std::string_view::npos) s.remove_prefix(end + 2);
  }
  return std::string(s);
}

RpcError invalid_request(std::string what) {
  return {kInvalidRequest, "invalid request: " + std::move(what), nullptr};
}

std::string echoable(const std::string& name) {
  if (name.size() <= kMaxEchoedName) return name;
  return name.substr(0, kMaxEchoedName) + "...";
}

}  // namespace

RpcError RpcError::invalid_params(std::string what) {
  return {kInvalidParams, "invalid params: " + std::move(what), nullptr};
}

RpcError RpcError::rejected(std::string reason, nlohmann::json data) {
  return {kRejected, std::move(reason), std::move(data)};
}

RpcError RpcError::internal(std::string what) {
  return {kInternalError, "internal error: " + std::move(what), nullptr};
}

RpcError RpcError::not_found(std::string what, std::string message, nlohmann::json data) {
  if (data.is_null()) data = json::object();
  data["what"] = std::move(what);
  return {kNotFound, std::move(message), std::move(data)};
}

void Dispatcher::add(std::string name, Handler h, Access access) {
  assert(h && "a method needs a handler");
  add_raw(
      std::move(name),
      [h = std::move(h)](const json& params) -> RawRpcResult {
        RpcResult result = h(params);
        if (!result) return unexpected(result.error());
        return dump(*result);
      },
      access);
}

void Dispatcher::add_raw(std::string name, RawHandler h, Access access) {
  assert(h && "a method needs a handler");
  [[maybe_unused]] bool inserted =
      methods_.insert_or_assign(std::move(name), Method{std::move(h), access}).second;
  assert(inserted && "method registered twice");
}

std::vector<std::string> Dispatcher::method_names(Access access) const {
  std::vector<std::string> names;
  for (const auto& [name, m] : methods_)
    if (m.access == access) names.push_back(name);
  return names;
}

bool Dispatcher::has(std::string_view name) const { return methods_.find(name) != methods_.end(); }

std::vector<std::string> Dispatcher::method_names() const {
  std::vector<std::string> names;
  names.reserve(methods_.size());
  for (const auto& entry : methods_) names.push_back(entry.first);
  return names;
}

std::string Dispatcher::handle(std::string_view body, CallOutcome* outcome, Access caller) const {
  CallOutcome local;
  CallOutcome& out = outcome != nullptr ? *outcome : local;
  out = CallOutcome{};
  try {
    json request;
    // nlohmann's lexer takes a NUL byte for the end of input: "{...}\0garbage" would parse.
    if (const auto nul = body.find('\0'); nul != std::string_view::npos) {
      out.error_code = kParseError;
      return error_response(nullptr, {kParseError,
                                      "parse error: NUL byte at offset " + std::to_string(nul),
                                      nullptr});
    }
    try {
      request = json::parse(body.begin(), body.end());
    } catch (const json::exception& e) {
      // parse_error, and out_of_range for a number too large for a double ("id":1e400).
      out.error_code = kParseError;
      return error_response(nullptr, {kParseError, "parse error: " + without_json_prefix(e.what()),
                                      nullptr});
    }
    return handle_parsed(request, out, caller);
  } catch (...) {
    out.error_code = kInternalError;
    // Only reachable if building a response itself failed (allocation failure): answer with a
    // fixed body rather than let an exception leave the RPC module.
    return R"({"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}})";
  }
}

std::string Dispatcher::handle_parsed(const json& request, CallOutcome& outcome,
                                      Access caller) const {
  // Every error answer below goes through here, so the outcome names its code.
  auto fail = [&outcome](const json& id, const RpcError& e) {
    outcome.error_code = e.code;
    return error_response(id, e);
  };
  if (request.is_array()) {
    return fail(nullptr, invalid_request("batch requests are not supported"));
  }
  if (!request.is_object()) {
    return fail(nullptr, invalid_request("the request must be a JSON object"));
  }

  json id = nullptr;
  if (auto it = request.find("id"); it != request.end()) {
    if (!it->is_string() && !it->is_number() && !it->is_null()) {
      return fail(nullptr, invalid_request("'id' must be a string, a number or null"));
    }
    id = *it;
  }

  auto version = request.find("jsonrpc");
  if (version == request.end() || !version->is_string() || *version != "2.0") {
    return fail(id, invalid_request(R"('jsonrpc' must be "2.0")"));
  }
  auto method = request.find("method");
  if (method == request.end() || !method->is_string()) {
    return fail(id, invalid_request("'method' must be a string"));
  }
  const auto& name = method->get_ref<const std::string&>();
  auto handler = methods_.find(name);
  if (handler != methods_.end()) outcome.method = &handler->first;
  static const json kNoParams = json::object();
  const json* params = &kNoParams;
  if (auto it = request.find("params"); it != request.end()) {
    if (!it->is_object()) {
      return fail(id, invalid_request("'params' must be an object or absent"));
    }
    params = &*it;
  }

  if (handler == methods_.end()) {
    return fail(id, {kMethodNotFound, "method not found: '" + echoable(name) + "'", nullptr});
  }
  if (handler->second.access == Access::admin && caller != Access::admin) {
    return fail(id, {kAdminOnly,
                     "'" + name + "' is an admin method: call it from the node's own machine with "
                     "the RPC cookie (<datadir>/rpc.cookie) as HTTP basic auth",
                     nullptr});
  }

  // A handler bug must cost one request, not the node: nothing thrown gets past this point.
  RpcError failure;
  try {
    RawRpcResult result = handler->second.handler(*params);
    if (result) return result_response(id, *result);
    return fail(id, result.error());
  } catch (const json::type_error& e) {
    failure = RpcError::invalid_params(without_json_prefix(e.what()));
  } catch (const json::out_of_range& e) {
    failure = RpcError::invalid_params(without_json_prefix(e.what()));
  } catch (const std::exception& e) {
    failure = RpcError::internal(e.what());
  } catch (...) {
    failure = RpcError::internal("unknown exception");
  }
  return fail(id, failure);
}

}  // namespace swarmchain::rpc

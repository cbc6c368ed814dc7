#include "rpc/client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>
#include <utility>

#include "rpc/httplib_include.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedBody = 200;  // of a non-JSON-RPC answer, in an error message

// httplib reports only Error::Connection (its errno is gone by then), but the user wants to know
// whether nothing listens there (refused) or the host is unreachable, so we try one plain
// blocking connect ourselves and return its errno (0 if it connected after all).
int probe_connect_errno(const RpcEndpoint& ep) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &res) != 0) return EHOSTUNREACH;
  int err = ECONNREFUSED;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    err = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    ::close(fd);
    if (err == 0) break;
  }
  ::freeaddrinfo(res);
  return err;
}

std::string describe_transport(httplib::Error err, int saved_errno, const RpcClientOptions& o) {
  switch (err) {
    case httplib::Error::Connection:
      if (saved_errno == ECONNREFUSED) return "connection refused";
      if (saved_errno == EHOSTUNREACH || saved_errno == ENETUNREACH) return "host unreachable";
      return "could not connect";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out after " + std::to_string(o.connect_timeout_s) + "s";
    case httplib::Error::Read:
      return "no answer (the connection was closed or timed out after " +
             std::to_string(o.read_timeout_s) + "s)";
    case httplib::Error::Write:
      return "could not send the request";
    default:
      return httplib::to_string(err);
  }
}

RpcError transport_error(std::string message) { return {kTransportError, std::move(message), nullptr}; }
RpcError bad_response(std::string message) { return {kBadResponse, std::move(message), nullptr}; }

std::string quote_body(const std::string& body) {
  std::string out = body.substr(0, kMaxQuotedBody);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

Expected<RpcEndpoint, std::string> parse_rpc_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return unexpected("invalid RPC URL '" + std::string(url) + "': " + std::string(why));
  };
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with("https://")) return bad("https is not supported, use http://host:port");
  if (!url.starts_with(kScheme)) return bad("expected http://host:port");
  std::string_view rest = url.substr(kScheme.size());

  // The client always posts to /json_rpc, so only that path (or none) is accepted.
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    if (path != "/" && path != "/json_rpc") return bad("a path other than /json_rpc is not supported");
    rest = rest.substr(0, slash);
  }
  if (rest.find_first_of("?#@ ") != std::string_view::npos) {
    return bad("queries, fragments and user info are not supported");
  }

  std::string_view host;
  std::string_view port_text;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated '[' in the IPv6 host");
    host = rest.substr(1, close - 1);
    rest.remove_prefix(close + 1);
    if (!rest.starts_with(':')) return bad("missing :port");
    port_text = rest.substr(1);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad("missing :port");
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("an IPv6 host must be in [brackets]");
  }
  if (host.empty()) return bad("missing host");

  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return bad("the port must be a number from 1 to 65535");
  }
  return RpcEndpoint{std::string(host), static_cast<uint16_t>(port)};
}

RpcClient::RpcClient(std::string url, RpcClientOptions options)
    : url_(std::move(url)), options_(options), endpoint_(parse_rpc_url(url_)) {}

RpcResult RpcClient::call(const std::string& method, const json& params) const {
  if (!endpoint_) return unexpected(transport_error(endpoint_.error()));
  const uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};

  httplib::Client http(endpoint_->host, endpoint_->port);
  http.set_connection_timeout(options_.connect_timeout_s);
  http.set_read_timeout(options_.read_timeout_s);
  http.set_write_timeout(options_.write_timeout_s);
  if (const auto colon = options_.basic_auth.find(':'); colon != std::string::npos)
    http.set_basic_auth(options_.basic_auth.substr(0, colon).c_str(),
                        options_.basic_auth.substr(colon + 1).c_str());
  // The request goes out as two writes (headers, body): without TCP_NODELAY the body waits for
  // the server's delayed ACK of the headers, about 40 ms on every call.
  http.set_tcp_nodelay(true);

  httplib::Result res = http.Post("/json_rpc", request.dump(-1, ' ', false, json::error_handler_t::replace),
                                  "application/json");
  if (!res) {
    int saved_errno = res.error() == httplib::Error::Connection ? probe_connect_errno(*endpoint_) : 0;
    return unexpected(transport_error("cannot reach node at " + url_ + ": " +
                                      describe_transport(res.error(), saved_errno, options_)));
  }
  if (res->status != 200) {
    return unexpected(bad_response("node at " + url_ + " answered HTTP " +
                                   std::to_string(res->status) + ": " + quote_body(res->body)));
  }

  json reply = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  auto malformed = [&](std::string_view why) {
    return unexpected(bad_response("invalid JSON-RPC response from " + url_ + ": " + std::string(why)));
  };
  if (reply.is_discarded() || !reply.is_object()) return malformed("not a JSON object");

  if (auto err = reply.find("error"); err != reply.end()) {
    auto code = err->find("code");  // find() on a non-object is end()
    auto message = err->find("message");
    if (code == err->end() || !code->is_number_integer() || message == err->end() ||
        !message->is_string()) {
      return malformed("'error' needs an integer 'code' and a string 'message'");
    }
    json data = err->contains("data") ? (*err)["data"] : json(nullptr);
    return unexpected(RpcError{code->get<int>(), message->get<std::string>(), std::move(data)});
  }
  auto result = reply.find("result");
  if (result == reply.end()) return malformed("neither 'result' nor 'error'");
  // A mismatched id means a proxy or a buggy node mixed up answers; do not trust the result.
  if (auto rid = reply.find("id"); rid == reply.end() || *rid != id) {
    return malformed("the answer's id does not match the request's");
  }
  return std::move(*result);
}

}  // namespace swarmchain::rpc

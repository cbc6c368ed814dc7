#include "rpc/http_router.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>

namespace swarmchain::rpc {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "name", "name:port", "[v6]", "[v6]:port" -> the name or address without the port.
std::string_view host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return close == std::string_view::npos ? std::string_view{} : host.substr(1, close - 1);
  }
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool is_ip_literal(std::string_view name) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(name), ec);
  return !ec;
}

bool is_loopback(const boost::asio::ip::address& a) {
  if (a.is_loopback()) return true;
  return a.is_v6() && a.to_v6().is_v4_mapped() && a.to_v6().to_v4().is_loopback();
}

// "Basic <base64>" -> the decoded credentials, or nullopt when not basic auth / not base64.
std::optional<std::string> basic_credentials(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size() || !iequals(header.substr(0, kBasic.size()), kBasic))
    return std::nullopt;
  std::string_view b64 = header.substr(kBasic.size());
  std::string out(b64.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace

HttpReply text_reply(unsigned status, std::string what, bool close) {
  HttpReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(what) + "\n";
  r.close = close;
  return r;
}

bool HttpRouter::host_allowed(std::string_view host_header) const {
  const std::string_view name = host_name(host_header);
  if (name.empty()) return false;
  // An attacker's page reaches us by a name it controls, never by an IP literal.
  if (is_ip_literal(name) || iequals(name, "localhost")) return true;
  return std::any_of(config_.allowed_hosts.begin(), config_.allowed_hosts.end(),
                     [&](const std::string& h) { return h == "*" || iequals(h, name); });
}

HttpReply HttpRouter::route(const HttpRequest& req, const boost::asio::ip::address& remote,
                            double seconds_so_far) const {
  auto host = req.find(http::field::host);
  if (host == req.end()) {
    if (req.version() >= 11) return text_reply(400, "an HTTP/1.1 request needs a Host header");
  } else if (!host_allowed(sv(host->value()))) {
    return text_reply(403, "host '" + std::string(host->value()) +
                               "' is not allowed: start the node with --rpc-allow-host " +
                               std::string(host_name(sv(host->value()))) + " to serve it");
  }

  Access caller = Access::public_method;
  if (auto auth = req.find(http::field::authorization); auth != req.end()) {
    auto creds = basic_credentials(sv(auth->value()));
    const std::string& cookie = config_.cookie;
    const bool match = creds && !cookie.empty() && creds->size() == cookie.size() &&
                       sodium_memcmp(creds->data(), cookie.data(), cookie.size()) == 0;
    if (!match) {
      HttpReply r = text_reply(401, "wrong RPC credentials: use the contents of <datadir>/rpc.cookie "
                                    "as HTTP basic auth (curl -u \"$(cat <datadir>/rpc.cookie)\")");
      r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"swarmchain\"");
      return r;
    }
    if (config_.public_server && !is_loopback(remote))
      return text_reply(403, "admin access is served to local clients only");
    caller = Access::admin;
  }

  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  auto only = [&](http::verb v, const char* allow) -> std::optional<HttpReply> {
    if (req.method() == v) return std::nullopt;
    HttpReply r = text_reply(405, "use " + std::string(allow) + " for " + std::string(path));
    r.headers.emplace_back("Allow", allow);
    return r;
  };
  if (path == "/json_rpc") {
    if (auto r = only(http::verb::post, "POST")) {
      if (sink_ != nullptr) sink_->record_http(405, seconds_so_far);
      return *r;
    }
    return json_rpc(req, caller, seconds_so_far);
  }
  // Not value_or(health()): that would run the provider for a request it then refuses.
  if (path == "/health") {
    if (auto r = only(http::verb::get, "GET")) return *r;
    return health();
  }
  if (path == "/metrics") {
    if (auto r = only(http::verb::get, "GET")) return *r;
    return metrics();
  }
  if (auto r = static_file(req, path)) return std::move(*r);
  return text_reply(404, "not found: the JSON-RPC endpoint is POST /json_rpc");
}

HttpReply HttpRouter::json_rpc(const HttpRequest& req, Access caller, double seconds_so_far) const {
  const auto started = std::chrono::steady_clock::now();
  HttpReply r;
  CallOutcome outcome;
  r.body = dispatcher_.handle(req.body(), &outcome, caller);  // never throws
  if (sink_ != nullptr) {
    sink_->record(outcome, seconds_so_far + std::chrono::duration<double>(
                                                std::chrono::steady_clock::now() - started)
                                                .count());
  }
  return r;
}

std::optional<HttpReply> HttpRouter::static_file(const HttpRequest& req,
                                                 std::string_view path) const {
  constexpr std::string_view kPrefix = "/explorer/";
  if (!static_ || (path != "/" && path.substr(0, kPrefix.size()) != kPrefix)) return std::nullopt;
  std::optional<StaticFile> file;
  try {
    file = static_(path);
  } catch (const std::exception& e) {
    return text_reply(500, std::string("internal error: ") + e.what());
  }
  if (!file) return text_reply(404, "not found: no explorer file " + std::string(path));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    HttpReply r = text_reply(405, "use GET or HEAD for " + std::string(path));
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  HttpReply r;
  r.content_type = file->content_type;
  r.body.assign(file->body);
  r.head = req.method() == http::verb::head;
  for (const auto& [name, value] : kStaticFileHeaders) r.headers.emplace_back(name, value);
  return r;
}

HttpReply HttpRouter::health() const {
  try {
    json body = health_ ? health_() : json{{"status", "ok"}};
    HttpReply r;
    if (body.is_object() && body.value("status", "ok") != "ok") r.status = 503;
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
  } catch (const std::exception& e) {
    return text_reply(500, std::string("internal error: ") + e.what());
  }
}

HttpReply HttpRouter::metrics() const {
  if (!metrics_) return text_reply(404, "metrics are not served by this server");
  try {
    HttpReply r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_();
    return r;
  } catch (const std::exception& e) {
    return text_reply(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace swarmchain::rpc

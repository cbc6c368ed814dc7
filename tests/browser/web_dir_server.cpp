#include "tests/browser/web_dir_server.h"

#include <map>
#include <stdexcept>

#include "rpc/httplib_include.h"
#include "tests/node/process.h"

namespace swarmchain::test {

namespace {

// The headers docs/explorer.md puts on every explorer file.
void set_explorer_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                 "connect-src 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Referrer-Policy", "no-referrer");
}

std::string content_type(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> kTypes{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace

WebDirServer::WebDirServer(std::filesystem::path dir, uint16_t node_port)
    : dir_(std::move(dir)), node_port_(node_port), server_(std::make_unique<httplib::Server>()) {}

WebDirServer::~WebDirServer() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

void WebDirServer::start() {
  auto serve = [](const std::filesystem::path& file, httplib::Response& res) {
    if (!std::filesystem::is_regular_file(file)) {
      res.status = 404;
      res.set_content("not found", "text/plain; charset=utf-8");
      return;
    }
    set_explorer_headers(res);
    res.set_content(read_text(file), content_type(file));
  };
  server_->Get("/", [this, serve](const httplib::Request&, httplib::Response& res) {
    serve(dir_ / "index.html", res);
  });
  server_->Get(R"(/explorer/([A-Za-z0-9_.-]+))",
               [this, serve](const httplib::Request& req, httplib::Response& res) {
                 serve(dir_ / req.matches[1].str(), res);
               });
  server_->Post("/json_rpc", [this](const httplib::Request& req, httplib::Response& res) {
    httplib::Client node("127.0.0.1", node_port_);
    node.set_read_timeout(30, 0);
    httplib::Result r = node.Post("/json_rpc", req.body, "application/json");
    if (!r) {
      res.status = 502;
      res.set_content("node unreachable: " + httplib::to_string(r.error()), "text/plain");
      return;
    }
    res.status = r->status;
    res.set_content(r->body, r->get_header_value("Content-Type"));
  });
  port_ = free_port();
  if (port_ == 0 || !server_->bind_to_port("127.0.0.1", port_))
    throw std::runtime_error("cannot bind the page server to 127.0.0.1:" + std::to_string(port_));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

}  // namespace swarmchain::test

// For developing the explorer's pages without rebuilding swarmchaind: serves a directory of
// page files the way the node serves its embedded ones (docs/explorer.md: index.html at "/",
// every file at /explorer/<name>, the same security headers, so a CSP violation shows) and
// forwards POST /json_rpc to a node. browser_explorer_test uses it when
// SWARMCHAIN_EXPLORER_WEB_DIR names such a directory (e.g. explorer/web); otherwise the tests
// look at the pages swarmchaind itself serves.
//
// Thread-safety: start() and the destructor on one thread; requests are served on the
// server's own threads, which only read the directory and call the node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace swarmchain::test {

class WebDirServer {
 public:
  WebDirServer(std::filesystem::path dir, uint16_t node_port);
  ~WebDirServer();  // stops the server
  WebDirServer(const WebDirServer&) = delete;
  WebDirServer& operator=(const WebDirServer&) = delete;

  // Binds 127.0.0.1 on a free port and serves from a thread. Throws std::runtime_error.
  void start();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::filesystem::path dir_;
  uint16_t node_port_;
  uint16_t port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace swarmchain::test

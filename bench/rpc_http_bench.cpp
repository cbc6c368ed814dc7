// RPC server throughput against what Boost.Beast can serve at all on this machine (issue 11):
// wrk (Debian's package) with 32 keep-alive connections asks
//   node:    a real `swarmchaind --dev` (temp datadir, its default RPC settings) for get_swarm,
//   minimal: a minimal Beast server in this process (one io_context on as many threads as the
//            node's RPC, one strand per connection, no limits, no routing) that answers any
//            request with a fixed body of the same size as the node's get_swarm answer.
// They are measured alternately, `--rounds` times each, in the same run; the ratio is of the
// medians. Goal: node / minimal >= 0.8.
//
// Usage: build/bin/rpc_http_bench [--seconds S] [--rounds R] [--connections C]
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <CLI/CLI.hpp>

#include "rpc/client.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

const char* kGetSwarm =
    R"({"jsonrpc":"2.0","id":1,"method":"get_swarm","params":{"pubkey":"05)"
    R"(00000000000000000000000000000000000000000000000000000000000000aa"}})";

// The baseline: Beast's http_server_async example reduced to its loop.
class MinimalSession : public std::enable_shared_from_this<MinimalSession> {
 public:
  MinimalSession(tcp::socket&& s, const std::string& body) : stream_(std::move(s)), body_(body) {}
  void run() { net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); }); }

 private:
  void read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->res_ = {http::status::ok, self->req_.version()};
      self->res_.set(http::field::content_type, "application/json");
      self->res_.body() = self->body_;
      self->res_.keep_alive(self->req_.keep_alive());
      self->res_.prepare_payload();
      http::async_write(self->stream_, self->res_, [self](beast::error_code wec, std::size_t) {
        if (!wec) self->read();
      });
    });
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  const std::string& body_;
};

class MinimalServer {
 public:
  MinimalServer(std::string body, int threads) : body_(std::move(body)), ioc_(threads), acceptor_(ioc_) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    accept();
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~MinimalServer() {
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true));
        std::make_shared<MinimalSession>(std::move(s), body_)->run();
      }
      accept();
    });
  }
  std::string body_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
};

struct WrkResult {
  double per_s = 0;
  double requests = 0;
};

// CPU seconds (user + system) of a process, from /proc/<pid>/stat.
double process_cpu_s(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  std::array<char, 2048> buf{};
  const std::size_t n = std::fread(buf.data(), 1, buf.size() - 1, f);
  std::fclose(f);
  std::string text(buf.data(), n);
  std::size_t pos = text.rfind(')');
  for (int field = 2; field < 14 && pos != std::string::npos; ++field) pos = text.find(' ', pos + 1);
  if (pos == std::string::npos) return 0;
  unsigned long utime = 0, stime = 0;
  std::sscanf(text.c_str() + pos, " %lu %lu", &utime, &stime);
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Requests/s as wrk reports it, or nullopt (and wrk's output printed) if it failed or saw errors.
std::optional<WrkResult> run_wrk(uint16_t port, const std::string& script, int connections, int seconds) {
  const std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) +
                          "s -s " + script + " http://127.0.0.1:" + std::to_string(port) + "/json_rpc 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  if (::pclose(p) != 0 || out.find("Non-2xx") != std::string::npos ||
      out.find("Socket errors") != std::string::npos) {
    std::fprintf(stderr, "wrk failed or saw errors:\n%s", out.c_str());
    return std::nullopt;
  }
  const auto at = out.find("Requests/sec:");
  const auto total = out.find(" requests in ");
  if (at == std::string::npos || total == std::string::npos) return std::nullopt;
  const auto line = out.rfind('\n', total);
  return WrkResult{std::stod(out.substr(at + 13)), std::stod(out.substr(line + 1, total - line - 1))};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5, rounds = 3, connections = 32;
  CLI::App app{"RPC server throughput: the node's get_swarm vs a minimal Beast server (issue 11)"};
  app.add_option("--seconds", seconds, "wrk duration of each measurement")->capture_default_str();
  app.add_option("--rounds", rounds, "measurements of each server (alternating)")->capture_default_str();
  app.add_option("--connections", connections, "wrk keep-alive connections")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) {
    std::fprintf(stderr, "error: wrk is not installed (apt-get install wrk; scripts/deps.sh does)\n");
    return 1;
  }

  const auto dir = std::filesystem::temp_directory_path() / ("swarmchain-rpc-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const uint16_t node_port = static_cast<uint16_t>(24000 + ::getpid() % 2000);
  const pid_t node = ::fork();
  if (node == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const std::string bind = "127.0.0.1:" + std::to_string(node_port);
    const std::string log = (dir / "node.log").string();
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    ::execl(SWARMCHAIN_BIN_DIR "/swarmchaind", "swarmchaind", "--dev", "--datadir",
            (dir / "data").c_str(), "--rpc-bind", bind.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  auto finish = [&](int code) {
    ::kill(node, SIGTERM);
    ::waitpid(node, nullptr, 0);
    std::filesystem::remove_all(dir);
    return code;
  };

  // The node's answer, once it serves: its size sets the minimal server's body.
  swarmchain::rpc::RpcClient client("http://127.0.0.1:" + std::to_string(node_port));
  std::optional<std::string> answer;
  for (int i = 0; i < 100 && !answer; ++i) {
    auto r = client.call("get_swarm", {{"pubkey", "05" + std::string(62, '0') + "aa"}});
    if (r) {
      answer = nlohmann::json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", *r}}.dump();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!answer) {
    std::fprintf(stderr, "error: the node did not answer get_swarm (log: %s)\n", (dir / "node.log").c_str());
    return finish(1);
  }
  const std::string script = (dir / "get_swarm.lua").string();
  if (FILE* f = std::fopen(script.c_str(), "w")) {
    std::fprintf(f, "wrk.method = \"POST\"\nwrk.body = '%s'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", kGetSwarm);
    std::fclose(f);
  }
  MinimalServer minimal(std::string(answer->size(), ' '), 2);  // the node's default --rpc-threads
  std::printf("get_swarm answer: %zu bytes; wrk -t2 -c%d, %d s x %d rounds each\n", answer->size(), connections,
              seconds, rounds);

  // Besides the rates, each server's CPU time per request: steadier than a rate when something
  // else shares the machine.
  std::vector<double> node_rates, minimal_rates, node_us, minimal_us;
  for (int r = 0; r < rounds; ++r) {
    const double node_cpu0 = process_cpu_s(node);
    auto n = run_wrk(node_port, script, connections, seconds);
    const double node_cpu1 = process_cpu_s(node), self0 = process_cpu_s(::getpid());
    auto m = run_wrk(minimal.port(), script, connections, seconds);
    const double self1 = process_cpu_s(::getpid());
    if (!n || !m) return finish(1);
    node_rates.push_back(n->per_s);
    minimal_rates.push_back(m->per_s);
    node_us.push_back((node_cpu1 - node_cpu0) * 1e6 / n->requests);
    minimal_us.push_back((self1 - self0) * 1e6 / m->requests);
    std::printf("round %d: node %.0f req/s (%.1f us CPU/req), minimal Beast %.0f req/s (%.1f us CPU/req)\n",
                r + 1, n->per_s, node_us.back(), m->per_s, minimal_us.back());
    std::fflush(stdout);
  }
  const double ratio = median(node_rates) / median(minimal_rates);
  std::printf("ratio node get_swarm / minimal Beast server: %.3f (median %.0f / %.0f req/s; goal >= 0.8)\n",
              ratio, median(node_rates), median(minimal_rates));
  std::printf("CPU per request: node %.1f us, minimal %.1f us (minimal / node = %.3f)\n", median(node_us),
              median(minimal_us), median(minimal_us) / median(node_us));
  return finish(0);
}

#include "tests/browser/explorer_devnet.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace swarmchain::test {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kDevAccounts = 2;  // with the dev wallet: three accounts register side by side

// The JSON object a `--json` command printed last (stdout and stderr are interleaved).
json last_json_line(const std::string& out) {
  std::istringstream in(out);
  std::string line;
  json found;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) found = std::move(j);
  }
  return found;
}

std::string first_line_starting(const std::string& out, const std::string& prefix) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

}  // namespace

void ExplorerDevnet::start(const std::filesystem::path& dir, int extra_nodes) {
  dir_ = dir;
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "pw") << "dev\n";
  const uint16_t port = port_ = free_port();
  if (port == 0) throw std::runtime_error("no free loopback port for the node");
  url_ = "http://127.0.0.1:" + std::to_string(port);
  node_ = std::make_unique<Process>(
      std::vector<std::string>{bin_path("swarmchaind"), "--dev", "--datadir",
                               (dir_ / "data").string(), "--dev-accounts",
                               std::to_string(kDevAccounts), "--rpc-bind",
                               "127.0.0.1:" + std::to_string(port), "--log-level", "info"},
      dir_ / "node.log");
  if (!wait_until([&] { return rpc().call("get_info").has_value(); }, 60s))
    throw std::runtime_error("swarmchaind --dev did not answer get_info within 60 s; log:\n" +
                             log_tail());
  register_nodes(extra_nodes);
  const std::size_t want = static_cast<std::size_t>(extra_nodes) + 1;
  std::size_t active = 0;
  const bool all_active = wait_until(
      [&] {
        auto r = rpc().call("get_service_nodes", {{"active_only", true}});
        active = r ? (*r)["service_node_states"].size() : 0;
        return active == want;
      },
      60s);
  if (!all_active)
    throw std::runtime_error(std::to_string(active) + " of " + std::to_string(want) +
                             " service nodes active after 60 s; node log:\n" + log_tail());
}

void ExplorerDevnet::register_nodes(int count) {
  std::vector<std::string> keystores{(dir_ / "data" / "dev-wallet.json").string()};
  for (int i = 1; i <= kDevAccounts; ++i)
    keystores.push_back(
        (dir_ / "data" / "dev-accounts" / ("account-" + std::to_string(i) + ".json")).string());
  auto wallet = [&](const std::string& keystore, std::vector<std::string> args) {
    std::vector<std::string> argv{bin_path("swarmchain-wallet"), "--keystore", keystore,
                                  "--node", url_, "--password-file", (dir_ / "pw").string(),
                                  "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };

  // Compiled before the threads (compiling a std::regex writes a shared locale cache).
  const std::regex public_key("public key: ([0-9a-f]{64})");
  std::mutex mu;
  std::string failure;
  auto fail = [&](const std::string& what) {
    std::lock_guard lock(mu);
    if (failure.empty()) failure = what;
  };
  // One thread per account: an account's wallet runs stay in order (nonces).
  std::vector<std::thread> threads;
  for (std::size_t a = 0; a < keystores.size(); ++a)
    threads.emplace_back([&, a] {
      RunResult addr = wallet(keystores[a], {"address"});
      const json j = last_json_line(addr.out);
      if (addr.exit_code != 0 || !j.contains("address"))
        return fail("wallet address (" + keystores[a] + "): " + addr.out);
      const std::string address = j["address"].get<std::string>();
      for (int i = static_cast<int>(a); i < count; i += static_cast<int>(keystores.size())) {
        const auto datadir = dir_ / ("sn-" + std::to_string(i));
        RunResult k = run({bin_path("swarmchaind"), "keygen", "--datadir", datadir.string()});
        std::smatch m;
        if (k.exit_code != 0 || !std::regex_search(k.out, m, public_key))
          return fail("keygen " + std::to_string(i) + ": " + k.out);
        RunResult p = run({bin_path("swarmchaind"), "prepare-registration", "--datadir",
                           datadir.string(), "--node", url_, "--operator", address});
        const std::string reg = first_line_starting(p.out, "swreg1");
        if (p.exit_code != 0 || reg.empty())
          return fail("prepare-registration " + std::to_string(i) + ": " + p.out);
        RunResult r = wallet(keystores[a], {"sn", "register", reg});
        if (r.exit_code != 0 || !last_json_line(r.out).contains("txid"))
          return fail("sn register " + std::to_string(i) + ": " + r.out);
      }
    });
  for (std::thread& t : threads) t.join();
  if (!failure.empty()) throw std::runtime_error(failure);
}

void ExplorerDevnet::stop() {
  if (!node_) return;
  node_->signal(SIGTERM);
  node_->wait(10s);  // SIGKILLs it if it is still running then
  node_.reset();
}

json ExplorerDevnet::call(const std::string& method, const json& params) const {
  auto r = rpc().call(method, params);
  if (!r) throw std::runtime_error(method + " " + params.dump() + ": " + r.error().message);
  return *r;
}

std::string ExplorerDevnet::log_tail() const {
  const std::string log = read_text(dir_ / "node.log");
  return log.size() > 3000 ? "..." + log.substr(log.size() - 3000) : log;
}

}  // namespace swarmchain::test

#include "tests/net/local_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace swarmchain::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

LocalNet::LocalNet(std::size_t nodes, const std::string& name) {
  dir_ = make_temp_dir(name);
  std::ofstream(dir_ / "dev-pw") << "dev\n";
  // RPC ports base..base+n-1, p2p ports base+n..base+2n-1 (10 spare for joiners).
  const std::size_t span = 2 * (nodes + 5);
  const uint16_t base = free_port_range(span);
  const uint16_t rpc_base = base, p2p_base = static_cast<uint16_t>(base + nodes + 5);
  const std::vector<std::string> common = {
      bin_path("swarmchaind"), "testnet", "--nodes", std::to_string(nodes), "--dir",
      (dir_ / "net").string(), "--rpc-base-port", std::to_string(rpc_base), "--p2p-base-port",
      std::to_string(p2p_base)};
  RunResult made = run(common);
  if (made.exit_code != 0) {
    ADD_FAILURE() << "swarmchaind testnet failed: " << made.out;
    return;
  }
  fs::rename(dir_ / "net" / "dev-wallet.json", dir_ / "dev-wallet.json");
  for (std::size_t i = 0; i < nodes; ++i) {
    auto with_print = common;
    with_print.push_back("--print-args");
    with_print.push_back(std::to_string(i));
    RunResult args = run(with_print);
    Node n;
    n.datadir = dir_ / "net" / ("node" + std::to_string(i));
    n.args = lines(args.out);
    n.args.insert(n.args.begin(), bin_path("swarmchaind"));
    n.rpc_port = static_cast<uint16_t>(rpc_base + i);
    n.p2p_port = static_cast<uint16_t>(p2p_base + i);
    nodes_.push_back(std::move(n));
  }
}

LocalNet::~LocalNet() {
  for (auto& n : nodes_) n.proc.reset();  // SIGKILL what still runs
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

void LocalNet::start(std::size_t i, const std::vector<std::string>& extra) {
  Node& n = nodes_.at(i);
  n.proc.reset();
  auto argv = n.args;
  argv.insert(argv.end(), extra.begin(), extra.end());
  ++n.starts;
  n.proc = std::make_unique<Process>(argv, n.datadir / ("node-" + std::to_string(n.starts) + ".log"));
}

void LocalNet::start_all() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
}

void LocalNet::stop(std::size_t i) {
  Node& n = nodes_.at(i);
  if (!n.proc) return;
  n.proc->signal(SIGTERM);
  EXPECT_EQ(n.proc->wait(30s), 0) << "node " << i << " did not stop cleanly; log:\n" << log(i);
}

void LocalNet::kill(std::size_t i) {
  Node& n = nodes_.at(i);
  if (!n.proc) return;
  n.proc->signal(SIGKILL);
  n.proc->wait(10s);
}

bool LocalNet::running(std::size_t i) {
  return nodes_.at(i).proc && nodes_.at(i).proc->running();
}

std::size_t LocalNet::add_joiner(std::size_t seed, const fs::path& genesis_dir) {
  const std::size_t i = nodes_.size();
  Node n;
  n.datadir = dir_ / ("joiner" + std::to_string(i));
  RunResult kg = run({bin_path("swarmchaind"), "keygen", "--datadir", n.datadir.string()});
  EXPECT_EQ(kg.exit_code, 0) << kg.out;
  const fs::path genesis = (genesis_dir.empty() ? dir_ / "net" : genesis_dir) / "genesis.json";
  n.rpc_port = free_port();
  n.p2p_port = free_port();
  n.args = {bin_path("swarmchaind"), "--datadir", n.datadir.string(), "--genesis",
            genesis.string(), "--rpc-bind", "127.0.0.1:" + std::to_string(n.rpc_port),
            "--p2p-bind", "127.0.0.1:" + std::to_string(n.p2p_port), "--public-ip", "127.0.0.1",
            "--peer", p2p_address(seed)};
  nodes_.push_back(std::move(n));
  return i;
}

std::string LocalNet::rpc_url(std::size_t i) const {
  return "http://127.0.0.1:" + std::to_string(nodes_.at(i).rpc_port);
}
std::string LocalNet::p2p_address(std::size_t i) const {
  return "127.0.0.1:" + std::to_string(nodes_.at(i).p2p_port);
}
rpc::RpcClient LocalNet::rpc(std::size_t i) const {
  rpc::RpcClientOptions o;
  o.connect_timeout_s = 2;
  o.read_timeout_s = 10;
  return rpc::RpcClient(rpc_url(i), o);
}

std::optional<json> LocalNet::info(std::size_t i) const {
  auto r = rpc(i).call("get_info");
  if (!r) return std::nullopt;
  return *r;
}

uint64_t LocalNet::height(std::size_t i) const {
  auto r = rpc(i).call("get_height");
  return r ? (*r)["height"].get<uint64_t>() : 0;
}

std::optional<std::string> LocalNet::hash_at(std::size_t i, uint64_t h) const {
  auto r = rpc(i).call("get_block", json{{"height", h}});
  if (!r) return std::nullopt;
  return (*r)["header"]["hash"].get<std::string>();
}

std::string LocalNet::log(std::size_t i) const {
  const Node& n = nodes_.at(i);
  std::string out;
  for (int s = 1; s <= n.starts; ++s)
    out += "--- start " + std::to_string(s) + " ---\n" +
           read_text(n.datadir / ("node-" + std::to_string(s) + ".log"));
  return out;
}

std::string LocalNet::pubkey(std::size_t i) const {
  auto lines_of = lines(read_text(nodes_.at(i).datadir / "pubkey"));
  return lines_of.empty() ? "" : lines_of[0];
}

bool LocalNet::wait_height(std::size_t i, uint64_t h, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return height(i) >= h; }, timeout);
}

::testing::AssertionResult LocalNet::same_chain(std::size_t a, std::size_t b,
                                                uint64_t up_to) const {
  for (uint64_t h = 1; h <= up_to; ++h) {
    auto ha = hash_at(a, h), hb = hash_at(b, h);
    if (!ha || !hb)
      return ::testing::AssertionFailure() << "height " << h << " missing on node "
                                           << (ha ? b : a);
    if (*ha != *hb)
      return ::testing::AssertionFailure()
             << "fork at height " << h << ": node " << a << " has " << *ha << ", node " << b
             << " has " << *hb;
  }
  return ::testing::AssertionSuccess();
}

RunResult LocalNet::wallet(std::size_t i, const std::vector<std::string>& args) const {
  std::vector<std::string> argv{bin_path("swarmchain-wallet"), "--keystore",
                                wallet_path().string(), "--node", rpc_url(i),
                                "--password-file", password_file().string(), "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

}  // namespace swarmchain::test

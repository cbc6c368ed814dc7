#include "bench/net_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

// Why this file does not use the test helpers it resembles (tests/node/process.h's Process, run
// and read_text; tests/net/local_net.h's free_port_range):
//  - Process forks without PR_SET_PDEATHSIG and without its own process group, so its
//    children would outlive a SIGKILLed benchmark, and a Ctrl-C in the terminal would reach
//    them directly instead of through the benchmark's orderly stop (see net_cluster.h); it also
//    does not report a log file it cannot open. ChildProcess exists for exactly that.
//  - free_port_range lives in test_local_net, which links GTest::gtest (and its object calls
//    ADD_FAILURE), and it returns 0 instead of failing.
//  - Both libraries exist only with SWARMCHAIN_BUILD_TESTS=ON; net_bench builds without tests.
// Sharing them needs a non-test home for Process (with a die-with-parent option) and the port
// search; tests/ is outside the benchmarks' clean-up.
namespace swarmchain::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted.store(true); }

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool port_free(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

uint16_t free_port_range(std::size_t count) {
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto base = static_cast<uint16_t>(20000 + rng() % 35000);
    bool ok = true;
    for (std::size_t i = 0; i < count && ok; ++i) ok = port_free(static_cast<uint16_t>(base + i));
    if (ok) return base;
  }
  throw BenchError("no free range of " + std::to_string(count) + " loopback ports");
}

std::vector<std::string> nonempty_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

bool interrupted() { return g_interrupted.load(std::memory_order_relaxed); }

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

void check_interrupted() {
  if (interrupted()) throw BenchError("interrupted");
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& log) {
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw BenchError("cannot open " + log.string());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the benchmark, whatever kills it; Ctrl-C in a terminal reaches only the
    // benchmark's process group.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    setpgid(0, 0);
    const int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out);
  if (pid_ < 0) throw BenchError("fork failed");
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

bool ChildProcess::running() {
  if (reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  return decode_status(status_);
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (reaped_) return decode_status(status_);
  kill(pid_, SIGTERM);
  return wait(grace);
}

RunOutput run_to_end(const std::vector<std::string>& argv, const fs::path& scratch,
                     std::chrono::milliseconds timeout) {
  const fs::path log = scratch / ("run-" + std::to_string(getpid()) + ".out");
  fs::remove(log);
  RunOutput r;
  {
    ChildProcess p(argv, log);
    r.exit_code = p.wait(timeout);
  }
  r.out = read_file(log);
  fs::remove(log);
  return r;
}

NetCluster::NetCluster(fs::path bin_dir, fs::path work_dir, std::size_t nodes)
    : bin_dir_(std::move(bin_dir)), work_dir_(std::move(work_dir)), validators_(nodes) {
  if (!fs::exists(bin_dir_ / "swarmchaind"))
    throw BenchError("no swarmchaind in " + bin_dir_.string() + " (build it first)");
  const uint16_t base = free_port_range(2 * nodes);
  const uint16_t rpc_base = base, p2p_base = static_cast<uint16_t>(base + nodes);
  const std::vector<std::string> common = {
      swarmchaind(), "testnet", "--nodes", std::to_string(nodes), "--dir",
      (work_dir_ / "net").string(), "--rpc-base-port", std::to_string(rpc_base),
      "--p2p-base-port", std::to_string(p2p_base)};
  RunOutput made = run_to_end(common, work_dir_, 60s);
  if (made.exit_code != 0) throw BenchError("swarmchaind testnet failed:\n" + made.out);
  for (std::size_t i = 0; i < nodes; ++i) {
    auto with_print = common;
    with_print.push_back("--print-args");
    with_print.push_back(std::to_string(i));
    RunOutput args = run_to_end(with_print, work_dir_, 60s);
    if (args.exit_code != 0) throw BenchError("swarmchaind testnet --print-args failed:\n" + args.out);
    Node n;
    n.datadir = work_dir_ / "net" / ("node" + std::to_string(i));
    n.log = n.datadir / "node.log";
    n.args = nonempty_lines(args.out);
    n.args.insert(n.args.begin(), swarmchaind());
    n.rpc_port = static_cast<uint16_t>(rpc_base + i);
    n.p2p_port = static_cast<uint16_t>(p2p_base + i);
    nodes_.push_back(std::move(n));
  }
}

NetCluster::~NetCluster() { stop_all(10s); }

void NetCluster::start(std::size_t i, const std::vector<std::string>& extra) {
  Node& n = nodes_.at(i);
  n.proc.reset();
  auto argv = n.args;
  argv.insert(argv.end(), extra.begin(), extra.end());
  n.proc = std::make_unique<ChildProcess>(argv, n.log);
}

void NetCluster::start_all(const std::vector<std::string>& extra) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) start(i, extra);
}

std::size_t NetCluster::add_joiner(std::size_t seed) {
  const std::size_t i = nodes_.size();
  Node n;
  n.datadir = work_dir_ / ("joiner" + std::to_string(i));
  RunOutput kg = run_to_end({swarmchaind(), "keygen", "--datadir", n.datadir.string()},
                            work_dir_, 60s);
  if (kg.exit_code != 0) throw BenchError("swarmchaind keygen failed:\n" + kg.out);
  const uint16_t base = free_port_range(2);
  n.rpc_port = base;
  n.p2p_port = static_cast<uint16_t>(base + 1);
  n.log = n.datadir / "node.log";
  n.args = {swarmchaind(), "--datadir", n.datadir.string(), "--genesis",
            (work_dir_ / "net" / "genesis.json").string(), "--rpc-bind",
            "127.0.0.1:" + std::to_string(n.rpc_port), "--p2p-bind",
            "127.0.0.1:" + std::to_string(n.p2p_port), "--public-ip", "127.0.0.1", "--peer",
            "127.0.0.1:" + std::to_string(nodes_.at(seed).p2p_port)};
  nodes_.push_back(std::move(n));
  return i;
}

bool NetCluster::running(std::size_t i) {
  return nodes_.at(i).proc && nodes_.at(i).proc->running();
}

pid_t NetCluster::pid(std::size_t i) const {
  return nodes_.at(i).proc ? nodes_.at(i).proc->pid() : -1;
}

void NetCluster::stop_all(std::chrono::milliseconds grace) {
  // SIGTERM to all first, so they shut down in parallel, then wait for each.
  for (auto& n : nodes_)
    if (n.proc && n.proc->running()) kill(n.proc->pid(), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& n : nodes_) {
    if (!n.proc) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    n.proc->wait(std::max(left, std::chrono::milliseconds(1)));
    n.proc.reset();
  }
}

}  // namespace swarmchain::bench

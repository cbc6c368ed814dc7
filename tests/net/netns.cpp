#include "tests/net/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "tests/node/process.h"

namespace swarmchain::test {

namespace {

constexpr const char* kPrefix = "scpt";
std::atomic<int> g_instances{0};

// iproute2's ip, by full path: Process and run() exec without a PATH search.
std::string ip_binary() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
    if (access(p, X_OK) == 0) return p;
  return "/usr/sbin/ip";
}

RunResult run_ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ip_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, std::chrono::seconds(20));
}

}  // namespace

NsNet::NsNet(std::size_t nodes) : nodes_(nodes) {
  tag_ = std::string(kPrefix) + std::to_string(getpid()) + "x" + std::to_string(g_instances++) + "-";
  if (geteuid() != 0) {
    error_ = "network namespaces need root (running as uid " + std::to_string(geteuid()) + ")";
    return;
  }
  remove_stale();
  if (access(ip_binary().c_str(), X_OK) != 0) {
    error_ = "iproute2's ip is not installed";
    return;
  }
  const RunResult probe = run_ip({"netns", "add", bridge_ns()});
  if (probe.exit_code != 0) {
    error_ = "`ip netns add` is not permitted here: " + probe.out;
    return;
  }
  made_.push_back(bridge_ns());
  const std::string br = bridge_ns();
  bool ok = ip_cmd({"-n", br, "link", "add", "br0", "type", "bridge"}) &&
            ip_cmd({"-n", br, "addr", "add", "10.77.0.254/24", "dev", "br0"}) &&
            ip_cmd({"-n", br, "link", "set", "br0", "up"}) &&
            ip_cmd({"-n", br, "link", "set", "lo", "up"});
  for (std::size_t i = 0; ok && i < nodes; ++i) {
    const std::string n = ns(i), v = "v" + std::to_string(i);
    ok = ip_cmd({"netns", "add", n});
    if (!ok) break;
    made_.push_back(n);
    ok = ip_cmd({"-n", br, "link", "add", v, "type", "veth", "peer", "name", "eth0", "netns", n}) &&
         ip_cmd({"-n", br, "link", "set", v, "master", "br0"}) &&
         ip_cmd({"-n", br, "link", "set", v, "up"}) &&
         ip_cmd({"-n", n, "addr", "add", ip(i) + "/24", "dev", "eth0"}) &&
         ip_cmd({"-n", n, "link", "set", "eth0", "up"}) &&
         ip_cmd({"-n", n, "link", "set", "lo", "up"});
  }
}

NsNet::~NsNet() {
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) run_ip({"netns", "del", *it});
}

std::vector<std::string> NsNet::exec_in(std::size_t i) const {
  return {ip_binary(), "netns", "exec", ns(i)};
}

bool NsNet::ip_cmd(const std::vector<std::string>& args) {
  const RunResult r = run_ip(args);
  if (r.exit_code == 0) return true;
  std::ostringstream what;
  what << "ip";
  for (const auto& a : args) what << " " << a;
  what << " failed (" << r.exit_code << "): " << r.out;
  if (!error_) error_ = what.str();
  return false;
}

// Namespaces of an earlier run whose process is gone (killed before its destructor ran).
void NsNet::remove_stale() const {
  const RunResult list = run_ip({"netns", "list"});
  std::istringstream in(list.out);
  for (std::string line; std::getline(in, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind(kPrefix, 0) != 0) continue;
    const std::string digits = name.substr(std::strlen(kPrefix), name.find('x') - std::strlen(kPrefix));
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (kill(pid, 0) != 0 && errno == ESRCH) run_ip({"netns", "del", name});
  }
}

bool NsNet::cut(std::size_t a, std::size_t b) {
  if (!cuts_.insert({std::min(a, b), std::max(a, b)}).second) return true;
  return ip_cmd({"-n", ns(a), "route", "add", "blackhole", ip(b) + "/32"}) &&
         ip_cmd({"-n", ns(b), "route", "add", "blackhole", ip(a) + "/32"});
}

bool NsNet::heal(std::size_t a, std::size_t b) {
  if (cuts_.erase({std::min(a, b), std::max(a, b)}) == 0) return true;
  return ip_cmd({"-n", ns(a), "route", "del", "blackhole", ip(b) + "/32"}) &&
         ip_cmd({"-n", ns(b), "route", "del", "blackhole", ip(a) + "/32"});
}

bool NsNet::heal_all() {
  bool ok = true;
  const auto cuts = cuts_;
  for (const auto& [a, b] : cuts) ok = heal(a, b) && ok;
  return ok;
}

NsNet::Enter::Enter(const NsNet& net) {
  home_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const std::string path = "/run/netns/" + net.bridge_ns();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ok_ = home_ >= 0 && fd >= 0 && setns(fd, CLONE_NEWNET) == 0;
  if (fd >= 0) close(fd);
}

NsNet::Enter::~Enter() {
  if (home_ < 0) return;
  if (ok_) setns(home_, CLONE_NEWNET);
  close(home_);
}

}  // namespace swarmchain::test

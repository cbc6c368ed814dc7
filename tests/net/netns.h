// NsNet: a private IPv4 network of Linux network namespaces for one test (the partition tests).
// A bridge namespace "<tag>br" holds bridge br0 at 10.77.0.254/24; node i gets namespace
// "<tag>n<i>" with eth0 at 10.77.0.<i+1>/24, a veth to br0. The addresses exist only inside
// these namespaces, so runs do not collide; <tag> is "scpt<pid>x<k>-". The test thread joins
// the bridge namespace (Enter) to reach every node's RPC. cut(a, b) adds blackhole routes both
// ways between two nodes (packets to the other vanish, as across a broken link; the test at
// .254 still reaches both); heal(a, b) removes them. Everything is deleted on destruction, and
// namespaces left by a run that was killed (its pid gone) are deleted at the next construction.
//
// Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2: unavailable() says why not.
// Thread-safety: one test thread.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace swarmchain::test {

class NsNet {
 public:
  explicit NsNet(std::size_t nodes);
  ~NsNet();
  NsNet(const NsNet&) = delete;
  NsNet& operator=(const NsNet&) = delete;

  // Why the namespaces could not be made (nullopt: they were).
  const std::optional<std::string>& unavailable() const { return error_; }
  std::size_t size() const { return nodes_; }
  std::string ns(std::size_t i) const { return tag_ + "n" + std::to_string(i); }
  std::string bridge_ns() const { return tag_ + "br"; }
  static std::string ip(std::size_t i) { return "10.77.0." + std::to_string(i + 1); }
  // The argv prefix that runs a command in node i's namespace ("ip netns exec <ns>").
  std::vector<std::string> exec_in(std::size_t i) const;

  // Cut / restore the link between nodes a and b, both directions. false (and a test failure
  // message in `error`) if ip refused.
  bool cut(std::size_t a, std::size_t b);
  bool heal(std::size_t a, std::size_t b);
  bool heal_all();

  // While alive, the calling thread is in the bridge namespace (sockets it opens reach the
  // nodes); the thread's namespace is restored on destruction.
  class Enter {
   public:
    explicit Enter(const NsNet& net);
    ~Enter();
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;
    bool ok() const { return ok_; }

   private:
    int home_ = -1;
    bool ok_ = false;
  };

 private:
  bool ip_cmd(const std::vector<std::string>& args);
  void remove_stale() const;
  std::size_t nodes_;
  std::string tag_;
  std::vector<std::string> made_;  // namespaces created, deleted in reverse
  std::set<std::pair<std::size_t, std::size_t>> cuts_;
  std::optional<std::string> error_;
};

}  // namespace swarmchain::test

// The processes of the net benchmark: a 4-validator testnet written by `swarmchaind testnet`
// and started as child processes on loopback, plus fresh nodes that join later, and the
// interrupt flag that every wait of the benchmark watches.
//
// Cleanup. Every child gets PR_SET_PDEATHSIG(SIGKILL) and its own process group: it dies with
// the benchmark even if the benchmark is SIGKILLed, and a Ctrl-C reaches only the benchmark,
// which then stops the children itself (SIGTERM, SIGKILL after a deadline) in ~NetCluster and
// removes the work directory (unless asked to keep it).
//
// Thread-safety: NetCluster and ChildProcess belong to the main thread. interrupted() may be
// read from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace swarmchain::bench {

// Set by SIGINT/SIGTERM (install_interrupt_handlers()); every bounded wait checks it.
bool interrupted();
void install_interrupt_handlers();

// Thrown when a step of the benchmark fails; main prints it, then cleanup runs.
struct BenchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Throws BenchError("interrupted") when interrupted().
void check_interrupted();

class ChildProcess {
 public:
  // stdout and stderr go to `log` (appended); stdin is /dev/null.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~ChildProcess();  // SIGKILL + reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code (128+signal if killed).
  int stop(std::chrono::milliseconds grace);
  // Waits for exit up to `timeout` (SIGKILL after it); returns the exit code or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// Runs argv to completion (killed after `timeout`) and returns its exit code and output.
struct RunOutput {
  int exit_code = -1;
  std::string out;
};
RunOutput run_to_end(const std::vector<std::string>& argv, const std::filesystem::path& scratch,
                     std::chrono::milliseconds timeout);

std::string read_file(const std::filesystem::path& p);

class NetCluster {
 public:
  // Writes a `nodes`-validator testnet under `work_dir` (which must exist) with the
  // swarmchaind in `bin_dir`, on free loopback ports. Throws BenchError.
  NetCluster(std::filesystem::path bin_dir, std::filesystem::path work_dir, std::size_t nodes);
  ~NetCluster();  // stops every node (SIGTERM, then SIGKILL)
  NetCluster(const NetCluster&) = delete;
  NetCluster& operator=(const NetCluster&) = delete;

  std::size_t size() const { return nodes_.size(); }
  std::size_t validators() const { return validators_; }
  std::filesystem::path wallet_path() const { return work_dir_ / "net" / "dev-wallet.json"; }

  void start(std::size_t i, const std::vector<std::string>& extra = {});
  void start_all(const std::vector<std::string>& extra = {});
  // A fresh node with its own key (`swarmchaind keygen`), the testnet's genesis, --peer to
  // node `seed`, p2p and RPC on free loopback ports. Returns its index; start() starts it.
  std::size_t add_joiner(std::size_t seed);
  bool running(std::size_t i);
  void stop_all(std::chrono::milliseconds grace);

  uint16_t rpc_port(std::size_t i) const { return nodes_.at(i).rpc_port; }
  std::filesystem::path log_path(std::size_t i) const { return nodes_.at(i).log; }
  pid_t pid(std::size_t i) const;

 private:
  struct Node {
    std::filesystem::path datadir;
    std::filesystem::path log;
    std::vector<std::string> args;  // argv without extras
    uint16_t rpc_port = 0;
    uint16_t p2p_port = 0;
    std::unique_ptr<ChildProcess> proc;
  };
  std::string swarmchaind() const { return (bin_dir_ / "swarmchaind").string(); }

  std::filesystem::path bin_dir_;
  std::filesystem::path work_dir_;
  std::size_t validators_ = 0;
  std::vector<Node> nodes_;
};

}  // namespace swarmchain::bench

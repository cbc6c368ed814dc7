// Test helpers that run the real binaries: spawn with output to a file, run to completion,
// signal, wait with a deadline, and pick a free loopback port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace swarmchain::test {

std::string bin_path(const std::string& name);  // SWARMCHAIN_BIN_DIR/name

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr, interleaved
};

// Runs argv to completion (killed after `timeout`), stdin from /dev/null.
RunResult run(const std::vector<std::string>& argv,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A background process whose stdout+stderr go to `log`. Killed (SIGKILL) on destruction if
// still running.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  pid_t pid() const { return pid_; }
  void signal(int sig);
  // Waits for exit; returns the exit code, 128+signal if killed, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// Free loopback ports outside the ephemeral range: one, or `count` consecutive ones (0 if none).
uint16_t free_port();
uint16_t free_port_range(std::size_t count);
std::filesystem::path make_temp_dir(const std::string& prefix);
std::string read_text(const std::filesystem::path& p);

// Polls `pred` every 50 ms until it returns true or `timeout` passes.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

}  // namespace swarmchain::test

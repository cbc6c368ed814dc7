// A small W3C WebDriver client for browser tests: it starts chromedriver on a free loopback
// port, opens one headless Chromium session, and drives it over HTTP (cpp-httplib).
//
//   WebDriver wd(temp_dir);              // chromedriver + a fresh Chromium profile
//   wd.navigate("http://127.0.0.1:1234/#/");
//   ASSERT_TRUE(wd.wait_until("document.body.dataset.ready == '1'", 10s));
//   std::string h = wd.text(wd.find("#ov-height"));
//   for (const LogEntry& e : console_errors(wd.take_browser_log())) ADD_FAILURE() << e;
//
// Decisions:
//   - Errors are exceptions (WebDriverError), test code only: gtest reports an escaped one as
//     the test's failure with its message, which names the command and carries the driver's
//     own error and message ("POST /element: no such element: Unable to locate ...").
//   - The browser console comes from chromedriver's log endpoint (POST /session/{id}/se/log,
//     {"type": "browser"}; GET is an unknown command in chromedriver 156), enabled by
//     goog:loggingPrefs {browser: ALL}. It holds console.* calls (source "console-api"),
//     uncaught exceptions and CSP refusals ("javascript", "security") and every failed
//     resource load or fetch (source "network", "Failed to load resource: ... 404"). Reading
//     it drains it, so each read returns what happened since the previous one.
//   - Process lifetime: chromedriver runs under a keeper process in a process group of its own
//     (the keeper, chromedriver and the Chromium it starts). The keeper holds the read end of
//     a pipe whose write end only this object holds; when it reads EOF — destruction, or the
//     test process dying in any way, even SIGKILL by a ctest timeout — it kills the whole
//     group. Killing chromedriver alone would leave Chromium running (it does not watch its
//     parent).
//
// Thread-safety: none; one test thread drives one WebDriver.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace swarmchain::test {

class WebDriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why browser tests cannot run here ("chromedriver not found at /usr/bin/chromedriver"), or
// "" when both binaries are installed. SWARMCHAIN_CHROMIUM and SWARMCHAIN_CHROMEDRIVER
// override the default paths (/usr/bin/chromium, /usr/bin/chromedriver).
std::string browser_unavailable_reason();

// One entry of the browser's console log, as chromedriver reports it.
struct LogEntry {
  std::string level;    // "SEVERE", "WARNING", "INFO", "DEBUG"
  std::string source;   // "console-api", "javascript", "network", "security", ...
  std::string message;
};
std::ostream& operator<<(std::ostream& os, const LogEntry& e);

// SEVERE entries that are not failed requests: console.error, uncaught exceptions, unhandled
// rejections, CSP violations.
std::vector<LogEntry> console_errors(const std::vector<LogEntry>& log);
// Failed resource loads and fetches (HTTP status >= 400 or a network failure).
std::vector<LogEntry> failed_requests(const std::vector<LogEntry>& log);

// A WebDriver element reference.
struct Element {
  std::string id;
};

struct WebDriverOptions {
  int window_width = 1280;
  int window_height = 900;
  std::chrono::milliseconds start_timeout{20'000};  // chromedriver up and the session opened
  std::chrono::milliseconds page_load_timeout{20'000};
  std::chrono::milliseconds script_timeout{20'000};  // execute_async's callback
};

class WebDriver {
 public:
  // Starts chromedriver and opens the session; `work_dir` gets chromedriver.log and the
  // Chromium profile. REQUIRES: browser_unavailable_reason() == "". Throws WebDriverError
  // (with chromedriver's log tail) when either fails.
  explicit WebDriver(std::filesystem::path work_dir, WebDriverOptions options = {});
  ~WebDriver();  // quit()
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  // Ends the session (Chromium exits) and stops chromedriver's process group. Idempotent.
  void quit();

  // Loads `url` and waits for its load event.
  void navigate(const std::string& url);
  std::string current_url();
  std::string title();

  // Runs `script` as a function body (`return x;` gives the result); `args` are its
  // arguments. Elements in args/results are WebDriver element references.
  nlohmann::json execute(const std::string& script, const nlohmann::json& args = nlohmann::json::array());
  // The same, but the result is what the script passes to its last argument, a callback.
  nlohmann::json execute_async(const std::string& script,
                               const nlohmann::json& args = nlohmann::json::array());

  // Polls the JavaScript expression `condition` every 50 ms until it is truthy; false if it
  // is still falsy after `timeout`. A script error is not swallowed: it throws.
  bool wait_until(const std::string& condition, std::chrono::milliseconds timeout);

  std::vector<Element> find_all(const std::string& css);
  Element find(const std::string& css);  // throws "no such element" when none matches
  std::string text(const Element& e);    // rendered text (innerText)
  std::optional<std::string> attribute(const Element& e, const std::string& name);
  void click(const Element& e);
  void clear(const Element& e);
  void send_keys(const Element& e, const std::string& keys);

  // Writes a PNG of the viewport to `png` (parent directories are created).
  void screenshot(const std::filesystem::path& png);

  // Browser console entries since the previous call (the log is drained).
  std::vector<LogEntry> take_browser_log();

  pid_t driver_group() const { return group_; }  // the keeper's process group
  pid_t browser_pid() const { return browser_pid_; }  // Chromium's browser process
  const std::filesystem::path& driver_log() const { return driver_log_; }

 private:
  nlohmann::json command(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr);
  nlohmann::json session_command(const std::string& method, const std::string& path,
                                 const nlohmann::json& body = nullptr);
  void start_driver(const std::string& driver_bin);
  void stop_driver();
  std::string log_tail() const;

  std::filesystem::path work_dir_;
  WebDriverOptions options_;
  std::filesystem::path driver_log_;
  uint16_t port_ = 0;
  pid_t keeper_ = -1;  // also the process group's id
  pid_t group_ = -1;
  int keeper_pipe_ = -1;  // write end; closing it tells the keeper to kill the group
  pid_t browser_pid_ = -1;
  std::string session_;
};

// The element as a script argument (execute's args).
nlohmann::json as_arg(const Element& e);

// True while `pid` exists and is not a zombie.
bool process_alive(pid_t pid);
// True while some process of the group `group` exists and is not a zombie.
bool process_group_alive(pid_t group);

// True if `path` starts with the 8 bytes of the PNG signature.
bool is_png_file(const std::filesystem::path& path);

}  // namespace swarmchain::test

#include "tests/browser/webdriver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "rpc/httplib_include.h"
#include "tests/node/process.h"

namespace swarmchain::test {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The W3C name of an element reference's key.
constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::string chromium_path() { return env_or("SWARMCHAIN_CHROMIUM", "/usr/bin/chromium"); }
std::string chromedriver_path() { return env_or("SWARMCHAIN_CHROMEDRIVER", "/usr/bin/chromedriver"); }

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// The keeper (see the header): runs in the child, after fork, so async-signal-safe calls only.
[[noreturn]] void run_keeper(int read_fd, int log_fd, int null_fd, char* const* argv) {
  // Without a group of its own, kill(0, ...) below would hit the test process's group.
  if (setpgid(0, 0) != 0 || getpgrp() != getpid()) _exit(126);
  const pid_t driver = fork();
  if (driver == 0) {
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    close_range(3, ~0U, 0);  // no test socket or file leaks into chromedriver and Chromium
    execv(argv[0], argv);
    _exit(127);
  }
  if (read_fd > 3) close_range(3, static_cast<unsigned>(read_fd) - 1, 0);
  close_range(static_cast<unsigned>(read_fd) + 1, ~0U, 0);
  char c;
  for (;;) {
    const ssize_t n = read(read_fd, &c, 1);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    break;  // EOF: the owner is done or dead
  }
  signal(SIGTERM, SIG_IGN);  // only the keeper: set after chromedriver's exec
  kill(0, SIGTERM);
  for (int i = 0; i < 20 && driver > 0; ++i) {
    int status = 0;
    if (waitpid(driver, &status, WNOHANG) == driver) break;
    sleep_ms(50);
  }
  kill(0, SIGKILL);  // whatever is left of the group, the keeper included
  _exit(0);
}

std::string strip(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string browser_unavailable_reason() {
  for (const std::string& p : {chromium_path(), chromedriver_path()})
    if (access(p.c_str(), X_OK) != 0) return p + " is not installed (or not executable)";
  return "";
}

std::ostream& operator<<(std::ostream& os, const LogEntry& e) {
  return os << "[" << e.level << " " << e.source << "] " << e.message;
}

std::vector<LogEntry> console_errors(const std::vector<LogEntry>& log) {
  std::vector<LogEntry> out;
  for (const LogEntry& e : log)
    if (e.level == "SEVERE" && e.source != "network") out.push_back(e);
  return out;
}

std::vector<LogEntry> failed_requests(const std::vector<LogEntry>& log) {
  std::vector<LogEntry> out;
  for (const LogEntry& e : log)
    if (e.source == "network") out.push_back(e);
  return out;
}

bool process_alive(pid_t pid) {
  // read_text, not istreambuf_iterator: GCC 12's -Wnull-dereference trips inside the latter.
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces or parens).
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

bool process_group_alive(pid_t group) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const std::string stat = read_text(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (!(rest >> state >> ppid >> pgrp)) continue;
    if (pgrp == group && state != 'Z' && state != 'X') return true;
  }
  return false;
}

bool is_png_file(const std::filesystem::path& path) {
  static const unsigned char kMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  if (!in.read(head, sizeof head)) return false;
  return std::equal(std::begin(head), std::end(head), std::begin(kMagic),
                    [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; });
}

// ---- the driver process ------------------------------------------------------------------

WebDriver::WebDriver(std::filesystem::path work_dir, WebDriverOptions options)
    : work_dir_(std::move(work_dir)), options_(options) {
  const std::string missing = browser_unavailable_reason();
  if (!missing.empty()) throw WebDriverError("cannot start a browser: " + missing);
  std::filesystem::create_directories(work_dir_);
  driver_log_ = work_dir_ / "chromedriver.log";
  start_driver(chromedriver_path());

  const json args = json::array({"--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--no-first-run",
                                 "--window-size=" + std::to_string(options_.window_width) + "," +
                                     std::to_string(options_.window_height),
                                 "--user-data-dir=" + (work_dir_ / "profile").string()});
  const json caps = {
      {"browserName", "chrome"},
      {"goog:chromeOptions", {{"binary", chromium_path()}, {"args", args}}},
      {"goog:loggingPrefs", {{"browser", "ALL"}}},
      {"timeouts",
       {{"pageLoad", options_.page_load_timeout.count()},
        {"script", options_.script_timeout.count()},
        {"implicit", 0}}}};
  json reply;
  try {
    reply = command("POST", "/session", {{"capabilities", {{"alwaysMatch", caps}}}});
  } catch (const WebDriverError& e) {
    stop_driver();
    throw WebDriverError(std::string(e.what()) + "\nchromedriver log:\n" + log_tail());
  }
  session_ = reply.value("sessionId", "");
  browser_pid_ = reply["capabilities"].value("goog:processID", -1);
  if (session_.empty()) {
    stop_driver();
    throw WebDriverError("POST /session: no sessionId in " + reply.dump());
  }
}

WebDriver::~WebDriver() { quit(); }

void WebDriver::start_driver(const std::string& driver_bin) {
  port_ = free_port();
  if (port_ == 0) throw WebDriverError("no free loopback port for chromedriver");
  // Everything the child needs is prepared before fork(): after it, only async-signal-safe
  // calls (the test process has other threads).
  std::vector<std::string> argv_s{driver_bin, "--port=" + std::to_string(port_),
                                  "--allowed-ips=127.0.0.1"};
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = open(driver_log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int fds[2];
  if (log_fd < 0 || null_fd < 0 || pipe2(fds, O_CLOEXEC) != 0) {
    if (log_fd >= 0) close(log_fd);
    if (null_fd >= 0) close(null_fd);
    throw WebDriverError("cannot open " + driver_log_.string() + " or a pipe");
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[1]);
    run_keeper(fds[0], log_fd, null_fd, argv.data());
  }
  close(fds[0]);
  close(log_fd);
  close(null_fd);
  if (pid < 0) {
    close(fds[1]);
    throw WebDriverError("fork failed");
  }
  keeper_ = pid;
  group_ = pid;
  setpgid(pid, pid);  // also done by the child; whichever runs first wins, same result
  keeper_pipe_ = fds[1];

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  for (;;) {
    try {
      if (command("GET", "/status").value("ready", false)) return;
    } catch (const WebDriverError&) {
      // not listening yet
    }
    int status = 0;
    if (waitpid(keeper_, &status, WNOHANG) == keeper_ || std::chrono::steady_clock::now() > deadline) {
      const std::string log = log_tail();
      stop_driver();
      throw WebDriverError("chromedriver did not become ready on 127.0.0.1:" +
                           std::to_string(port_) + "; its log:\n" + log);
    }
    std::this_thread::sleep_for(50ms);
  }
}

void WebDriver::stop_driver() {
  if (keeper_pipe_ >= 0) {
    close(keeper_pipe_);
    keeper_pipe_ = -1;
  }
  if (keeper_ > 0) {
    int status = 0;
    // The keeper ends within ~1 s (SIGTERM, then SIGKILL of its group); bounded anyway.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (waitpid(keeper_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(-group_, SIGKILL);
        waitpid(keeper_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    keeper_ = -1;
  }
}

void WebDriver::quit() {
  if (!session_.empty()) {
    try {
      command("DELETE", "/session/" + session_);
    } catch (const WebDriverError&) {
      // the group is killed below either way
    }
    session_.clear();
  }
  stop_driver();
}

std::string WebDriver::log_tail() const {
  const std::string log = read_text(driver_log_);
  return log.size() > 4000 ? "..." + log.substr(log.size() - 4000) : log;
}

// ---- the protocol --------------------------------------------------------------------------

json WebDriver::command(const std::string& method, const std::string& path, const json& body) {
  httplib::Client cli("127.0.0.1", port_);
  cli.set_connection_timeout(5, 0);
  // Longer than any timeout we give the driver, so that its own error arrives first.
  const auto read_s = std::max(options_.page_load_timeout, options_.script_timeout) / 1s + 30;
  cli.set_read_timeout(static_cast<time_t>(read_s), 0);
  const std::string payload = body.is_null() ? "{}" : body.dump();
  httplib::Result res = method == "GET"      ? cli.Get(path.c_str())
                        : method == "DELETE" ? cli.Delete(path.c_str())
                                             : cli.Post(path.c_str(), payload, "application/json");
  const std::string what = method + " " + path;
  if (!res) throw WebDriverError(what + ": " + httplib::to_string(res.error()));
  json reply = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object() || !reply.contains("value"))
    throw WebDriverError(what + ": HTTP " + std::to_string(res->status) + ", not a WebDriver reply: " +
                         res->body.substr(0, 500));
  json value = std::move(reply["value"]);
  if (res->status != 200 || (value.is_object() && value.contains("error"))) {
    std::string error = value.is_object() ? value.value("error", "") : "";
    std::string message = value.is_object() ? value.value("message", "") : res->body;
    throw WebDriverError(what + ": " + error + ": " + strip(message));
  }
  return value;
}

json WebDriver::session_command(const std::string& method, const std::string& path,
                                const json& body) {
  if (session_.empty()) throw WebDriverError(method + " " + path + ": no session (quit)");
  return command(method, "/session/" + session_ + path, body);
}

void WebDriver::navigate(const std::string& url) { session_command("POST", "/url", {{"url", url}}); }

std::string WebDriver::current_url() { return session_command("GET", "/url").get<std::string>(); }

std::string WebDriver::title() { return session_command("GET", "/title").get<std::string>(); }

json WebDriver::execute(const std::string& script, const json& args) {
  return session_command("POST", "/execute/sync", {{"script", script}, {"args", args}});
}

json WebDriver::execute_async(const std::string& script, const json& args) {
  return session_command("POST", "/execute/async", {{"script", script}, {"args", args}});
}

bool WebDriver::wait_until(const std::string& condition, std::chrono::milliseconds timeout) {
  const std::string script = "return !!(" + condition + ");";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (execute(script).get<bool>()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

std::vector<Element> WebDriver::find_all(const std::string& css) {
  json found = session_command("POST", "/elements", {{"using", "css selector"}, {"value", css}});
  std::vector<Element> out;
  for (const json& e : found) out.push_back({e.at(kElementKey).get<std::string>()});
  return out;
}

Element WebDriver::find(const std::string& css) {
  json e = session_command("POST", "/element", {{"using", "css selector"}, {"value", css}});
  return {e.at(kElementKey).get<std::string>()};
}

std::string WebDriver::text(const Element& e) {
  return session_command("GET", "/element/" + e.id + "/text").get<std::string>();
}

std::optional<std::string> WebDriver::attribute(const Element& e, const std::string& name) {
  json v = session_command("GET", "/element/" + e.id + "/attribute/" + name);
  if (v.is_null()) return std::nullopt;
  return v.is_string() ? v.get<std::string>() : v.dump();
}

json as_arg(const Element& e) { return {{kElementKey, e.id}}; }

void WebDriver::click(const Element& e) { session_command("POST", "/element/" + e.id + "/click"); }

void WebDriver::clear(const Element& e) { session_command("POST", "/element/" + e.id + "/clear"); }

void WebDriver::send_keys(const Element& e, const std::string& keys) {
  session_command("POST", "/element/" + e.id + "/value", {{"text", keys}});
}

void WebDriver::screenshot(const std::filesystem::path& png) {
  const std::string b64 = session_command("GET", "/screenshot").get<std::string>();
  std::string bytes(b64.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw WebDriverError("GET /screenshot: the reply is not base64");
  bytes.resize(len);
  if (png.has_parent_path()) std::filesystem::create_directories(png.parent_path());
  std::ofstream out(png, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw WebDriverError("cannot write " + png.string());
}

std::vector<LogEntry> WebDriver::take_browser_log() {
  json entries = session_command("POST", "/se/log", {{"type", "browser"}});
  std::vector<LogEntry> out;
  for (const json& e : entries)
    out.push_back({e.value("level", ""), e.value("source", ""), e.value("message", "")});
  return out;
}

}  // namespace swarmchain::test

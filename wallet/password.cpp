#include "wallet/password.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <exception>
#include <utility>

#include "common/crypto.h"
#include "common/file_util.h"

namespace swarmchain {

namespace {

void wipe(std::string& s) {
  if (!s.empty()) secure_wipe(s.data(), s.size());
  s.clear();
}

// Wipes a string holding a secret on every return path, unless released.
class StringWiper {
 public:
  explicit StringWiper(std::string& s) : s_(&s) {}
  ~StringWiper() {
    if (s_) wipe(*s_);
  }
  StringWiper(const StringWiper&) = delete;
  StringWiper& operator=(const StringWiper&) = delete;
  void release() { s_ = nullptr; }

 private:
  std::string* s_;
};

Expected<std::string> read_password_file_impl(const std::filesystem::path& path) {
  const std::string name = "password file " + path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return fail(PasswordError::kNotFound, name + " does not exist");
    return fail(PasswordError::kIo, "cannot open " + name + ": " + errno_text(err));
  }
  std::string text;
  StringWiper wiper(text);
  // Room for the longest password plus "\r\n" and one byte more to notice excess. Appends
  // never exceed the capacity, so no reallocation leaves a copy of the password behind.
  text.reserve(kMaxPasswordBytes + 3);
  std::array<char, 512> buf{};
  bool too_long = false;
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    std::size_t room = text.capacity() - text.size();
    text.append(buf.data(), std::min(room, static_cast<std::size_t>(n)));
    if (static_cast<std::size_t>(n) > room || text.size() > kMaxPasswordBytes + 2) {
      too_long = true;
      break;
    }
  }
  secure_wipe(buf.data(), buf.size());
  ::close(fd);
  if (err != 0) return fail(PasswordError::kIo, "cannot read " + name + ": " + errno_text(err));
  if (text.ends_with("\r\n"))
    text.resize(text.size() - 2);
  else if (text.ends_with('\n'))
    text.resize(text.size() - 1);
  if (too_long || text.size() > kMaxPasswordBytes)
    return fail(PasswordError::kTooLong, name + " is longer than " +
                                             std::to_string(kMaxPasswordBytes) +
                                             " bytes; is it the right file?");
  if (text.empty()) return fail(PasswordError::kEmpty, name + " is empty");
  wiper.release();
  return text;
}

// --- terminal -----------------------------------------------------------------------------

// The signal that interrupted a prompt, or 0. Written only by on_signal.
volatile std::sig_atomic_t g_caught_signal = 0;

extern "C" void on_signal(int sig) { g_caught_signal = sig; }

constexpr std::array<int, 5> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

// While alive: echo is off on `fd`, and the signals above are caught (without SA_RESTART, so a
// blocked read() returns EINTR). The destructor restores the terminal first, then the old
// handlers, then re-raises a caught signal so that it has its usual effect.
class EchoOffGuard {
 public:
  EchoOffGuard(int fd, const termios& saved) : fd_(fd), saved_(saved) {
    g_caught_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &sa, &old_[i]);
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
    // TCSAFLUSH drops anything typed before the prompt appeared (it was echoed).
    ok_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOffGuard() {
    while (::tcsetattr(fd_, TCSANOW, &saved_) != 0 && errno == EINTR) {
    }
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
    if (int sig = g_caught_signal; sig != 0) ::raise(sig);
  }
  EchoOffGuard(const EchoOffGuard&) = delete;
  EchoOffGuard& operator=(const EchoOffGuard&) = delete;
  bool ok() const { return ok_; }

 private:
  int fd_;
  termios saved_;
  std::array<struct sigaction, kSignals.size()> old_{};
  bool ok_ = false;
};

void write_text(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a prompt that cannot be shown is not worth failing for
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads one line with echo off. `in` is a terminal; the prompt goes to `out`.
Expected<std::string> read_hidden_line(int in, int out, std::string_view prompt) {
  termios saved{};
  if (::tcgetattr(in, &saved) != 0)
    return fail(PasswordError::kIo, "cannot read terminal settings: " + errno_text(errno));
  std::string line;
  StringWiper wiper(line);
  line.reserve(kMaxPasswordBytes + 1);
  bool too_long = false;
  bool got_eof_first = false;
  int read_error = 0;
  {
    EchoOffGuard guard(in, saved);
    if (!guard.ok())
      return fail(PasswordError::kIo, "cannot turn off echo on the terminal: " +
                                          errno_text(errno));
    write_text(out, prompt);
    for (;;) {
      if (g_caught_signal != 0) break;  // arrived before read() started blocking
      char c = 0;
      ssize_t n = ::read(in, &c, 1);
      if (n < 0 && errno == EINTR) {
        if (g_caught_signal != 0) break;
        continue;
      }
      if (n < 0) {
        read_error = errno;
        break;
      }
      if (n == 0) {  // Ctrl-D (EOF) or the terminal went away
        got_eof_first = line.empty();
        break;
      }
      if (c == '\n' || c == '\r') break;
      if (line.size() < kMaxPasswordBytes)
        line.push_back(c);
      else
        too_long = true;  // keep reading to consume the rest of the line
      c = 0;
    }
    write_text(out, "\n");  // the user's Enter was not echoed
  }  // terminal restored; a caught signal is re-raised here
  if (g_caught_signal != 0)
    return fail(PasswordError::kInterrupted, "password entry interrupted");
  if (read_error != 0)
    return fail(PasswordError::kIo, "cannot read from the terminal: " + errno_text(read_error));
  if (too_long)
    return fail(PasswordError::kTooLong,
                "password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  if (line.empty())
    return fail(PasswordError::kEmpty, got_eof_first ? "no password entered" : "empty password");
  wiper.release();
  return line;
}

Expected<std::string> prompt_password_impl(std::string_view prompt, bool confirm) {
  int in = -1;
  int out = -1;
  int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty >= 0) {
    in = out = tty;
  } else if (::isatty(STDIN_FILENO)) {
    in = STDIN_FILENO;
    out = STDERR_FILENO;
  } else {
    return fail(PasswordError::kNoTerminal,
                "no terminal to ask for a password; use --password-file");
  }
  struct TtyCloser {
    int fd;
    ~TtyCloser() {
      if (fd >= 0) ::close(fd);
    }
  } closer{tty};

  auto first = read_hidden_line(in, out, prompt);
  if (!first || !confirm) return first;
  StringWiper wipe_first(*first);
  auto second = read_hidden_line(in, out, "Repeat password: ");
  if (!second) return second;
  StringWiper wipe_second(*second);
  if (*first != *second) return fail(PasswordError::kMismatch, "passwords do not match");
  std::string result = std::move(*first);
  wipe_first.release();
  return result;
}

}  // namespace

Expected<std::string> read_password_file(const std::filesystem::path& path) {
  try {
    return read_password_file_impl(path);
  } catch (const std::exception& e) {
    return fail(PasswordError::kIo, "cannot read password file " + path.string() + ": " +
                                        e.what());
  }
}

Expected<std::string> prompt_password(std::string_view prompt, bool confirm) {
  try {
    return prompt_password_impl(prompt, confirm);
  } catch (const std::exception& e) {
    return fail(PasswordError::kIo, std::string("cannot read a password: ") + e.what());
  }
}

}  // namespace swarmchain

// Password input: password files, and prompting on a (pseudo-)terminal in a child process.
#include "wallet/password.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/wallet/test_util.h"

namespace swarmchain {
namespace {

using test::TempDir;
using test::write_file;

// --- read_password_file -------------------------------------------------------------------

class PasswordFileTest : public ::testing::Test {
 protected:
  Expected<std::string> read(const std::string& content) {
    write_file(path_, content);
    return read_password_file(path_);
  }
  TempDir dir_;
  std::filesystem::path path_ = dir_ / "password";
};

TEST_F(PasswordFileTest, StripsOneTrailingNewline) { EXPECT_EQ(*read("hunter2\n"), "hunter2"); }

TEST_F(PasswordFileTest, StripsOneTrailingCrLf) { EXPECT_EQ(*read("hunter2\r\n"), "hunter2"); }

TEST_F(PasswordFileTest, AFileWithoutANewlineIsTakenAsIs) {
  EXPECT_EQ(*read("hunter2"), "hunter2");
}

TEST_F(PasswordFileTest, StripsOnlyOneNewlineAndKeepsOtherWhitespace) {
  EXPECT_EQ(*read("hunter2\n\n"), "hunter2\n");
  EXPECT_EQ(*read(" hunter2 \n"), " hunter2 ");
  EXPECT_EQ(*read("hunter2\r"), "hunter2\r");
}

TEST_F(PasswordFileTest, AMissingFileIsNotFound) {
  auto r = read_password_file(dir_ / "nope");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<PasswordError>(), PasswordError::kNotFound);
  EXPECT_EQ(r.error().message(), "password file " + (dir_ / "nope").string() + " does not exist");
}

TEST_F(PasswordFileTest, AnEmptyFileOrALoneNewlineIsRefused) {
  for (const char* content : {"", "\n", "\r\n"}) {
    auto r = read(content);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code_as<PasswordError>(), PasswordError::kEmpty);
    EXPECT_EQ(r.error().message(), "password file " + path_.string() + " is empty");
  }
}

TEST_F(PasswordFileTest, AcceptsTheLongestPasswordAndRefusesOneByteMore) {
  std::string longest(kMaxPasswordBytes, 'p');
  EXPECT_EQ(*read(longest + "\r\n"), longest);
  auto r = read(longest + "p");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<PasswordError>(), PasswordError::kTooLong);
  r = read(std::string(1 << 20, 'p'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<PasswordError>(), PasswordError::kTooLong);
}

TEST_F(PasswordFileTest, ADirectoryIsAnIoError) {
  auto r = read_password_file(dir_.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<PasswordError>(), PasswordError::kIo);
}

TEST_F(PasswordFileTest, ReadsFromAPipeAsInProcessSubstitution) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "piped\n", 6), 6);
  ::close(fds[1]);
  auto r = read_password_file("/dev/fd/" + std::to_string(fds[0]));
  ::close(fds[0]);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, "piped");
}

// --- prompt_password ----------------------------------------------------------------------

// What the child process reports back about one prompt_password call.
struct PromptOutcome {
  std::string result;          // "ok:<password>" or "err:<code>:<message>"
  std::string terminal_output;  // everything the child wrote to the terminal
  std::string extra;            // child-specific observations
};

std::string describe(const Expected<std::string>& r) {
  if (r) return "ok:" + *r;
  return "err:" + std::to_string(r.error().code()) + ":" + r.error().message();
}

// Reads from `fd` until `out` contains `needle` after `from`, or the deadline passes.
bool read_until(int fd, std::string& out, std::size_t from, const std::string& needle) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find(needle, from) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

std::string read_to_end(int fd) {
  std::string out;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// Runs `body` in a child process whose controlling terminal is a fresh pseudo-terminal (as a
// user's shell would have). For each (prompt, line) in `dialogue`, waits until the child has
// shown the prompt, then types the line. `body` returns the text reported back.
PromptOutcome run_on_a_pty(const std::function<std::string()>& body,
                           const std::vector<std::pair<std::string, std::string>>& dialogue) {
  PromptOutcome outcome;
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    outcome.result = "no pty";
    return outcome;
  }
  std::string slave_name = ::ptsname(master);
  int report[2];
  if (::pipe(report) != 0) return outcome;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(master);
    ::close(report[0]);
    ::setsid();  // a new session: the first terminal opened becomes the controlling one
    int slave = ::open(slave_name.c_str(), O_RDWR);
    if (slave < 0) ::_exit(2);
    ::dup2(slave, STDIN_FILENO);
    std::string text = body();
    ssize_t ignored = ::write(report[1], text.data(), text.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(report[1]);
  std::size_t from = 0;
  for (const auto& [prompt, line] : dialogue) {
    if (!read_until(master, outcome.terminal_output, from, prompt)) break;
    from = outcome.terminal_output.find(prompt, from) + prompt.size();
    std::string typed = line + "\n";
    if (::write(master, typed.data(), typed.size()) != static_cast<ssize_t>(typed.size())) break;
  }
  std::string report_text = read_to_end(report[0]);
  ::close(report[0]);
  // Drain what is left on the terminal (EIO once the child is gone).
  pollfd p{master, POLLIN, 0};
  while (::poll(&p, 1, 100) > 0) {
    char buf[256];
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    outcome.terminal_output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  auto nl = report_text.find('\n');
  outcome.result = report_text.substr(0, nl);
  if (nl != std::string::npos) outcome.extra = report_text.substr(nl + 1);
  return outcome;
}

// Child side: prompt, then report the result and whether echo is back on.
std::function<std::string()> prompt_and_report(bool confirm) {
  return [confirm] {
    auto r = prompt_password("Password: ", confirm);
    termios t{};
    int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
    bool echo = tty >= 0 && ::tcgetattr(tty, &t) == 0 && (t.c_lflag & ECHO) != 0;
    return describe(r) + "\necho:" + (echo ? "on" : "off");
  };
}

TEST(PromptPassword, ReadsALineFromTheTerminalWithoutEchoingIt) {
  auto o = run_on_a_pty(prompt_and_report(false), {{"Password: ", "s3cret words"}});
  if (o.result == "no pty") GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(o.result, "ok:s3cret words");
  EXPECT_NE(o.terminal_output.find("Password: "), std::string::npos);
  EXPECT_EQ(o.terminal_output.find("s3cret"), std::string::npos) << o.terminal_output;
  EXPECT_EQ(o.extra, "echo:on");  // the terminal is restored afterwards
}

TEST(PromptPassword, ConfirmationAsksTwiceAndAcceptsTheSamePassword) {
  auto o = run_on_a_pty(prompt_and_report(true),
                        {{"Password: ", "s3cret"}, {"Repeat password: ", "s3cret"}});
  if (o.result == "no pty") GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(o.result, "ok:s3cret");
  EXPECT_EQ(o.terminal_output.find("s3cret"), std::string::npos) << o.terminal_output;
  EXPECT_EQ(o.extra, "echo:on");
}

TEST(PromptPassword, ConfirmationRefusesADifferentPassword) {
  auto o = run_on_a_pty(prompt_and_report(true),
                        {{"Password: ", "s3cret"}, {"Repeat password: ", "s3cert"}});
  if (o.result == "no pty") GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(o.result, "err:" + std::to_string(static_cast<int>(PasswordError::kMismatch)) +
                          ":passwords do not match");
  EXPECT_EQ(o.extra, "echo:on");
}

TEST(PromptPassword, AnEmptyLineIsRefused) {
  auto o = run_on_a_pty(prompt_and_report(false), {{"Password: ", ""}});
  if (o.result == "no pty") GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(o.result, "err:" + std::to_string(static_cast<int>(PasswordError::kEmpty)) +
                          ":empty password");
}

TEST(PromptPassword, WithoutATerminalRefusesAndLeavesStdinUnread) {
  int input[2];
  int report[2];
  ASSERT_EQ(::pipe(input), 0);
  ASSERT_EQ(::pipe(report), 0);
  ASSERT_EQ(::write(input[1], "secret\n", 7), 7);
  ::close(input[1]);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    ::setsid();  // no controlling terminal: /dev/tty cannot be opened
    ::dup2(input[0], STDIN_FILENO);
    std::string text = describe(prompt_password("Password: ", false));
    char buf[16] = {};
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    text += "\nstdin:" + std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    ssize_t ignored = ::write(report[1], text.data(), text.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(input[0]);
  ::close(report[1]);
  std::string text = read_to_end(report[0]);
  ::close(report[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(text, "err:" + std::to_string(static_cast<int>(PasswordError::kNoTerminal)) +
                      ":no terminal to ask for a password; use --password-file\n"
                      "stdin:secret\n");
}

}  // namespace
}  // namespace swarmchain

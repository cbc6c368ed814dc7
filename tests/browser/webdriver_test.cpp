// The WebDriver client against a static page served by a loopback httplib::Server: every
// command the explorer tests rely on, and that a console error, an uncaught exception and a
// failed fetch each reach the check meant for them (and only that one).
#include "tests/browser/webdriver.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <memory>
#include <thread>

#include "rpc/httplib_include.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>webdriver test page</title>
<link rel="icon" href="data:,"></head>
<body>
<h1 id="head" data-kind="greeting">Hello, browser</h1>
<ul><li class="item">one</li><li class="item">two</li><li class="item">three</li></ul>
<button id="btn">press</button><div id="out"></div>
<input id="name" type="text"><div id="echo"></div>
<script src="/page.js"></script>
</body></html>
)";

constexpr const char* kScript = R"(
window.clicks = 0;
document.getElementById('btn').addEventListener('click', () => {
  window.clicks += 1;
  document.getElementById('out').textContent = 'clicked ' + window.clicks;
});
document.getElementById('name').addEventListener('input', (e) => {
  document.getElementById('echo').textContent = e.target.value;
});
window.fetchMissing = () => fetch('/missing.json').then((r) => r.status);
document.body.dataset.ready = '1';
)";

// One page server and one browser for the whole suite (a Chromium start costs seconds); each
// test loads the page afresh and drains the console log first.
class WebDriverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!browser_unavailable_reason().empty()) return;
    dir_ = new std::filesystem::path(make_temp_dir("webdriver"));
    server_ = new httplib::Server;
    server_->Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kPage, "text/html; charset=utf-8");
    });
    server_->Get("/page.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kScript, "text/javascript; charset=utf-8");
    });
    const uint16_t port = free_port();
    if (port == 0 || !server_->bind_to_port("127.0.0.1", port)) {
      start_error_ = new std::string("cannot bind the page server to 127.0.0.1:" + std::to_string(port));
      return;
    }
    base_url_ = new std::string("http://127.0.0.1:" + std::to_string(port));
    server_thread_ = new std::thread([] { server_->listen_after_bind(); });
    try {
      driver_ = new WebDriver(*dir_ / "browser");
    } catch (const WebDriverError& e) {
      start_error_ = new std::string(e.what());
    }
  }

  static void TearDownTestSuite() {
    delete driver_;
    driver_ = nullptr;
    if (server_thread_ != nullptr) {
      server_->stop();
      server_thread_->join();
    }
    delete server_thread_;
    delete server_;
    server_thread_ = nullptr;
    server_ = nullptr;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete base_url_;
    delete start_error_;
    dir_ = nullptr;
    base_url_ = nullptr;
    start_error_ = nullptr;
  }

  void SetUp() override {
    const std::string missing = browser_unavailable_reason();
    if (!missing.empty()) GTEST_SKIP() << "no browser: " << missing;
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
    wd().navigate(*base_url_ + "/");
    ASSERT_TRUE(wd().wait_until("document.body.dataset.ready == '1'", 10s));
    (void)wd().take_browser_log();
  }

  static WebDriver& wd() { return *driver_; }
  static const std::filesystem::path& dir() { return *dir_; }

  // Reads the log until an entry satisfies `pred` or `timeout` passes; returns all it read.
  static std::vector<LogEntry> log_until(const std::function<bool(const LogEntry&)>& pred,
                                         std::chrono::milliseconds timeout) {
    std::vector<LogEntry> all;
    wait_until(
        [&] {
          for (LogEntry& e : wd().take_browser_log()) all.push_back(std::move(e));
          return std::any_of(all.begin(), all.end(), pred);
        },
        timeout);
    return all;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline httplib::Server* server_ = nullptr;
  static inline std::thread* server_thread_ = nullptr;
  static inline std::string* base_url_ = nullptr;
  static inline std::string* start_error_ = nullptr;
  static inline WebDriver* driver_ = nullptr;
};

bool mentions(const std::vector<LogEntry>& log, const std::string& needle) {
  return std::any_of(log.begin(), log.end(),
                     [&](const LogEntry& e) { return e.message.find(needle) != std::string::npos; });
}

std::string dump(const std::vector<LogEntry>& log) {
  std::string out;
  for (const LogEntry& e : log) out += "\n  " + e.level + " " + e.source + " " + e.message;
  return out.empty() ? " (none)" : out;
}

TEST_F(WebDriverTest, NavigateLoadsThePageWithItsTitleAndUrl) {
  EXPECT_EQ(wd().title(), "webdriver test page");
  EXPECT_EQ(wd().current_url(), *base_url_ + "/");
}

TEST_F(WebDriverTest, FindReadsTextAndAttributesByCssSelector) {
  Element head = wd().find("h1#head");
  EXPECT_EQ(wd().text(head), "Hello, browser");
  EXPECT_EQ(wd().attribute(head, "data-kind"), "greeting");
  EXPECT_EQ(wd().attribute(head, "data-absent"), std::nullopt);
  std::vector<Element> items = wd().find_all("li.item");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(wd().text(items[1]), "two");
  EXPECT_TRUE(wd().find_all(".nothing-has-this-class").empty());
}

TEST_F(WebDriverTest, FindOfAMissingElementThrowsTheDriversNoSuchElement) {
  try {
    (void)wd().find("#not-there");
    ADD_FAILURE() << "find of a missing element did not throw";
  } catch (const WebDriverError& e) {
    EXPECT_NE(std::string(e.what()).find("no such element"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("POST /session/"), std::string::npos) << e.what();
  }
}

TEST_F(WebDriverTest, ClickRunsThePagesHandler) {
  wd().click(wd().find("#btn"));
  wd().click(wd().find("#btn"));
  EXPECT_TRUE(wd().wait_until("document.getElementById('out').textContent == 'clicked 2'", 5s))
      << "out: " << wd().text(wd().find("#out"));
}

TEST_F(WebDriverTest, SendKeysTypesIntoAnInputAndClearEmptiesIt) {
  Element input = wd().find("#name");
  wd().send_keys(input, "swarm 05ab");
  EXPECT_EQ(wd().text(wd().find("#echo")), "swarm 05ab");
  EXPECT_EQ(wd().execute("return arguments[0].value;", json::array({as_arg(input)})), "swarm 05ab");
  wd().clear(input);
  EXPECT_EQ(wd().execute("return document.getElementById('name').value;"), "");
}

TEST_F(WebDriverTest, ExecuteReturnsJsonAndTakesArguments) {
  EXPECT_EQ(wd().execute("return [arguments[0] + 1, arguments[1], {a: true, b: null}];",
                         json::array({41, "x"})),
            json::parse(R"([42, "x", {"a": true, "b": null}])"));
  EXPECT_EQ(wd().execute("return arguments[0].id;", json::array({as_arg(wd().find("h1"))})), "head");
  EXPECT_TRUE(wd().execute("window.flag = 1;").is_null());
  EXPECT_EQ(wd().execute("return window.flag;"), 1);
}

TEST_F(WebDriverTest, ExecuteAsyncReturnsWhatTheCallbackGets) {
  EXPECT_EQ(wd().execute_async("const done = arguments[arguments.length - 1];"
                               "setTimeout(() => done(arguments[0] * 2), 50);",
                               json::array({21})),
            42);
}

TEST_F(WebDriverTest, AScriptErrorThrowsWithTheBrowsersMessage) {
  try {
    (void)wd().execute("throw new Error('kaboom 17');");
    ADD_FAILURE() << "a throwing script did not throw";
  } catch (const WebDriverError& e) {
    EXPECT_NE(std::string(e.what()).find("javascript error"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kaboom 17"), std::string::npos) << e.what();
  }
}

TEST_F(WebDriverTest, WaitUntilSeesALaterChangeAndGivesUpAfterItsTimeout) {
  wd().execute("setTimeout(() => { window.soon = 1; }, 200);");
  EXPECT_TRUE(wd().wait_until("window.soon === 1", 5s));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(wd().wait_until("window.never === 1", 300ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
}

TEST_F(WebDriverTest, AFreshPageHasACleanLog) {
  wd().navigate(*base_url_ + "/");
  ASSERT_TRUE(wd().wait_until("document.body.dataset.ready == '1'", 10s));
  const std::vector<LogEntry> log = wd().take_browser_log();
  EXPECT_TRUE(console_errors(log).empty()) << dump(log);
  EXPECT_TRUE(failed_requests(log).empty()) << dump(log);
}

TEST_F(WebDriverTest, ConsoleErrorIsAConsoleErrorAndNotAFailedRequest) {
  wd().execute("console.log('just info 41'); console.error('unit test error 42');");
  const auto log = log_until([](const LogEntry& e) { return e.message.find("error 42") != std::string::npos; }, 5s);
  EXPECT_TRUE(mentions(console_errors(log), "unit test error 42")) << dump(log);
  EXPECT_FALSE(mentions(console_errors(log), "just info 41")) << dump(log);
  EXPECT_TRUE(failed_requests(log).empty()) << dump(log);
}

TEST_F(WebDriverTest, UncaughtExceptionIsAConsoleError) {
  wd().execute("setTimeout(() => { throw new Error('uncaught 7'); }, 0);");
  const auto log = log_until([](const LogEntry& e) { return e.message.find("uncaught 7") != std::string::npos; }, 5s);
  EXPECT_TRUE(mentions(console_errors(log), "uncaught 7")) << dump(log);
}

TEST_F(WebDriverTest, UnhandledRejectionIsAConsoleError) {
  wd().execute("Promise.reject(new Error('rejected 8'));");
  const auto log = log_until([](const LogEntry& e) { return e.message.find("rejected 8") != std::string::npos; }, 5s);
  EXPECT_TRUE(mentions(console_errors(log), "rejected 8")) << dump(log);
}

TEST_F(WebDriverTest, FailedFetchIsAFailedRequestAndNotAConsoleError) {
  EXPECT_EQ(wd().execute_async("const done = arguments[arguments.length - 1];"
                               "window.fetchMissing().then(done);"),
            404);
  const auto log = log_until([](const LogEntry& e) { return e.source == "network"; }, 5s);
  const auto failed = failed_requests(log);
  ASSERT_EQ(failed.size(), 1u) << dump(log);
  EXPECT_NE(failed[0].message.find("/missing.json"), std::string::npos) << failed[0];
  EXPECT_NE(failed[0].message.find("404"), std::string::npos) << failed[0];
  EXPECT_TRUE(console_errors(log).empty()) << dump(log);
}

TEST_F(WebDriverTest, ScreenshotWritesAPngFile) {
  const auto png = dir() / "shots" / "page.png";
  wd().screenshot(png);
  EXPECT_TRUE(is_png_file(png));
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
}

TEST_F(WebDriverTest, QuitEndsChromiumAndChromedriver) {
  WebDriver second(dir() / "second");
  const pid_t browser = second.browser_pid(), group = second.driver_group();
  ASSERT_GT(browser, 0);
  EXPECT_TRUE(process_alive(browser));
  EXPECT_TRUE(process_group_alive(group));
  second.quit();
  EXPECT_TRUE(wait_until([&] { return !process_alive(browser) && !process_group_alive(group); }, 5s))
      << "Chromium (pid " << browser << ") or the driver's group " << group << " outlived quit()";
  EXPECT_THROW(second.navigate("about:blank"), WebDriverError);
}

// The keeper's promise: if the test process dies without cleaning up (a crash, a ctest timeout's
// SIGKILL), chromedriver and Chromium still go. The death-test child (forked: it shares `dir`)
// starts a browser, writes its process group down and SIGKILLs itself. This suite runs after
// WebDriverTest's, whose server thread is joined by then, so the fork is single-threaded.
TEST(WebDriverKeeper, BrowserGoesWhenTheTestProcessIsKilled) {
  const std::string missing = browser_unavailable_reason();
  if (!missing.empty()) GTEST_SKIP() << "no browser: " << missing;
  const auto dir = make_temp_dir("webdriver-keeper");
  const auto group_file = dir / "group";
  EXPECT_EXIT(
      {
        WebDriver wd(dir / "browser");
        std::ofstream(group_file) << wd.driver_group() << " " << wd.browser_pid() << std::endl;
        raise(SIGKILL);
      },
      ::testing::KilledBySignal(SIGKILL), "");
  pid_t group = -1, browser = -1;
  std::ifstream(group_file) >> group >> browser;
  ASSERT_GT(group, 0) << "the child did not start a browser";
  ASSERT_GT(browser, 0);
  EXPECT_TRUE(wait_until([&] { return !process_group_alive(group) && !process_alive(browser); }, 10s))
      << "chromedriver or Chromium outlived the test process";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmchain::test

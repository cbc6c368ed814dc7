// The explorer (issue 13, docs/explorer.md) in headless Chromium against a real
// `swarmchaind --dev` with 14 service nodes in two swarms: every page loads with no console
// error and no failed request, and what the pages show equals what the node's JSON-RPC says.
// The pages are found through the contract's hooks only: `#view-<name>` roots,
// `body[data-ready="1"]` once a view rendered its data, `#ov-height`,
// `tr.node-row[data-pubkey]`, `.swarm-mark[data-swarm]`, `#find-result[data-swarm]`, `.error`,
// and the inputs `#search-input`, `#find-input`.
//
// One node and one browser serve every test (a global environment): starting them costs
// most of the ~40 s this takes. Each check loads its page in a fresh document (about:blank
// first), so a deep link is what is tested and a previous view's state cannot leak in.
// Screenshots of every page go to <build>/browser-screenshots/<page>.png.
// SWARMCHAIN_EXPLORER_WEB_DIR=explorer/web runs the same checks on page files served from that
// directory (web_dir_server.h), for working on the pages without rebuilding swarmchaind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <set>

#include "rpc/httplib_include.h"
#include "tests/browser/explorer_devnet.h"
#include "tests/browser/web_dir_server.h"
#include "tests/browser/webdriver.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// With the genesis node, 14 active nodes: enough for the swarm table to split in two.
constexpr int kExtraNodes = 13;
constexpr auto kViewTimeout = 15s;

// ---- the shared node and browser ------------------------------------------------------------

class ExplorerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!browser_unavailable_reason().empty()) return;
    dir_ = make_temp_dir("explorer-browser");
    const auto t0 = std::chrono::steady_clock::now();
    try {
      devnet_.start(dir_ / "node", kExtraNodes);
    } catch (const std::exception& e) {
      node_error_ = e.what();
      return;
    }
    try {
      base_url_ = devnet_.url();
      if (const char* web = std::getenv("SWARMCHAIN_EXPLORER_WEB_DIR"); web != nullptr && *web) {
        web_ = std::make_unique<WebDirServer>(web, devnet_.port());
        web_->start();
        base_url_ = web_->url();
        std::cerr << "[explorer] pages from " << web << " at " << base_url_ << "\n";
      }
      page_error_ = explorer_missing(base_url_);
      if (!page_error_.empty()) return;  // every page test fails at once, not after a timeout
      driver_ = std::make_unique<WebDriver>(dir_ / "browser");
    } catch (const std::exception& e) {
      page_error_ = e.what();
    }
    std::cerr << "[explorer] node with " << kExtraNodes + 1 << " service nodes and browser ready in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - t0)
                     .count()
              << " ms\n";
  }

  void TearDown() override {
    driver_.reset();
    web_.reset();
    devnet_.stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Why `url` serves no explorer page ("... answered HTTP 404 ..."), or "".
  static std::string explorer_missing(const std::string& url) {
    httplib::Client cli(url);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(10, 0);
    httplib::Result res = cli.Get("/");
    if (!res) return "GET " + url + "/: " + httplib::to_string(res.error());
    const std::string type = res->get_header_value("Content-Type");
    if (res->status == 200 && type.rfind("text/html", 0) == 0) return "";
    return "no explorer page: GET " + url + "/ answered HTTP " + std::to_string(res->status) +
           " (" + type + "): " + res->body.substr(0, 200);
  }

  ExplorerDevnet devnet_;
  std::unique_ptr<WebDirServer> web_;  // only with SWARMCHAIN_EXPLORER_WEB_DIR
  std::unique_ptr<WebDriver> driver_;
  std::string base_url_;    // where the pages are: the node, or web_
  std::string node_error_;  // the node or its service nodes failed to start
  std::string page_error_;  // no explorer page there, or no browser
  std::filesystem::path dir_;
};

// gtest owns it once added; added at static initialisation, so gtest_main runs it.
ExplorerEnvironment* const g_env = [] {
  auto* env = new ExplorerEnvironment;
  ::testing::AddGlobalTestEnvironment(env);
  return env;
}();

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string random_hex(std::mt19937_64& rng, std::size_t digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < digits; ++i) s += kDigits[rng() % 16];
  return s;
}

std::string url_encode(const std::string& s) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

// A JavaScript expression: the view's root is in the page, rendered (not display:none), and
// the page says it rendered its data.
std::string view_ready(const std::string& view) {
  return "(() => { const v = document.getElementById('view-" + view +
         "'); return !!v && v.getClientRects().length > 0 && document.body.dataset.ready == '1'; })()";
}

// A JavaScript expression: some `.error` element is rendered.
constexpr const char* kErrorShown =
    "Array.from(document.querySelectorAll('.error')).some((e) => e.getClientRects().length > 0)";

class ExplorerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = browser_unavailable_reason();
    if (!missing.empty()) GTEST_SKIP() << "no browser: " << missing;
    ASSERT_TRUE(g_env->node_error_.empty()) << "set-up failed: " << g_env->node_error_;
  }

  static WebDriver& wd() { return *g_env->driver_; }
  static ExplorerDevnet& node() { return g_env->devnet_; }

  // Loads `fragment` ("#/blocks") in a fresh document and waits until `view` rendered.
  static void open(const std::string& fragment, const std::string& view) {
    ASSERT_TRUE(g_env->page_error_.empty()) << g_env->page_error_;
    wd().navigate("about:blank");
    (void)wd().take_browser_log();
    wd().navigate(g_env->base_url_ + "/" + fragment);
    ASSERT_TRUE(wd().wait_until(view_ready(view), kViewTimeout))
        << fragment << ": #view-" << view << " not rendered with data-ready=1 within "
        << kViewTimeout.count() << " s; body: " << body_text();
  }

  static std::string body_text() {
    try {
      return wd().execute("return document.body ? document.body.innerText.slice(0, 2000) : '';")
          .get<std::string>();
    } catch (const WebDriverError& e) {
      return e.what();
    }
  }

  // Every console error and failed request since the page was opened is a failure. The
  // browser's own /favicon.ico request is not the page's: index.html names no icon, and the
  // node answers 404 for it (a `<link rel="icon" href="data:,">` would end that request).
  static void expect_clean_log(const std::string& where) {
    const std::vector<LogEntry> log = wd().take_browser_log();
    for (const LogEntry& e : console_errors(log)) ADD_FAILURE() << where << ": console error: " << e;
    for (const LogEntry& e : failed_requests(log))
      if (e.message.find("/favicon.ico") == std::string::npos)
        ADD_FAILURE() << where << ": failed request: " << e;
  }

  static void screenshot(const std::string& name) {
    const auto png = std::filesystem::path(SWARMCHAIN_SCREENSHOT_DIR) / (name + ".png");
    wd().screenshot(png);
    EXPECT_TRUE(is_png_file(png)) << png;
  }

  static std::vector<std::string> attributes(const std::string& css, const std::string& name) {
    std::vector<std::string> out;
    for (const Element& e : wd().find_all(css)) out.push_back(wd().attribute(e, name).value_or(""));
    return out;
  }

  static uint64_t rpc_height() { return node().call("get_height")["height"].get<uint64_t>(); }

  // The number #ov-height shows (digits only: the page may group thousands), or -1.
  static long long shown_height() {
    std::string digits;
    for (char c : wd().text(wd().find("#ov-height")))
      if (c >= '0' && c <= '9') digits += c;
    return digits.empty() || digits.size() > 18 ? -1 : std::stoll(digits);
  }

  // The script-injection probe: if any of it runs, window.__xss is set. Inline script and
  // handlers are also refused by the CSP, which logs a console error: either way it shows.
  static constexpr const char* kInjection =
      "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">\"'><b>x";

  static void expect_error_and_no_script(const std::string& where) {
    EXPECT_TRUE(wd().wait_until(kErrorShown, 5s)) << where << ": no .error shown; body: " << body_text();
    EXPECT_TRUE(wd().execute("return window.__xss === undefined;").get<bool>())
        << where << ": the injected script ran";
    expect_clean_log(where);
  }
};

// ---- every page -----------------------------------------------------------------------------

struct Page {
  const char* name;      // screenshot and test name
  const char* view;      // #view-<view>
  const char* fragment;  // "{pk}" and "{swarm}" are replaced by a registered node and its swarm
};

void PrintTo(const Page& page, std::ostream* os) { *os << page.fragment; }

class ExplorerPageTest : public ExplorerTest, public ::testing::WithParamInterface<Page> {};

std::string fill(std::string fragment, const std::string& pk, const std::string& swarm) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{pk}", pk}, {"{swarm}", swarm}})
    if (auto at = fragment.find(key); at != std::string::npos) fragment.replace(at, key.size(), value);
  return fragment;
}

TEST_P(ExplorerPageTest, LoadsWithNoConsoleErrorNoFailedRequestAndNoErrorShown) {
  const json nodes = node().call("get_service_nodes", {{"active_only", true}});
  ASSERT_FALSE(nodes["service_node_states"].empty());
  const json& first = nodes["service_node_states"][0];
  const std::string fragment = fill(GetParam().fragment, first["service_node_pubkey"].get<std::string>(),
                                    first["swarm"].get<std::string>());
  ASSERT_NO_FATAL_FAILURE(open(fragment, GetParam().view));
  EXPECT_FALSE(wd().execute(std::string("return ") + kErrorShown + ";").get<bool>())
      << fragment << " shows an error: " << body_text();
  expect_clean_log(fragment);
  screenshot(GetParam().name);
}

INSTANTIATE_TEST_SUITE_P(
    Pages, ExplorerPageTest,
    ::testing::Values(Page{"overview", "overview", "#/"}, Page{"blocks", "blocks", "#/blocks"},
                      Page{"block", "block", "#/block/1"}, Page{"nodes", "nodes", "#/nodes"},
                      Page{"node", "node", "#/node/{pk}"}, Page{"swarms", "swarms", "#/swarms"},
                      Page{"swarm", "swarm", "#/swarm/{swarm}"}, Page{"find", "find", "#/find"}),
    [](const ::testing::TestParamInfo<Page>& p) { return std::string(p.param.name); });

// ---- what the pages show against the RPC ----------------------------------------------------

TEST_F(ExplorerTest, TheDevnetHasSeveralSwarmsSoTheSwarmChecksMeanSomething) {
  EXPECT_GE(node().call("get_swarms")["swarms"].size(), 2u);
  EXPECT_EQ(node().call("get_service_nodes", {{"active_only", true}})["service_node_states"].size(),
            static_cast<std::size_t>(kExtraNodes + 1));
}

TEST_F(ExplorerTest, OverviewShowsTheNodesHeightAndFollowsIt) {
  const uint64_t before = rpc_height();
  ASSERT_NO_FATAL_FAILURE(open("#/", "overview"));
  const long long first = shown_height();
  const uint64_t after = rpc_height();
  ASSERT_GE(first, 0) << "#ov-height shows no number: " << wd().text(wd().find("#ov-height"));
  // The page asked between `before` and `after`.
  EXPECT_GE(static_cast<uint64_t>(first), before);
  EXPECT_LE(static_cast<uint64_t>(first), after);
  long long later = first;
  EXPECT_TRUE(wait_until([&] { return (later = shown_height()) > first; }, 15s))
      << "#ov-height stayed at " << first << " while the node went to " << rpc_height();
  EXPECT_LE(static_cast<uint64_t>(later), rpc_height());
  expect_clean_log("#/ after updates");
}

TEST_F(ExplorerTest, NodeTableListsTheNodesOfGetServiceNodePage) {
  ASSERT_NO_FATAL_FAILURE(open("#/nodes", "nodes"));
  const std::vector<std::string> shown = attributes("tr.node-row[data-pubkey]", "data-pubkey");
  const json page = node().call("get_service_node_page", {{"offset", 0}});
  std::vector<std::string> expected;
  for (const json& n : page["nodes"]) expected.push_back(n["service_node_pubkey"].get<std::string>());
  std::vector<std::string> shown_lower;
  for (const std::string& s : shown) shown_lower.push_back(lower(s));
  EXPECT_EQ(shown_lower, expected);
  // The default page (sort by pubkey, 50 a page) holds all 14: the same keys get_service_nodes
  // lists, in its order.
  std::vector<std::string> all;
  // Held in a variable: a range-for over a member of a temporary reads freed memory (C++20).
  const json listed = node().call("get_service_nodes");
  for (const json& n : listed["service_node_states"])
    all.push_back(n["service_node_pubkey"].get<std::string>());
  EXPECT_EQ(shown_lower, all);
  expect_clean_log("#/nodes");
}

TEST_F(ExplorerTest, NodeFilterShowsOnlyTheKeysWithThePrefix) {
  const json nodes = node().call("get_service_nodes")["service_node_states"];
  const std::string prefix = nodes[nodes.size() / 2]["service_node_pubkey"].get<std::string>().substr(0, 3);
  ASSERT_NO_FATAL_FAILURE(open("#/nodes?q=" + prefix, "nodes"));
  std::set<std::string> expected;
  for (const json& n : nodes) {
    const std::string pk = n["service_node_pubkey"].get<std::string>();
    if (pk.rfind(prefix, 0) == 0) expected.insert(pk);
  }
  std::set<std::string> shown;
  for (const std::string& s : attributes("tr.node-row[data-pubkey]", "data-pubkey")) shown.insert(lower(s));
  EXPECT_EQ(shown, expected) << "q=" << prefix;
  expect_clean_log("#/nodes?q=" + prefix);
}

TEST_F(ExplorerTest, FindMySwarmAgreesWithGetSwarmForRandomSessionIds) {
  std::mt19937_64 rng(std::random_device{}());
  for (int i = 0; i < 5; ++i) {
    const std::string id = "05" + random_hex(rng, 64);
    SCOPED_TRACE("Session id " + id);
    const std::string expected = lower(node().call("get_swarm", {{"pubkey", id}})["swarm"].get<std::string>());
    if (i < 3) {
      ASSERT_NO_FATAL_FAILURE(open("#/find?id=" + id, "find"));
    } else {  // typed into the find box, as a user does
      ASSERT_NO_FATAL_FAILURE(open("#/find", "find"));
      Element input = wd().find("#find-input");
      wd().clear(input);
      wd().send_keys(input, id + "\xEE\x80\x87");  // U+E007: the Enter key
    }
    const bool found = wd().wait_until(
        "(() => { const r = document.getElementById('find-result');"
        " return !!r && /^[0-9a-fA-F]{16}$/.test(r.dataset.swarm || ''); })()",
        kViewTimeout);
    ASSERT_TRUE(found) << "no #find-result with a swarm; body: " << body_text();
    EXPECT_EQ(lower(wd().attribute(wd().find("#find-result"), "data-swarm").value_or("")), expected);
    // The page's own light-client check (verify.js) of get_swarm_proof, from the genesis.
    const bool checked = wd().wait_until(
        "(() => { const p = document.getElementById('find-proof');"
        " return !!p && ['1', '0', 'unsupported'].includes(p.dataset.verified || ''); })()",
        kViewTimeout);
    ASSERT_TRUE(checked) << "the proof check did not finish; body: " << body_text();
    const Element proof = wd().find("#find-proof");
    EXPECT_EQ(wd().attribute(proof, "data-verified").value_or(""), "1") << body_text();
    EXPECT_EQ(lower(wd().attribute(proof, "data-proof-swarm").value_or("")), expected);
    EXPECT_NE(wd().text(proof).find("verified in this browser from the genesis"), std::string::npos)
        << wd().text(proof);
    expect_clean_log("find " + id);
  }
}

TEST_F(ExplorerTest, SwarmRingHasOneMarkPerSwarm) {
  ASSERT_NO_FATAL_FAILURE(open("#/swarms", "swarms"));
  std::multiset<std::string> marks;
  for (const std::string& s : attributes(".swarm-mark[data-swarm]", "data-swarm")) marks.insert(lower(s));
  std::multiset<std::string> swarms;
  const json table = node().call("get_swarms");
  for (const json& s : table["swarms"]) swarms.insert(s["swarm"].get<std::string>());
  EXPECT_EQ(marks, swarms);
  expect_clean_log("#/swarms");
}

// ---- bad input ------------------------------------------------------------------------------

TEST_F(ExplorerTest, ThePageCannotReachTheAdminMethods) {
  // What the page's own origin gets when it asks for an admin method: the refusal, and the node
  // goes on (the explorer never holds the cookie; the browser has no credentials to send).
  ASSERT_NO_FATAL_FAILURE(open("#/", "overview"));
  // As text: a result object with an "error" member would read as WebDriver's own error shape.
  const json reply = json::parse(wd().execute_async(R"JS(
    const done = arguments[arguments.length - 1];
    fetch('/json_rpc', {method: 'POST', headers: {'Content-Type': 'application/json'},
                        body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'stop'})})
      .then((r) => r.text()).then(done, (e) => done(JSON.stringify({fetch_error: String(e)})));
  )JS").get<std::string>());
  ASSERT_TRUE(reply.contains("error")) << reply.dump();
  EXPECT_EQ(reply["error"]["code"], -32001) << reply.dump();
  const uint64_t h = rpc_height();
  EXPECT_TRUE(wait_until([&] { return rpc_height() > h; }, 10s)) << "the node stopped";
}

TEST_F(ExplorerTest, ABlockHeightThatIsNotANumberShowsAnError) {
  ASSERT_NO_FATAL_FAILURE(open("#/block/abc", "block"));
  expect_error_and_no_script("#/block/abc");
}

TEST_F(ExplorerTest, ANodeKeyThatIsNotHexShowsAnError) {
  ASSERT_NO_FATAL_FAILURE(open("#/node/zz", "node"));
  expect_error_and_no_script("#/node/zz");
}

TEST_F(ExplorerTest, ABadSessionIdInTheFindBoxShowsAnError) {
  ASSERT_NO_FATAL_FAILURE(open("#/find", "find"));
  Element input = wd().find("#find-input");
  wd().send_keys(input, "05zz12\xEE\x80\x87");
  expect_error_and_no_script("find box: 05zz12");
  EXPECT_TRUE(wd().find_all("#find-result[data-swarm]:not([data-swarm=''])").empty())
      << "a bad id got a swarm";
}

TEST_F(ExplorerTest, MarkupInTheSearchBoxIsShownAsTextAndNeverRun) {
  ASSERT_NO_FATAL_FAILURE(open("#/", "overview"));
  Element input = wd().find("#search-input");
  wd().send_keys(input, std::string(kInjection) + "\xEE\x80\x87");
  expect_error_and_no_script("search box");
}

TEST_F(ExplorerTest, MarkupInTheFindRouteIsShownAsTextAndNeverRun) {
  ASSERT_NO_FATAL_FAILURE(open("#/find?id=" + url_encode(kInjection), "find"));
  expect_error_and_no_script("#/find?id=<markup>");
}

TEST_F(ExplorerTest, MarkupInTheNodeFilterIsNeverRun) {
  // A filter that is not a hex prefix may be refused (an .error) or match nothing; either way
  // no row, and nothing of it runs.
  ASSERT_NO_FATAL_FAILURE(open("#/nodes?q=" + url_encode(kInjection), "nodes"));
  EXPECT_TRUE(wd().find_all("tr.node-row").empty());
  EXPECT_TRUE(wd().execute("return window.__xss === undefined;").get<bool>());
  expect_clean_log("#/nodes?q=<markup>");
}

}  // namespace
}  // namespace swarmchain::test

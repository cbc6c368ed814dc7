// The explorer at 10,000 service nodes (issue 13, "Works at 10,000 nodes"): writes a genesis
// with N staked service nodes (keys from libsodium; this node's own key first), starts a real
// swarmchaind on it (loopback, no peers: it serves its registry at height 0), and loads pages in
// headless Chromium, timing each from navigation start to the page's data-ready="1" (read with
// performance.now() in the page, so the WebDriver round trips are not counted).
//
// Absolute times are noisy on a shared machine, so each page is also given as a ratio to the
// explorer's bootstrap on this machine in the same run: the "find my swarm" form with no id,
// which loads the same scripts and styles and asks the node nothing heavy.
//
//   build/bin/browser_explorer_scale_bench [--nodes N] [--runs R]
//
// Not a ctest test (a benchmark, not a timed test): scripts/bench.sh explorer runs it.
#include <signal.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "chain/params.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "rpc/client.h"
#include "tests/browser/webdriver.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Milliseconds from navigation start until document.body.dataset.ready is "1" for `view`.
double load_ms(WebDriver& wd, const std::string& url, const std::string& view) {
  wd.navigate("about:blank");
  wd.navigate(url);
  const json r = wd.execute_async(R"JS(
    const view = arguments[0], done = arguments[arguments.length - 1];
    const ready = () => document.body && document.body.dataset.ready === '1' &&
                        document.getElementById('view-' + view);
    if (ready()) return done(performance.now());
    const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); done(performance.now()); } });
    obs.observe(document.documentElement, {attributes: true, childList: true, subtree: true});
    setTimeout(() => { obs.disconnect(); done(-1); }, 60000);
  )JS",
                                  json::array({view}));
  const double ms = r.is_number() ? r.get<double>() : -1;
  if (ms < 0) throw std::runtime_error("page " + url + " never became ready");
  return ms;
}

int run_bench(int nodes, int runs) {
  if (std::string why = browser_unavailable_reason(); !why.empty()) {
    std::cerr << "explorer scale bench: " << why << "\n";
    return 1;
  }
  const auto dir = make_temp_dir("explorer-scale");
  const auto datadir = dir / "node";
  RunResult k = run({bin_path("swarmchaind"), "keygen", "--datadir", datadir.string()});
  std::smatch m;
  static const std::regex public_key("public key: ([0-9a-f]{64})");
  if (k.exit_code != 0 || !std::regex_search(k.out, m, public_key)) {
    std::cerr << "keygen failed: " << k.out;
    return 1;
  }
  const PubKey own = *fixed_from_hex<PubKey>(m[1].str());

  Genesis g;
  g.network = "dev";
  g.params = ChainParams::dev();
  g.genesis_time_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  const KeyPair op = KeyPair::generate();
  g.accounts.push_back({op.pubkey(), Amount::coins(1'000'000)});
  std::cout << "genesis: " << nodes << " service nodes ... " << std::flush;
  g.service_nodes.push_back({own, op.pubkey(), g.params.staking_requirement});
  for (int i = 1; i < nodes; ++i)
    g.service_nodes.push_back({KeyPair::generate().pubkey(), op.pubkey(), g.params.staking_requirement});
  std::ofstream(dir / "genesis.json") << g.to_json();
  std::cout << "written\n";

  const uint16_t rpc_port = free_port_range(2);
  const std::string url = "http://127.0.0.1:" + std::to_string(rpc_port);
  Process node({bin_path("swarmchaind"), "--datadir", datadir.string(), "--genesis",
                (dir / "genesis.json").string(), "--rpc-bind",
                "127.0.0.1:" + std::to_string(rpc_port), "--p2p-bind",
                "127.0.0.1:" + std::to_string(rpc_port + 1)},
               dir / "node.log");
  if (!wait_until([&] { return rpc::RpcClient(url).call("get_height").has_value(); },
                  std::chrono::seconds(120))) {
    std::cerr << "the node did not answer; log:\n" << read_text(dir / "node.log");
    return 1;
  }
  auto info = rpc::RpcClient(url).call("get_service_node_page", json{{"limit", 1}});
  auto swarms = rpc::RpcClient(url).call("get_swarms");
  std::cout << "node: " << (info ? (*info)["total"].dump() : "?") << " service nodes in its registry, "
            << (swarms && swarms->contains("swarms") ? std::to_string((*swarms)["swarms"].size()) : "?")
            << " swarms\n";

  // The node's side of the node list, for reference: one page against the whole list.
  std::vector<double> page_ms, all_ms;
  for (int i = 0; i < 10; ++i) {
    auto t0 = Clock::now();
    (void)rpc::RpcClient(url).call("get_service_node_page", json{{"limit", 50}, {"sort", "stake"}, {"order", "desc"}});
    page_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  for (int i = 0; i < 3; ++i) {
    auto t0 = Clock::now();
    (void)rpc::RpcClient(url).call("get_service_nodes");
    all_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }

  WebDriver wd(dir / "browser");
  struct Page { const char* name; std::string fragment; const char* view; };
  const std::vector<Page> pages{
      {"bootstrap (#/find, no id)", "#/find", "find"},
      {"overview", "#/", "overview"},
      {"node list, first page", "#/nodes", "nodes"},
      {"node list, by stake desc, page 100", "#/nodes?offset=5000&sort=stake&order=desc", "nodes"},
      {"swarms (ring, histogram, list)", "#/swarms", "swarms"},
  };
  std::vector<double> medians;
  for (const Page& p : pages) {
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) ms.push_back(load_ms(wd, url + "/" + p.fragment, p.view));
    medians.push_back(median(ms));
  }
  std::printf("\nexplorer at %d service nodes, median of %d loads (navigation start to data ready)\n",
              nodes, runs);
  for (std::size_t i = 0; i < pages.size(); ++i)
    std::printf("  %-38s %8.0f ms  %5.2f x bootstrap\n", pages[i].name, medians[i],
                medians[i] / std::max(medians[0], 1.0));
  std::printf("  rpc get_service_node_page (50)        %8.1f ms   get_service_nodes (all) %.0f ms\n",
              median(page_ms), median(all_ms));
  wd.quit();
  node.signal(SIGTERM);
  node.wait(std::chrono::seconds(20));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace swarmchain::test

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  int nodes = 10'000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--nodes") == 0) nodes = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::cerr << "usage: browser_explorer_scale_bench [--nodes N] [--runs R]\n";
      return 2;
    }
  }
  try {
    return swarmchain::test::run_bench(nodes, runs);
  } catch (const std::exception& e) {
    std::cerr << "explorer scale bench: " << e.what() << "\n";
    return 1;
  }
}

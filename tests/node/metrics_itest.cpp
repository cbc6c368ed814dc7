// GET /metrics of a real dev Node (in process, RPC on an ephemeral loopback port), scraped
// over HTTP and parsed line by line as Prometheus would.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "node/dev_setup.h"
#include "node/node.h"
#include "rpc/client.h"
#include "rpc/httplib_include.h"
#include "tests/chain/test_util.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

using namespace std::chrono_literals;

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string label_text;  // the labels as written, "" when none
  double value = 0;
};

struct Scrape {
  std::map<std::string, std::string> help;  // family -> help
  std::map<std::string, std::string> type;  // family -> type
  std::vector<Sample> samples;
  std::vector<std::string> errors;  // lines that do not parse

  // The value of name{labels...} with exactly these labels; nullopt if absent.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels) return s.value;
    return std::nullopt;
  }
  // The family a sample belongs to ("" if none declared).
  std::string family_of(const std::string& sample) const {
    if (type.count(sample)) return sample;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string sfx(suffix);
      if (sample.size() > sfx.size() && sample.ends_with(sfx)) {
        std::string base = sample.substr(0, sample.size() - sfx.size());
        auto it = type.find(base);
        if (it != type.end() && it->second == "histogram") return base;
      }
    }
    return "";
  }
};

// Parses label text `a="x",b="y\"z"` (escapes \\, \", \n); false if malformed.
bool parse_labels(const std::string& text, std::map<std::string, std::string>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    const std::string name = text.substr(i, eq - i);
    if (!std::regex_match(name, std::regex("[a-zA-Z_][a-zA-Z0-9_]*"))) return false;
    std::string value;
    std::size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] != '\\') {
        value += text[j];
        continue;
      }
      if (++j >= text.size()) return false;
      if (text[j] == 'n') {
        value += '\n';
      } else if (text[j] == '\\' || text[j] == '"') {
        value += text[j];
      } else {
        return false;
      }
    }
    if (j >= text.size()) return false;  // no closing quote
    if (!out.emplace(name, value).second) return false;
    i = j + 1;
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
    }
  }
  return true;
}

Scrape parse(const std::string& body) {
  Scrape s;
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([-+0-9.eE]+|\+Inf|-Inf|NaN))");
  std::istringstream in(body);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kHelp)) {
      if (!s.help.emplace(m[1].str(), m[2].str()).second) s.errors.push_back("second HELP: " + line);
    } else if (std::regex_match(line, m, kType)) {
      if (!s.type.emplace(m[1].str(), m[2].str()).second) s.errors.push_back("second TYPE: " + line);
    } else if (std::regex_match(line, m, kSample)) {
      Sample x;
      x.name = m[1].str();
      x.label_text = m[2].str();
      x.value = std::stod(m[3].str());
      if (!parse_labels(x.label_text, x.labels)) s.errors.push_back("bad labels: " + line);
      s.samples.push_back(std::move(x));
    } else {
      s.errors.push_back("unparsable: " + line);
    }
  }
  return s;
}

class NodeMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    auto setup = ensure_dev_datadir(dir_.path(), 0, SystemClock().now_ms());
    ASSERT_TRUE(setup.has_value()) << setup.error().message();
    NodeConfig cfg;
    cfg.datadir = dir_.path();
    cfg.rpc_port = 0;
    auto node = Node::open(cfg);
    ASSERT_TRUE(node.has_value()) << node.error().message();
    node_ = std::move(*node);
    ASSERT_TRUE(node_->start());
  }
  void TearDown() override {
    if (node_) node_->stop();
    node_.reset();
  }

  Scrape scrape() {
    httplib::Client c("127.0.0.1", node_->rpc_port());
    c.set_read_timeout(10, 0);
    auto res = c.Get("/metrics");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    Scrape s = parse(res->body);
    EXPECT_TRUE(s.errors.empty()) << s.errors.front() << "\n" << res->body;
    return s;
  }
  rpc::RpcClient client() const {
    return rpc::RpcClient("http://127.0.0.1:" + std::to_string(node_->rpc_port()));
  }
  double value_or_zero(const std::string& name, const std::map<std::string, std::string>& l = {}) {
    return scrape().value(name, l).value_or(0);
  }

  TempDir dir_{"metrics-itest"};
  std::unique_ptr<Node> node_;
};

TEST_F(NodeMetricsTest, EverySampleBelongsToAFamilyWithHelpAndType) {
  const Scrape s = scrape();
  ASSERT_FALSE(s.samples.empty());
  for (const auto& x : s.samples) {
    const std::string family = s.family_of(x.name);
    ASSERT_FALSE(family.empty()) << x.name << " has no TYPE";
    EXPECT_TRUE(s.help.count(family)) << family << " has no HELP";
    EXPECT_EQ(family.rfind("swarmchain_", 0), 0u) << family;
    if (s.type.at(family) == "counter") {
      EXPECT_TRUE(family.ends_with("_total")) << family;
    }
  }
  for (const char* f : {"swarmchain_height", "swarmchain_finalized_height",
                        "swarmchain_consensus_round", "swarmchain_consensus_rounds_per_height",
                        "swarmchain_block_interval_seconds", "swarmchain_peers",
                        "swarmchain_mempool_txs", "swarmchain_mempool_bytes",
                        "swarmchain_service_nodes", "swarmchain_swarms",
                        "swarmchain_uptime_proofs_received_total",
                        "swarmchain_uptime_proofs_included_total",
                        "swarmchain_registry_state_changes_total", "swarmchain_syncing",
                        "swarmchain_sync_target_height", "swarmchain_rpc_requests_total",
                        "swarmchain_rpc_request_duration_seconds"})
    EXPECT_TRUE(s.type.count(f)) << f << " missing";
  // The dev node is the one active service node, in one swarm, with p2p off.
  EXPECT_EQ(s.value("swarmchain_service_nodes", {{"state", "active"}}), 1.0);
  EXPECT_EQ(s.value("swarmchain_swarms"), 1.0);
  EXPECT_EQ(s.value("swarmchain_peers"), 0.0);
  EXPECT_EQ(s.value("swarmchain_syncing"), 0.0);
  for (const auto& kind : NodeMetrics::kStateChangeKinds)
    EXPECT_TRUE(s.value("swarmchain_registry_state_changes_total", {{"kind", std::string(kind)}}))
        << kind;
}

TEST_F(NodeMetricsTest, HeightGrowsAsBlocksAreCommitted) {
  const double h0 = value_or_zero("swarmchain_height");
  ASSERT_TRUE(wait_until([&] { return value_or_zero("swarmchain_height") >= h0 + 2; }, 20s))
      << "height stayed at " << h0;
  const Scrape s = scrape();
  EXPECT_EQ(s.value("swarmchain_finalized_height"), s.value("swarmchain_height"));
  EXPECT_GE(*s.value("swarmchain_height"), h0 + 2);
  // Every committed block went through the rounds histogram; blocks after the start tip also
  // through the interval one.
  EXPECT_GE(*s.value("swarmchain_consensus_rounds_per_height_count"), 2.0);
  EXPECT_GE(*s.value("swarmchain_block_interval_seconds_count"), 1.0);
  EXPECT_GE(*s.value("swarmchain_blocks_committed_total", {{"source", "consensus"}}), 2.0);
}

TEST_F(NodeMetricsTest, OwnUptimeProofIsCountedReceivedThenIncluded) {
  // The node sends its proof when it starts; it enters a block soon after.
  ASSERT_TRUE(wait_until(
      [&] { return value_or_zero("swarmchain_uptime_proofs_included_total") >= 1; }, 20s));
  EXPECT_GE(value_or_zero("swarmchain_uptime_proofs_received_total", {{"source", "self"}}), 1.0);
}

TEST_F(NodeMetricsTest, RpcCallsCountUnderTheirMethodAndUnknownNamesUnderOther) {
  const std::map<std::string, std::string> ok{{"method", "get_height"}, {"status", "ok"}};
  const std::map<std::string, std::string> other{{"method", "other"}, {"status", "-32601"}};
  const Scrape before = scrape();
  const double ok0 = before.value("swarmchain_rpc_requests_total", ok).value_or(-1);
  ASSERT_GE(ok0, 0) << "every registered method has an ok sample, zero included";
  const double other0 = before.value("swarmchain_rpc_requests_total", other).value_or(0);
  const double count0 = *before.value("swarmchain_rpc_request_duration_seconds_count");

  ASSERT_TRUE(client().call("get_height").has_value());
  EXPECT_FALSE(client().call("no_such_method_xyz").has_value());
  EXPECT_FALSE(client().call("another_made_up_name").has_value());

  const Scrape after = scrape();
  EXPECT_EQ(after.value("swarmchain_rpc_requests_total", ok), ok0 + 1);
  EXPECT_EQ(after.value("swarmchain_rpc_requests_total", other), other0 + 2);
  EXPECT_EQ(after.value("swarmchain_rpc_request_duration_seconds_count"), count0 + 3);
  for (const auto& x : after.samples) {
    auto it = x.labels.find("method");
    if (it == x.labels.end()) continue;
    EXPECT_EQ(it->second.find("made_up"), std::string::npos);
    EXPECT_EQ(it->second.find("no_such"), std::string::npos);
  }
}

TEST_F(NodeMetricsTest, HistogramBucketsAreCumulativeAndCountEqualsInf) {
  ASSERT_TRUE(client().call("get_info").has_value());
  ASSERT_TRUE(wait_until([&] { return value_or_zero("swarmchain_height") >= 2; }, 20s));
  const Scrape s = scrape();
  std::size_t checked = 0;
  for (const auto& [family, type] : s.type) {
    if (type != "histogram") continue;
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative count), in text order
    std::optional<double> count;
    for (const auto& x : s.samples) {
      if (x.name == family + "_bucket") {
        ASSERT_TRUE(x.labels.count("le")) << family;
        const std::string& le = x.labels.at("le");
        buckets.emplace_back(le == "+Inf" ? INFINITY : std::stod(le), x.value);
      } else if (x.name == family + "_count") {
        count = x.value;
      }
    }
    ASSERT_GE(buckets.size(), 2u) << family;
    for (std::size_t i = 1; i < buckets.size(); ++i) {
      EXPECT_LT(buckets[i - 1].first, buckets[i].first) << family << ": le not ascending";
      EXPECT_LE(buckets[i - 1].second, buckets[i].second) << family << ": not cumulative";
    }
    EXPECT_TRUE(std::isinf(buckets.back().first)) << family << ": no +Inf bucket";
    ASSERT_TRUE(count) << family;
    EXPECT_EQ(*count, buckets.back().second) << family;
    EXPECT_TRUE(s.value(family + "_sum")) << family;
    EXPECT_GT(*count, 0) << family << " observed nothing";
    ++checked;
  }
  EXPECT_EQ(checked, 3u);  // rounds per height, block interval, RPC latency
}

}  // namespace
}  // namespace swarmchain::test

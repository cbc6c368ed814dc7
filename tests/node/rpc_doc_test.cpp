// docs/rpc.md documents every JSON-RPC method the node serves and no other: the methods are
// listed from a started node's dispatcher (built as swarmchaind builds it), the doc's from its
// "### `name`" headings. And /health answers what the doc shows.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "node/dev_setup.h"
#include "node/node.h"
#include "rpc/httplib_include.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {
namespace {

std::string rpc_doc() {
  std::ifstream in(SWARMCHAIN_RPC_DOC);
  EXPECT_TRUE(in) << "cannot read " << SWARMCHAIN_RPC_DOC;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every `name` in a "### `name` ..." heading (an alias shares its method's heading).
std::set<std::string> documented_methods(const std::string& doc) {
  std::set<std::string> out;
  std::istringstream lines(doc);
  static const std::regex kName("`([a-z_0-9]+)`");
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("### `", 0) != 0) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kName);
         it != std::sregex_iterator(); ++it)
      out.insert((*it)[1]);
  }
  return out;
}

class RpcDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    auto setup = ensure_dev_datadir(dir.path(), 0, 1'700'000'000'000ULL);
    ASSERT_TRUE(setup) << setup.error().message();
    NodeConfig cfg;
    cfg.datadir = dir.path();
    cfg.rpc_port = 0;
    auto opened = Node::open(cfg);
    ASSERT_TRUE(opened) << opened.error().message();
    node = std::move(*opened);
    Status s = node->start();
    ASSERT_TRUE(s) << s.message();
  }
  void TearDown() override {
    if (node) node->stop();
  }

  TempDir dir{"rpc-doc"};
  std::unique_ptr<Node> node;
};

TEST_F(RpcDoc, EveryServedMethodIsDocumentedAndEveryDocumentedOneIsServed) {
  const std::vector<std::string> served_list = node->rpc_methods();
  const std::set<std::string> served(served_list.begin(), served_list.end());
  const std::set<std::string> documented = documented_methods(rpc_doc());
  ASSERT_GT(served.size(), 10u);
  for (const auto& m : served)
    EXPECT_TRUE(documented.contains(m)) << "'" << m << "' is served but has no \"### `" << m
                                        << "`\" heading in docs/rpc.md";
  for (const auto& m : documented)
    EXPECT_TRUE(served.contains(m)) << "docs/rpc.md documents '" << m
                                    << "', which the node does not serve";
}

TEST_F(RpcDoc, HealthAnswersWhatTheDocShows) {
  httplib::Client cli("127.0.0.1", node->rpc_port());
  auto r = cli.Get("/health");
  ASSERT_TRUE(r) << "no answer from /health";
  EXPECT_EQ(r->status, 200);
  // The body the doc shows, with the height as a placeholder.
  static const std::regex kShown(R"re(\{"height":(\d+),"status":"ok"\})re");
  EXPECT_TRUE(std::regex_match(r->body, kShown)) << r->body;
  EXPECT_NE(rpc_doc().find(R"({"height":1234,"status":"ok"})"), std::string::npos)
      << "docs/rpc.md no longer shows the /health body " << r->body;
}

}  // namespace
}  // namespace swarmchain::test

// Acceptance gate for design §5.6: the shared vectors and our own golden tables are
// reproduced exactly.
#include <gtest/gtest.h>

#include <string>

#include "tests/registry/swarm_json.h"

namespace swarmchain {
namespace {

using test::SwarmCase;

void expect_every_case_reproduced(const std::string& path, std::size_t min_cases) {
  const nlohmann::json file = test::read_json_file(path);
  const auto& cases = file.at("cases");
  ASSERT_GE(cases.size(), min_cases) << path;
  for (const auto& j : cases) {
    const SwarmCase c = test::case_from_json(j);
    const SwarmTable actual = test::run_case(c);
    EXPECT_TRUE(actual == c.expected)
        << "case \"" << c.name << "\" of " << path << "\n  expected sizes: "
        << test::size_summary(c.expected) << "\n  actual sizes:   " << test::size_summary(actual)
        << "\n  actual table: " << test::table_to_json(actual).dump();
  }
}

TEST(SwarmAssignmentVectors, SharedVectorsAreReproducedExactly) {
  expect_every_case_reproduced(SWARMCHAIN_TEST_DATA_DIR "/shared_swarm_assignment.json", 4);
}

TEST(SwarmAssignmentVectors, CheckedInGoldenTablesAreReproducedExactly) {
  expect_every_case_reproduced(SWARMCHAIN_TEST_DATA_DIR "/swarm_golden.json", 20);
}

}  // namespace
}  // namespace swarmchain

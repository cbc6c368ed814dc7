// Helpers to read the golden files in tests/data/ (SWARMCHAIN_TEST_DATA_DIR).
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace swarmchain::testing {

// Throws (and so fails the calling test) if the file is missing or not valid JSON.
inline nlohmann::json load_golden(const std::string& name) {
  const std::string path = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open golden file " + path);
  return nlohmann::json::parse(in);
}

}  // namespace swarmchain::testing

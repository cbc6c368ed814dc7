// Helpers for the golden files in tests/data/ (SWARMCHAIN_TEST_DATA_DIR): reading them, the
// "rewrite them" switch, and recognisable field contents for the values behind them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
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

// Whether the environment variable `name` is "1" (the switch that makes a golden test or
// generator rewrite its file instead of checking it).
inline bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string(v) == "1";
}

// Bytes start, start+1, ... (wrapping): distinct, recognisable field contents.
template <typename Fixed>
Fixed pattern(uint8_t start) {
  Fixed f;
  for (std::size_t i = 0; i < Fixed::kSize; ++i) f.data[i] = static_cast<uint8_t>(start + i);
  return f;
}

}  // namespace swarmchain::testing

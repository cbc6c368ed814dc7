// Fuzz target: a genesis JSON file (chain/params.h), what every node reads at start.
// Properties: an accepted genesis validates, prints as JSON that reads back to the same
// genesis and holds every number the file gave as written (no -1 read as 2^64-1, no 1.5 read
// as 1), and its canonical encoding (hashed into the chain id) decodes back to it.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "chain/params.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;
using nlohmann::json;

namespace {

void check_numbers_kept(const json& in, const json& out) {
  fuzz::check(in.at("genesis_time_ms") == out.at("genesis_time_ms"), "genesis_time_ms changed");
  if (in.contains("params"))
    for (const auto& [k, v] : in.at("params").items())
      if (k != "preset") fuzz::check(v == out.at("params").at(k), "a genesis param changed on reading");
  for (const char* list : {"accounts", "service_nodes"}) {
    if (!in.contains(list)) continue;
    fuzz::check(in.at(list).is_array(), "a genesis list that is not a JSON array was accepted");
    const char* field = list == std::string_view("accounts") ? "balance" : "stake";
    for (std::size_t i = 0; i < in.at(list).size(); ++i)
      fuzz::check(in.at(list).at(i).at(field) == out.at(list).at(i).at(field),
                  "a balance or stake changed on reading");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text(data, size);
  auto g = Genesis::from_json(text);
  if (!g) return 0;
  fuzz::check(static_cast<bool>(g->validate()), "an accepted genesis does not validate");
  const std::string printed = g->to_json();
  auto again = Genesis::from_json(printed);
  fuzz::check(again && *again == *g, "an accepted genesis does not survive to_json/from_json");
  check_numbers_kept(json::parse(text), json::parse(printed));
  auto decoded = decode_exact<Genesis>(encode(*g));
  fuzz::check(decoded && *decoded == *g, "a genesis does not survive its canonical encoding");
  (void)g->chain_id();
  return 0;
}

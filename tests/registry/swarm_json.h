// Test helpers: the JSON form of swarm-assignment cases, shared by the replay tests and the
// golden-file generator. The format is the one of ../shared/vectors/swarm_assignment.json:
//   {"name", "swarms_before": {"<decimal id>": [hex pubkey, ...]}, "remove": [hex...],
//    "add": [hex...], "block_hash": hex, "expected": {"<decimal id>": [hex...]}}
#pragma once

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "registry/swarm_assigner.h"

namespace swarmchain::test {

struct SwarmCase {
  std::string name;
  SwarmTable before;
  std::vector<PubKey> remove;
  std::vector<PubKey> add;
  Hash block_hash;
  SwarmTable expected;
};

inline PubKey pubkey_from_json(const nlohmann::json& j) {
  auto k = fixed_from_hex<PubKey>(j.get<std::string>());
  if (!k) throw std::runtime_error("bad pubkey hex in test data: " + j.dump());
  return *k;
}

inline std::vector<PubKey> pubkeys_from_json(const nlohmann::json& j) {
  std::vector<PubKey> out;
  for (const auto& e : j) out.push_back(pubkey_from_json(e));
  return out;
}

inline SwarmTable table_from_json(const nlohmann::json& j) {
  SwarmTable t;
  for (const auto& [key, members] : j.items()) {
    SwarmId id = 0;
    const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc{} || ptr != key.data() + key.size())
      throw std::runtime_error("bad swarm id in test data: " + key);
    t[id] = pubkeys_from_json(members);
  }
  return t;
}

// Output uses ordered_json so that swarms appear in ascending numeric id order, as in the
// shared vectors (nlohmann::json would sort the decimal keys as strings).
inline nlohmann::ordered_json pubkeys_to_json(const std::vector<PubKey>& keys) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& k : keys) out.push_back(to_hex(k));
  return out;
}

inline nlohmann::ordered_json table_to_json(const SwarmTable& t) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [id, members] : t) out[std::to_string(id)] = pubkeys_to_json(members);
  return out;
}

inline SwarmCase case_from_json(const nlohmann::json& j) {
  SwarmCase c;
  c.name = j.at("name").get<std::string>();
  c.before = table_from_json(j.at("swarms_before"));
  c.remove = pubkeys_from_json(j.at("remove"));
  c.add = pubkeys_from_json(j.at("add"));
  auto h = fixed_from_hex<Hash>(j.at("block_hash").get<std::string>());
  if (!h) throw std::runtime_error("bad block hash in test data: " + c.name);
  c.block_hash = *h;
  c.expected = table_from_json(j.at("expected"));
  return c;
}

inline nlohmann::ordered_json case_to_json(const SwarmCase& c) {
  return {{"name", c.name},
          {"swarms_before", table_to_json(c.before)},
          {"remove", pubkeys_to_json(c.remove)},
          {"add", pubkeys_to_json(c.add)},
          {"block_hash", to_hex(c.block_hash)},
          {"expected", table_to_json(c.expected)}};
}

// The computation every case describes: take the leavers out, then run the assignment.
inline SwarmTable run_case(const SwarmCase& c) {
  return assign_swarms(remove_from_swarms(c.before, c.remove), c.add, c.block_hash);
}

// "id:size id:size ..." — enough to see where two tables part ways.
inline std::string size_summary(const SwarmTable& t) {
  std::ostringstream out;
  for (const auto& [id, members] : t) out << id << ':' << members.size() << ' ';
  return out.str();
}

inline nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

}  // namespace swarmchain::test

// Genesis <-> JSON, and reading the genesis file. Users write this file by hand, so every
// refusal names the spot: a syntax error by line and column (common/json_syntax.h), anything
// else by its key path ("accounts[2].balance", "params.committee_size"), and numbers are refused
// as what they are (negative, fractional, out of range) instead of being converted: nlohmann's
// get<uint64_t>() turns -1 into 2^64-1, 1.5 into 1, and get<uint32_t>() cuts 2^32 to 0.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include "chain/params.h"
#include "common/address.h"
#include "common/hex.h"
#include "common/json_syntax.h"

namespace swarmchain {

namespace {

using nlohmann::json;

json params_to_json(const ChainParams& p) {
  return json{{"target_block_ms", p.target_block_ms},
              {"staking_requirement", p.staking_requirement.atomic()},
              {"min_operator_stake", p.min_operator_stake.atomic()},
              {"max_contributors", p.max_contributors},
              {"unlock_delay_blocks", p.unlock_delay_blocks},
              {"dereg_lock_blocks", p.dereg_lock_blocks},
              {"block_reward", p.block_reward.atomic()},
              {"committee_size", p.committee_size},
              {"epoch_blocks", p.epoch_blocks},
              {"min_swarm_size", p.min_swarm_size},
              {"ideal_swarm_size", p.ideal_swarm_size},
              {"proof_interval_s", p.proof_interval_s},
              {"proof_lifetime_s", p.proof_lifetime_s},
              {"max_block_bytes", p.max_block_bytes},
              {"max_block_txs", p.max_block_txs},
              {"max_clock_drift_ms", p.max_clock_drift_ms},
              {"timeout_propose_ms", p.timeout_propose_ms},
              {"timeout_prevote_ms", p.timeout_prevote_ms},
              {"timeout_precommit_ms", p.timeout_precommit_ms},
              {"timeout_delta_ms", p.timeout_delta_ms},
              {"proof_skew_ms", p.proof_skew_ms},
              {"credit_initial_s", p.credit_initial_s},
              {"credit_per_day_s", p.credit_per_day_s},
              {"credit_max_s", p.credit_max_s},
              {"credit_min_to_decommission_s", p.credit_min_to_decommission_s}};
}

// What from_json refuses, thrown inside this file only and turned into a kContent Status.
struct ContentError {
  std::string what;
};

// "a string", "an object", "null": what a value is, for "x must be ..., not <kind>".
std::string kind(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return std::string("a ") + v.type_name();
}

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// `obj` (at `path`) must be an object holding `key`.
const json& member(const json& obj, const std::string& path, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end())
    throw ContentError{(path.empty() ? "" : path + ": ") + "missing key \"" + key + "\""};
  return *it;
}

void expect_object(const json& v, const std::string& path) {
  if (!v.is_object())
    throw ContentError{(path.empty() ? "the genesis" : path) + " must be a JSON object, not " +
                       kind(v)};
}

std::string text(const json& v, const std::string& path) {
  if (!v.is_string())
    throw ContentError{path + " must be a string, not " +
                       kind(v)};
  return v.get<std::string>();
}

// A whole number from 0 to T's maximum, refused as what it is otherwise.
template <typename T>
T whole(const json& v, const std::string& path) {
  const uint64_t max = std::numeric_limits<T>::max();
  const std::string range = "a whole number from 0 to " + std::to_string(max);
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > max)
      throw ContentError{path + " is out of range (" + v.dump() + "): it must be " + range};
    return static_cast<T>(v.get<uint64_t>());
  }
  if (v.is_number_integer())  // a signed integer nlohmann did not read as unsigned: negative
    throw ContentError{path + " is negative (" + v.dump() + "): it must be " + range};
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d < 0) throw ContentError{path + " is negative (" + v.dump() + "): it must be " + range};
    if (std::floor(d) != d)
      throw ContentError{path + " is not a whole number (" + v.dump() + "): it must be " + range +
                         ", in the field's unit (amounts in atomic units)"};
    if (d >= static_cast<double>(max) + 1.0)
      throw ContentError{path + " is out of range (" + v.dump() + "): it must be " + range};
    throw ContentError{path + " is written with a '.' or an exponent (" + v.dump() +
                       "): write the whole number in digits only"};
  }
  throw ContentError{path + " must be " + range + ", not " +
                     kind(v)};
}

// Starts from a preset ("preset": "dev" | "main-like", default main-like) and overrides fields.
ChainParams params_from_json(const json& j) {
  expect_object(j, "params");
  ChainParams p = ChainParams::main_like();
  if (j.contains("preset")) {
    const std::string preset = text(j.at("preset"), "params.preset");
    if (preset == "dev") p = ChainParams::dev();
    else if (preset != "main-like")
      throw ContentError{"params.preset \"" + preset + "\" is unknown: use \"dev\" or \"main-like\""};
  }
  static const std::set<std::string> known = {
      "preset", "target_block_ms", "staking_requirement", "min_operator_stake",
      "max_contributors", "unlock_delay_blocks", "dereg_lock_blocks", "block_reward",
      "committee_size", "epoch_blocks", "min_swarm_size", "ideal_swarm_size",
      "proof_interval_s", "proof_lifetime_s", "max_block_bytes", "max_block_txs",
      "max_clock_drift_ms", "timeout_propose_ms", "timeout_prevote_ms", "timeout_precommit_ms",
      "timeout_delta_ms", "proof_skew_ms", "credit_initial_s", "credit_per_day_s", "credit_max_s",
      "credit_min_to_decommission_s"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key())) throw ContentError{"unknown genesis param \"" + it.key() + "\""};
  auto u64 = [&](const char* k, uint64_t& out) {
    if (j.contains(k)) out = whole<uint64_t>(j.at(k), child("params", k));
  };
  auto u32 = [&](const char* k, uint32_t& out) {
    if (j.contains(k)) out = whole<uint32_t>(j.at(k), child("params", k));
  };
  auto amt = [&](const char* k, Amount& out) {
    if (j.contains(k)) out = Amount(whole<uint64_t>(j.at(k), child("params", k)));
  };
  u64("target_block_ms", p.target_block_ms);
  amt("staking_requirement", p.staking_requirement);
  amt("min_operator_stake", p.min_operator_stake);
  u32("max_contributors", p.max_contributors);
  u64("unlock_delay_blocks", p.unlock_delay_blocks);
  u64("dereg_lock_blocks", p.dereg_lock_blocks);
  amt("block_reward", p.block_reward);
  u32("committee_size", p.committee_size);
  u64("epoch_blocks", p.epoch_blocks);
  u32("min_swarm_size", p.min_swarm_size);
  u32("ideal_swarm_size", p.ideal_swarm_size);
  u64("proof_interval_s", p.proof_interval_s);
  u64("proof_lifetime_s", p.proof_lifetime_s);
  u64("max_block_bytes", p.max_block_bytes);
  u32("max_block_txs", p.max_block_txs);
  u64("max_clock_drift_ms", p.max_clock_drift_ms);
  u64("timeout_propose_ms", p.timeout_propose_ms);
  u64("timeout_prevote_ms", p.timeout_prevote_ms);
  u64("timeout_precommit_ms", p.timeout_precommit_ms);
  u64("timeout_delta_ms", p.timeout_delta_ms);
  u64("proof_skew_ms", p.proof_skew_ms);
  u64("credit_initial_s", p.credit_initial_s);
  u64("credit_per_day_s", p.credit_per_day_s);
  u64("credit_max_s", p.credit_max_s);
  u64("credit_min_to_decommission_s", p.credit_min_to_decommission_s);
  return p;
}

PubKey address_field(const json& obj, const std::string& path, const char* key) {
  const std::string where = child(path, key);
  auto pk = parse_address(text(member(obj, path, key), where));
  if (!pk) throw ContentError{where + ": " + pk.error().message()};
  return *pk;
}

// Arrays only: a range-for over an object would take its values in key order.
const json& array_field(const json& top, const char* key) {
  static const json kEmpty = json::array();
  auto it = top.find(key);
  if (it == top.end()) return kEmpty;
  if (!it->is_array())
    throw ContentError{std::string(key) + " must be a JSON array, not " +
                       kind(*it)};
  return *it;
}

Genesis genesis_from(const json& j) {
  expect_object(j, "");
  Genesis g;
  g.network = text(member(j, "", "network"), "network");
  g.genesis_time_ms = whole<uint64_t>(member(j, "", "genesis_time_ms"), "genesis_time_ms");
  if (auto it = j.find("params"); it != j.end()) g.params = params_from_json(*it);
  const json& accounts = array_field(j, "accounts");
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const std::string path = "accounts[" + std::to_string(i) + "]";
    const json& a = accounts[i];
    expect_object(a, path);
    const PubKey pk = address_field(a, path, "address");
    g.accounts.push_back({pk, Amount(whole<uint64_t>(member(a, path, "balance"),
                                                     child(path, "balance")))});
  }
  const json& nodes = array_field(j, "service_nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string path = "service_nodes[" + std::to_string(i) + "]";
    const json& s = nodes[i];
    expect_object(s, path);
    const std::string key_path = child(path, "pubkey");
    auto pk = fixed_from_hex<PubKey>(text(member(s, path, "pubkey"), key_path));
    if (!pk) throw ContentError{key_path + " must be 64 hex digits"};
    const PubKey op = address_field(s, path, "operator");
    g.service_nodes.push_back(
        {*pk, op, Amount(whole<uint64_t>(member(s, path, "stake"), child(path, "stake")))});
  }
  return g;
}

}  // namespace

std::string Genesis::to_json() const {
  json j;
  j["network"] = network;
  j["genesis_time_ms"] = genesis_time_ms;
  j["params"] = params_to_json(params);
  j["accounts"] = json::array();
  for (const auto& a : accounts)
    j["accounts"].push_back({{"address", address_from_pubkey(a.pubkey)},
                             {"balance", a.balance.atomic()}});
  j["service_nodes"] = json::array();
  for (const auto& sn : service_nodes)
    j["service_nodes"].push_back({{"pubkey", to_hex(sn.pubkey)},
                                  {"operator", address_from_pubkey(sn.operator_key)},
                                  {"stake", sn.stake.atomic()}});
  return j.dump(2) + "\n";
}

Expected<Genesis> Genesis::from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception&) {
    // The checker names the spot; it agrees with nlohmann on RFC 8259, so the fallback (its
    // verdict differs) is for a number too large for a double: nlohmann refuses 1e400.
    if (auto e = find_json_syntax_error(text))
      return fail(GenesisJsonError::kSyntax, "line " + std::to_string(e->line) + " column " +
                                                 std::to_string(e->column) + ": " + e->what);
    return fail(GenesisJsonError::kContent, "a number is too large to read");
  }
  try {
    Genesis g = genesis_from(j);
    if (Status st = g.validate(); !st) return fail(GenesisJsonError::kContent, st.message());
    return g;
  } catch (const ContentError& e) {
    return fail(GenesisJsonError::kContent, e.what);
  }
}

Expected<Genesis> Genesis::load(const std::filesystem::path& path) {
  const std::string where = "genesis " + path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found)
    return fail(GenesisJsonError::kFile,
                where + " does not exist: give the chain's genesis file with --genesis (a "
                        "network's operators publish it; `swarmchaind testnet` writes one)");
  if (status.type() == std::filesystem::file_type::directory)
    return fail(GenesisJsonError::kFile,
                where + " is a directory: --genesis takes the genesis file (genesis.json) itself");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(GenesisJsonError::kFile, "cannot read " + where + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return fail(GenesisJsonError::kFile, "cannot read " + where + ": " + std::strerror(errno));
  auto g = from_json(ss.str());
  if (!g) {
    const bool syntax = g.error().code_as<GenesisJsonError>() == GenesisJsonError::kSyntax;
    return fail(g.error().code_as<GenesisJsonError>(),
                where + (syntax ? " " : ": ") + g.error().message());
  }
  return g;
}

}  // namespace swarmchain

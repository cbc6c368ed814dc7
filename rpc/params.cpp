#include "rpc/params.h"

#include <utility>

#include "registry/swarm_lookup.h"

namespace swarmchain::rpc {

using nlohmann::json;

Params::Params(const json& params) : params_(params) {
  if (!params_.is_object()) fail("params must be an object");
}

bool Params::has(std::string_view name) const {
  if (!params_.is_object()) return false;
  auto it = params_.find(name);
  return it != params_.end() && !it->is_null();
}

const json* Params::find(std::string_view name, bool required) {
  if (params_.is_object()) {
    auto it = params_.find(name);
    if (it != params_.end() && !it->is_null()) return &*it;
  }
  if (required) fail("'" + std::string(name) + "' is required");
  return nullptr;
}

void Params::fail(std::string what) {
  if (!error_) error_ = RpcError::invalid_params(std::move(what));
}

void Params::fail_type(std::string_view name, std::string_view expected) {
  fail("'" + std::string(name) + "' must be " + std::string(expected));
}

uint64_t Params::to_u64(std::string_view name, const json& v) {
  // The parser stores non-negative integers as number_unsigned; number_integer only appears
  // for negatives (or for json built in C++, hence the >= 0 check).
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
  fail_type(name, "an unsigned integer");
  return 0;
}

std::string Params::to_string(std::string_view name, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  fail_type(name, "a string");
  return {};
}

bool Params::to_bool(std::string_view name, const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  fail_type(name, "a boolean");
  return false;
}

std::vector<std::string> Params::to_string_array(std::string_view name, const json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    out.reserve(v.size());
    for (const json& item : v) {
      if (!item.is_string()) break;
      out.push_back(item.get<std::string>());
    }
    if (out.size() == v.size()) return out;
  }
  fail_type(name, "an array of strings");
  return {};
}

uint64_t Params::required_u64(std::string_view name) {
  const json* v = find(name, true);
  return v ? to_u64(name, *v) : 0;
}

std::optional<uint64_t> Params::optional_u64(std::string_view name) {
  const json* v = find(name, false);
  if (!v) return std::nullopt;
  return to_u64(name, *v);
}

uint64_t Params::optional_u64(std::string_view name, uint64_t fallback) {
  const json* v = find(name, false);
  return v ? to_u64(name, *v) : fallback;
}

std::string Params::required_string(std::string_view name) {
  const json* v = find(name, true);
  return v ? to_string(name, *v) : std::string();
}

std::optional<std::string> Params::optional_string(std::string_view name) {
  const json* v = find(name, false);
  if (!v) return std::nullopt;
  return to_string(name, *v);
}

std::string Params::optional_string(std::string_view name, std::string fallback) {
  const json* v = find(name, false);
  return v ? to_string(name, *v) : std::move(fallback);
}

bool Params::required_bool(std::string_view name) {
  const json* v = find(name, true);
  return v ? to_bool(name, *v) : false;
}

bool Params::optional_bool(std::string_view name, bool fallback) {
  const json* v = find(name, false);
  return v ? to_bool(name, *v) : fallback;
}

std::vector<std::string> Params::required_string_array(std::string_view name) {
  const json* v = find(name, true);
  return v ? to_string_array(name, *v) : std::vector<std::string>();
}

std::vector<std::string> Params::optional_string_array(std::string_view name) {
  const json* v = find(name, false);
  return v ? to_string_array(name, *v) : std::vector<std::string>();
}

std::optional<json> Params::optional_object(std::string_view name) {
  const json* v = find(name, false);
  if (!v) return std::nullopt;
  if (v->is_object()) return *v;
  fail_type(name, "an object");
  return std::nullopt;
}

void Params::allow_only(std::initializer_list<std::string_view> known) {
  if (!params_.is_object()) return;
  for (const auto& [key, value] : params_.items()) {
    bool listed = false;
    for (std::string_view k : known) listed = listed || k == key;
    if (!listed) {
      fail("unknown param '" + key + "'");
      return;
    }
  }
}

std::optional<PubKey> address_param(Params& p, const std::string& name, std::string_view text) {
  auto pk = parse_address(text);
  if (!pk) {
    p.fail("'" + name + "': " + pk.error().message());
    return std::nullopt;
  }
  return *pk;
}

std::optional<PubKey> user_pubkey_param(Params& p, const std::string& name, std::string_view text) {
  auto pk = parse_user_pubkey(text);
  if (!pk) {
    p.fail("'" + name + "': " + pk.error().message());
    return std::nullopt;
  }
  return *pk;
}

}  // namespace swarmchain::rpc

// Params: typed access to a JSON-RPC params object, so a method author gets a -32602 error
// that names the bad param without writing the checks by hand:
//
//   Params p(params);
//   uint64_t height = p.required_u64("height");
//   std::optional<std::string> hash = p.optional_string("hash");
//   bool active_only = p.optional_bool("active_only", false);
//   std::vector<std::string> keys = p.optional_string_array("service_node_pubkeys");
//   p.allow_only({"height", "hash", "active_only", "service_node_pubkeys"});  // strict, optional
//   if (auto err = p.error()) return unexpected(*err);
//
// Like codec's Reader, Params keeps the FIRST problem and every getter still returns a value
// (a zero/empty one when the param is bad), so a method reads all its params and checks
// error() once. Messages look like "invalid params: 'height' must be an unsigned integer".
//
// An explicit null counts as absent: many clients serialise "not set" as null. For a required
// param, absent and null both give "'x' is required".
//
// Thread-safety: a single-thread value, made per call.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/hex.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

class Params {
 public:
  // REQUIRES: params outlives this Params. A non-object is recorded as an error.
  explicit Params(const nlohmann::json& params);
  Params(const nlohmann::json&& params) = delete;  // would dangle

  // True when the param is present and not null.
  bool has(std::string_view name) const;

  // Unsigned integers: negative numbers, fractions and strings are rejected (no silent casts).
  uint64_t required_u64(std::string_view name);
  std::optional<uint64_t> optional_u64(std::string_view name);
  uint64_t optional_u64(std::string_view name, uint64_t fallback);

  std::string required_string(std::string_view name);
  std::optional<std::string> optional_string(std::string_view name);
  std::string optional_string(std::string_view name, std::string fallback);

  bool required_bool(std::string_view name);
  bool optional_bool(std::string_view name, bool fallback);

  std::vector<std::string> required_string_array(std::string_view name);
  // Absent (or null) gives an empty vector; use has() if "absent" and "[]" must differ.
  std::vector<std::string> optional_string_array(std::string_view name);

  // An object param such as get_service_nodes' fields{name:true}; nullopt when absent.
  std::optional<nlohmann::json> optional_object(std::string_view name);

  // Strict params: any name not listed is an error "unknown param 'x'". Methods opt in, because
  // rejecting unknown names breaks clients that send extra fields other nodes accept.
  void allow_only(std::initializer_list<std::string_view> known);

  // Records a method-specific problem, e.g. fail("'hash' must be 64 hex digits"), unless an
  // earlier one is already recorded. The text gets the "invalid params: " prefix.
  void fail(std::string what);

  // The first problem as a -32602 RpcError, or nullopt when every param was fine.
  std::optional<RpcError> error() const { return error_; }

 private:
  // The value of `name`, or nullptr when absent or null; records "'x' is required" if required.
  const nlohmann::json* find(std::string_view name, bool required);
  void fail_type(std::string_view name, std::string_view expected);
  uint64_t to_u64(std::string_view name, const nlohmann::json& v);
  std::string to_string(std::string_view name, const nlohmann::json& v);
  bool to_bool(std::string_view name, const nlohmann::json& v);
  std::vector<std::string> to_string_array(std::string_view name, const nlohmann::json& v);

  const nlohmann::json& params_;
  std::optional<RpcError> error_;
};

// Typed values carried as text. Each records its problem in `p` and returns nullopt.

// A fixed-size hex value such as a service-node pubkey or a block hash: exactly 2·kSize digits,
// one case.
template <typename Fixed>
std::optional<Fixed> fixed_hex_param(Params& p, const std::string& name, std::string_view text) {
  constexpr std::size_t digits = 2 * Fixed::kSize;
  if (text.size() != digits) {
    p.fail("'" + name + "' must be " + std::to_string(digits) + " hex digits, got " +
           std::to_string(text.size()) + " characters");
    return std::nullopt;
  }
  auto v = fixed_from_hex<Fixed>(text);
  if (!v) p.fail("'" + name + "' is not hex (or mixes upper and lower case digits)");
  return v;
}

// An account address ("sw1…", or a 64-digit pubkey as parse_address takes it).
std::optional<PubKey> address_param(Params& p, const std::string& name, std::string_view text);

// A Session user's pubkey as get_swarm takes it (registry/swarm_lookup.h parse_user_pubkey).
std::optional<PubKey> user_pubkey_param(Params& p, const std::string& name, std::string_view text);

}  // namespace swarmchain::rpc

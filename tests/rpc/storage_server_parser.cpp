#include "tests/rpc/storage_server_parser.h"

#include <cctype>
#include <limits>
#include <string_view>

namespace swarmchain::test {

using nlohmann::json;

namespace {

[[noreturn]] void fail(std::string_view key, std::string_view what) {
  throw StorageServerParseError("'" + std::string(key) + "' " + std::string(what));
}

const json& required(const json& obj, std::string_view key) {
  if (!obj.is_object()) fail(key, "read from something that is not an object");
  auto it = obj.find(key);
  if (it == obj.end()) fail(key, "is missing");
  return *it;
}

uint64_t as_u64(const json& v, std::string_view key) {
  // Text parses a non-negative integer as unsigned; a json made in C++ may hold it signed.
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    fail(key, "must be a non-negative integer, got " + v.dump());
  return v.get<uint64_t>();
}

uint16_t as_u16(const json& v, std::string_view key) {
  const uint64_t x = as_u64(v, key);
  if (x > std::numeric_limits<uint16_t>::max()) fail(key, "is out of u16 range: " + v.dump());
  return static_cast<uint16_t>(x);
}

int as_int(const json& v, std::string_view key) {
  if (!v.is_number_integer()) fail(key, "must be an integer, got " + v.dump());
  const int64_t x = v.get<int64_t>();
  if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
    fail(key, "is out of int range");
  return static_cast<int>(x);
}

bool as_bool(const json& v, std::string_view key) {
  if (!v.is_boolean()) fail(key, "must be a boolean, got " + v.dump());
  return v.get<bool>();
}

const std::string& as_string(const json& v, std::string_view key) {
  if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
  return v.get_ref<const std::string&>();
}

std::string as_key_hex(const json& v, std::string_view key, bool allow_empty) {
  const std::string& s = as_string(v, key);
  if (s.empty() && allow_empty) return s;
  if (s.size() != 64) fail(key, "must be 64 hex digits, got " + std::to_string(s.size()));
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) fail(key, "is not hex: " + s);
  return s;
}

// j.value(key, default) as the storage server calls it: absent -> default, present -> the
// typed read (which throws on a wrong type, null included).
const json* optional(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::array<int, 3> as_version(const json& v, std::string_view key) {
  if (!v.is_array() || v.size() != 3) fail(key, "must be an array of 3 integers, got " + v.dump());
  return {as_int(v[0], key), as_int(v[1], key), as_int(v[2], key)};
}

}  // namespace

json storage_server_request(const std::optional<std::string>& poll_block_hash) {
  json params{{"active_only", false},
              {"fields",
               {{"service_node_pubkey", true}, {"swarm_id", true}, {"storage_port", true},
                {"public_ip", true}, {"height", true}, {"block_hash", true},
                {"hardfork", true}, {"snode_revision", true}, {"funded", true},
                {"pubkey_x25519", true}, {"pubkey_ed25519", true}, {"storage_lmq_port", true},
                {"storage_server_version", true}}}};
  if (poll_block_hash) params["poll_block_hash"] = *poll_block_hash;
  return params;
}

SsBlockUpdate parse_service_nodes_update(const json& result) {
  SsBlockUpdate bu;
  bu.height = as_u64(required(result, "height"), "height");
  bu.block_hash = as_string(required(result, "block_hash"), "block_hash");
  bu.hardfork = as_int(required(result, "hardfork"), "hardfork");
  if (const json* v = optional(result, "snode_revision"))
    bu.snode_revision = as_int(*v, "snode_revision");
  if (const json* v = optional(result, "unchanged")) bu.unchanged = as_bool(*v, "unchanged");
  if (bu.unchanged) return bu;

  const json& states = required(result, "service_node_states");
  if (!states.is_array()) fail("service_node_states", "must be an array");
  for (const json& sn : states) {
    if (!as_bool(required(sn, "funded"), "funded")) {
      ++bu.unfunded_skipped;
      continue;
    }
    SsRecord r;
    r.pubkey_legacy = as_key_hex(required(sn, "service_node_pubkey"), "service_node_pubkey", false);
    if (const json* v = optional(sn, "pubkey_x25519"))
      r.pubkey_x25519 = as_key_hex(*v, "pubkey_x25519", true);
    if (const json* v = optional(sn, "pubkey_ed25519"))
      r.pubkey_ed25519 = as_key_hex(*v, "pubkey_ed25519", true);
    if (r.pubkey_x25519.empty() || r.pubkey_ed25519.empty()) {
      ++bu.missing_aux_pks;
      continue;
    }
    if (const json* v = optional(sn, "public_ip")) r.ip = as_string(*v, "public_ip");
    if (const json* v = optional(sn, "storage_port")) r.https_port = as_u16(*v, "storage_port");
    if (const json* v = optional(sn, "storage_lmq_port"))
      r.omq_port = as_u16(*v, "storage_lmq_port");
    if (const json* v = optional(sn, "storage_server_version"))
      r.version = as_version(*v, "storage_server_version");
    r.swarm_id = as_u64(required(sn, "swarm_id"), "swarm_id");
    if (r.swarm_id == kInvalidSwarmId)
      bu.decommissioned.push_back(std::move(r));
    else
      bu.swarms[r.swarm_id].push_back(std::move(r));
  }
  return bu;
}

SwarmReply parse_swarm_reply(const json& result) {
  SwarmReply out;
  out.swarm_id = as_u64(required(result, "swarm_id"), "swarm_id");
  out.swarm = as_string(required(result, "swarm"), "swarm");
  out.height = as_u64(required(result, "height"), "height");
  out.t = as_u64(required(result, "t"), "t");
  const json& hf = required(result, "hf");
  if (!hf.is_array() || hf.size() != 2) fail("hf", "must be [major, minor]");
  out.hf = {as_int(hf[0], "hf"), as_int(hf[1], "hf")};
  const json& snodes = required(result, "snodes");
  if (!snodes.is_array()) fail("snodes", "must be an array");
  for (const json& s : snodes) {
    SwarmReplyNode n;
    n.address = as_string(required(s, "address"), "address");
    n.pubkey_legacy = as_key_hex(required(s, "pubkey_legacy"), "pubkey_legacy", false);
    n.pubkey_x25519 = as_key_hex(required(s, "pubkey_x25519"), "pubkey_x25519", false);
    n.pubkey_ed25519 = as_key_hex(required(s, "pubkey_ed25519"), "pubkey_ed25519", false);
    n.ip = as_string(required(s, "ip"), "ip");
    n.port_https = as_u16(required(s, "port_https"), "port_https");
    n.port_omq = as_u16(required(s, "port_omq"), "port_omq");
    // "port": the storage server's deprecated string copy of port_https.
    if (as_string(required(s, "port"), "port") != std::to_string(n.port_https))
      fail("port", "must be port_https as a string");
    out.snodes.push_back(std::move(n));
  }
  return out;
}

}  // namespace swarmchain::test

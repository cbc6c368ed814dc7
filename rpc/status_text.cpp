#include "rpc/status_text.h"

#include <cstdio>
#include <optional>

namespace swarmchain::rpc {

namespace {

using nlohmann::json;

std::optional<uint64_t> u64_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

std::string duration_or_unknown(const json& j, const char* key) {
  auto v = u64_of(j, key);
  return v ? format_duration_s(*v) : "?";
}

std::string line(const char* label, const std::string& value) {
  std::string out = "  ";
  out += label;
  out.append(out.size() < 16 ? 16 - out.size() : 1, ' ');
  return out + value + "\n";
}

}  // namespace

std::string format_duration_s(uint64_t s) {
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llu s", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llu min %02llu s", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else if (s < 86'400) {
    std::snprintf(buf, sizeof buf, "%llu h %02llu min", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu d %llu h", static_cast<unsigned long long>(s / 86'400),
                  static_cast<unsigned long long>(s % 86'400 / 3600));
  }
  return buf;
}

std::string liveness_text(const json& status) {
  auto it = status.find("liveness");
  if (it == status.end() || !it->is_object()) return "";
  const json& l = *it;
  std::string out;
  out += line("liveness:", l.value("explanation", std::string("?")));
  const json credit = l.value("credit_blocks", json());
  out += line("credit:", (credit.is_number_integer() ? std::to_string(credit.get<int64_t>()) : "?") +
                             " blocks (" + duration_or_unknown(l, "credit_s") + ")");
  const json age = l.value("last_proof_age_s", json());
  out += line("last proof:",
              (age.is_number_unsigned() ? format_duration_s(age.get<uint64_t>()) + " ago"
                                        : std::string("none yet")) +
                  " (one is due every " + duration_or_unknown(l, "proof_interval_s") +
                  ", stale after " + duration_or_unknown(l, "proof_lifetime_s") + ")");
  const bool decom = l.contains("down_before_decommission_s") &&
                     l["down_before_decommission_s"].is_number_unsigned();
  const bool dereg = l.contains("down_before_deregistration_s") &&
                     l["down_before_deregistration_s"].is_number_unsigned();
  if (decom || dereg) {
    std::string v;
    if (decom) v += "decommissioned in " + duration_or_unknown(l, "down_before_decommission_s");
    if (decom && dereg) v += ", ";
    if (dereg) v += "deregistered in " + duration_or_unknown(l, "down_before_deregistration_s");
    out += line("if it stays down:", v);
  }
  if (auto last = l.find("last_change"); last != l.end() && last->is_object()) {
    out += line("last change:", last->value("event", std::string("?")) + " at height " +
                                    (u64_of(*last, "height") ? std::to_string(*u64_of(*last, "height"))
                                                             : std::string("?")) +
                                    ": " + last->value("reason", std::string("?")));
  }
  const bool active = l.value("state", std::string()) == "active";
  if (auto checks = l.find("checks"); active && checks != l.end() && checks->is_array()) {
    for (const json& c : *checks) {
      if (!c.is_object() || c.value("kind", std::string()) != "reachability") continue;
      const bool now = c.value("tested_at_tip", false);
      const double chance = c.value("chance_per_block", 0.0);
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s; each block tests it with probability %.2f",
                    now ? "a quorum tests its p2p port at this block" : "not tested at this block",
                    chance);
      out += line("reachability:", buf);
    }
  }
  if (auto next = l.find("next_check"); next != l.end() && next->is_object()) {
    out += line("next check:", next->value("kind", std::string("?")) + " at height " +
                                   (u64_of(*next, "height") ? std::to_string(*u64_of(*next, "height"))
                                                            : std::string("?")) +
                                   " (every block)");
  }
  return out;
}

std::string swarm_text(const nlohmann::json& status) {
  const auto it = status.find("swarm_id");
  if (it == status.end() || !it->is_number_unsigned()) return "?";
  // registry/swarm_id.h's kUnassignedSwarm; rpc_client does not link the registry.
  const uint64_t id = it->get<uint64_t>();
  if (id == UINT64_MAX) return "none";
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(id));
  return hex;
}

}  // namespace swarmchain::rpc

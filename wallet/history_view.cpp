#include "wallet/history_view.h"

#include "common/amount.h"
#include "wallet/sn_commands.h"

namespace swarmchain {

using nlohmann::json;

namespace {

std::string coins(const json& e, const char* key) {
  auto v = u64_field(e, key);
  return v ? Amount(*v).to_string() : "?";
}
std::string text(const json& e, const char* key) { return string_field(e, key).value_or("?"); }
std::string heights(uint64_t newest, uint64_t oldest) {
  return oldest == newest ? "height " + std::to_string(newest)
                          : "heights " + std::to_string(oldest) + "-" + std::to_string(newest);
}

std::string tx_line(const json& e) {
  const std::string type = text(e, "type");
  const std::string dir = string_field(e, "direction").value_or("out");
  std::string line = "height " + std::to_string(u64_field(e, "height").value_or(0)) + "  " + type;
  if (type == "transfer") {
    if (dir == "in") line += "  in " + coins(e, "amount") + "  from " + text(e, "from");
    else if (dir == "self") line += "  self " + coins(e, "amount") + "  to itself";
    else line += "  out " + coins(e, "amount") + "  to " + text(e, "to");
  } else if (type == "stake" || type == "register_node") {
    line += "  out " + coins(e, "amount") + "  to service node " + text(e, "sn_pubkey");
  } else if (e.contains("sn_pubkey")) {
    line += "  service node " + text(e, "sn_pubkey");
  }
  if (dir != "in" && u64_field(e, "fee").value_or(0) != 0) line += "  fee " + coins(e, "fee");
  return line + "  txid " + text(e, "txid");
}

std::string event_line(const json& e, uint64_t oldest_height, std::size_t count,
                       uint64_t total) {
  const std::string kind = text(e, "kind");
  const uint64_t newest = u64_field(e, "height").value_or(0);
  std::string line = heights(newest, oldest_height) + "  ";
  if (kind == "reward") {
    line += count > 1 ? "reward x" + std::to_string(count) : std::string("reward");
  } else if (kind == "stake_returned") {
    line += "stake returned";
    if (auto cause = string_field(e, "cause"); cause && !cause->empty()) line += " (" + *cause + ")";
  } else {
    line += kind;
  }
  return line + "  in " + Amount(total).to_string() + "  from service node " + text(e, "sn_pubkey");
}

}  // namespace

std::vector<std::string> history_lines(const json& entries) {
  std::vector<std::string> out;
  if (!entries.is_array()) return out;
  for (std::size_t i = 0; i < entries.size();) {
    const json& e = entries[i];
    const std::string kind = string_field(e, "kind").value_or("tx");
    if (kind == "tx") {
      out.push_back(tx_line(e));
      ++i;
      continue;
    }
    // Rewards from the same node in consecutive entries collapse into one line.
    std::size_t j = i + 1;
    uint64_t total = u64_field(e, "amount").value_or(0);
    if (kind == "reward") {
      while (j < entries.size() && string_field(entries[j], "kind") == "reward" &&
             string_field(entries[j], "sn_pubkey") == string_field(e, "sn_pubkey")) {
        total += u64_field(entries[j], "amount").value_or(0);
        ++j;
      }
    }
    const uint64_t oldest = u64_field(entries[j - 1], "height").value_or(0);
    out.push_back(event_line(e, oldest, j - i, total));
    i = j;
  }
  return out;
}

std::string pending_summary(const Amount& in, uint64_t in_txs, const Amount& out,
                            uint64_t out_txs) {
  std::string text;
  if (in_txs > 0)
    text += "+" + in.to_string() + " incoming (" + std::to_string(in_txs) + " tx)";
  if (out_txs > 0)
    text += (text.empty() ? "-" : ", -") + out.to_string() + " outgoing with fees (" +
            std::to_string(out_txs) + " tx)";
  return text;
}

}  // namespace swarmchain

#include "wallet/tx_wait.h"

#include <cstdio>
#include <thread>

#include "common/hex.h"

namespace swarmchain {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// A JSON-RPC error that the node itself sent about the tx ("unknown transaction"), as opposed
// to not reaching the node or a node-side failure, which waiting may outlast.
bool node_does_not_know(const rpc::RpcError& e) {
  return e.code != rpc::kTransportError && e.code != rpc::kBadResponse &&
         e.code != rpc::kInternalError;
}

}  // namespace

std::string format_seconds(std::chrono::milliseconds d) {
  char buf[32];
  const double s = static_cast<double>(d.count()) / 1000.0;
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.1f s", s);
  return buf;
}

Expected<Committed> wait_committed(const rpc::RpcClient& node, const TxId& txid,
                                   const WaitOptions& options, Clock::time_point sent_at) {
  const std::string id = to_hex(txid);
  const Clock::time_point deadline = Clock::now() + options.timeout;
  int unknown_in_a_row = 0;
  std::string last_problem;
  while (true) {
    auto r = node.call("get_transaction", {{"txid", id}});
    if (r) {
      unknown_in_a_row = 0;
      const auto height = r->find("height");
      if (r->value("status", "") == "confirmed" && height != r->end() &&
          height->is_number_unsigned()) {
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent_at);
        return Committed{Height(height->get<uint64_t>()), took};
      }
      last_problem.clear();
    } else if (node_does_not_know(r.error())) {
      // Twice: a tx committed between the node's store lookup and its mempool lookup reads as
      // unknown once.
      if (++unknown_in_a_row >= 2)
        return fail("transaction " + id + " left the node's mempool without being committed (" +
                    r.error().message +
                    "): it was replaced or is no longer valid; check `balance` and send again");
    } else {
      unknown_in_a_row = 0;
      last_problem = r.error().message;
    }
    if (Clock::now() + options.poll > deadline) break;
    std::this_thread::sleep_for(options.poll);
  }
  const std::string waited = format_seconds(options.timeout);
  if (!last_problem.empty())
    return fail("could not confirm transaction " + id + " within " + waited + ": " +
                last_problem + "; it may still be committed: check with `history`");
  return fail("transaction " + id + " is still pending after " + waited +
              " (the node accepted it; it may yet be committed): check with `history`, or wait "
              "longer with --timeout");
}

int report_sent(const rpc::RpcClient& node, const WaitOptions& options, bool json_out,
                const std::string& summary, const TxId& txid, json extra,
                Clock::time_point sent_at, std::ostream& out, std::ostream& err) {
  json j = extra.is_object() ? std::move(extra) : json::object();
  j["txid"] = to_hex(txid);
  if (!json_out) out << summary << "\ntxid: " << to_hex(txid) << "\n" << std::flush;
  if (options.no_wait) {
    j["status"] = "pending";
    if (json_out) out << j.dump() << "\n";
    else out << "accepted, pending (not in a block yet)\n";
    return 0;
  }
  auto committed = wait_committed(node, txid, options, sent_at);
  if (!committed) {
    j["status"] = "not_committed";
    j["error"] = committed.error().message();
    if (json_out) out << j.dump() << "\n";
    else err << "error: " << committed.error().message() << "\n";
    return 1;
  }
  j["status"] = "committed";
  j["height"] = committed->height.value;
  j["elapsed_ms"] = committed->took.count();
  if (json_out) out << j.dump() << "\n";
  else out << "committed at height " << committed->height.value << " in "
           << format_seconds(committed->took) << "\n";
  return 0;
}

}  // namespace swarmchain

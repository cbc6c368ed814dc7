// The end of a wallet command that sent a tx (transfer, sn register/stake/unlock): wait until
// the tx is committed, then say at which height and how long it took (issue 12). BFT finality
// is one block here, so a tx in a block is final; before that it is only "accepted, pending"
// (what --no-wait prints), and the receiver's balance does not show it yet.
//
// Waiting polls get_transaction until it answers "confirmed". It fails (exit 1) when the tx is
// still pending at the deadline (it may still be committed later: the message says how to
// check), when the node no longer knows it twice in a row (it left the mempool without a
// block: replaced or no longer valid), or when the node stays unreachable until the deadline.
//
// Thread-safety: functions of their arguments; they block the calling thread while waiting.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/expected.h"
#include "common/height.h"
#include "rpc/client.h"

namespace swarmchain {

struct WaitOptions {
  bool no_wait = false;
  std::chrono::milliseconds timeout{30'000};
  std::chrono::milliseconds poll{200};
};

struct Committed {
  Height height;
  std::chrono::milliseconds took{0};  // from `sent_at` to the first answer that said committed
};

Expected<Committed> wait_committed(const rpc::RpcClient& node, const TxId& txid,
                                   const WaitOptions& options,
                                   std::chrono::steady_clock::time_point sent_at);

// "0.42 s", "12.3 s".
std::string format_seconds(std::chrono::milliseconds d);

// Prints what was sent and how it ended, and returns the exit code (0, or 1 if the wait
// failed). Text: `summary`, "txid: X", then "committed at height H in T" or "accepted,
// pending" (no_wait); a failed wait goes to `err`. JSON (one object on `out`): `extra` plus
// txid, status ("committed" with height and elapsed_ms, or "pending"), and error when the wait
// failed.
int report_sent(const rpc::RpcClient& node, const WaitOptions& options, bool json_out,
                const std::string& summary, const TxId& txid, nlohmann::json extra,
                std::chrono::steady_clock::time_point sent_at, std::ostream& out,
                std::ostream& err);

}  // namespace swarmchain

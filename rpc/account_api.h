// The account methods of the chain's JSON-RPC (docs/rpc.md): get_account (balance, nonce,
// locked stakes, and what the mempool holds for it: pending_in / pending_out) and
// get_account_history (its txs and the events that moved coins without a tx, newest first,
// paged with a cursor).
//
// Thread-safety: handlers run concurrently on the HTTP worker threads (Blockchain's reads and
// the Mempool are thread-safe).
#pragma once

#include <optional>
#include <string>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

void register_account_methods(Dispatcher& d, const Blockchain& chain, const Mempool& mempool);

// A history cursor as get_account_history writes it ("height:slot", chain/store.h
// HistoryPosition) and reads it back; nullopt when `text` is not one.
std::string history_cursor_text(const HistoryPosition& p);
std::optional<HistoryPosition> parse_history_cursor(const std::string& text);

}  // namespace swarmchain::rpc

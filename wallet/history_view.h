// How `swarmchain-wallet history` shows an account's history (get_account_history entries,
// newest first) as text: one line per tx with its type, direction, amount, counterparty or
// service node, fee and txid; one line per event (a reward, a stake returned and why). A run
// of rewards from one service node in consecutive entries is one line with their count and sum,
// so an operator's history is not a page of identical reward lines per block.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/amount.h"

namespace swarmchain {

std::vector<std::string> history_lines(const nlohmann::json& entries);

// `balance`'s line for what the mempool still holds, naming only the directions that hold
// something: "+12.5 incoming (1 tx), -3.0001 outgoing with fees (1 tx)"; "" when nothing is
// pending.
std::string pending_summary(const Amount& in, uint64_t in_txs, const Amount& out,
                            uint64_t out_txs);

}  // namespace swarmchain

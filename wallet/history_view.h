// How `swarmchain-wallet history` shows an account's history (get_account_history entries,
// newest first) as text: one line per tx with its type, direction, amount, counterparty or
// service node, fee and txid; one line per event (a reward, a stake returned and why). A run
// of rewards from one service node in consecutive entries is one line with their count and sum,
// so an operator's history is not a page of identical reward lines per block.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swarmchain {

std::vector<std::string> history_lines(const nlohmann::json& entries);

}  // namespace swarmchain

// What swarmchain-wallet says about a command line it cannot use (issue 12, "Errors that say
// what to do"): exit codes, "did you mean" for a mistyped command, and amounts too large for
// the type. Pure functions; the CLI (wallet/main.cpp) calls them.
//
// Exit codes (documented in --help, README and docs/wallet.md):
//   0  done
//   1  failed: the node refused or is unreachable, a wrong password, insufficient funds, a
//      transaction not committed within --timeout, ...
//   2  usage: an unknown command or option, a missing or malformed argument (address, amount,
//      pubkey, Session id, registration text); nothing was sent
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/amount.h"
#include "common/expected.h"

namespace swarmchain {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// The candidate `word` was most likely meant as: the closest by edit_distance (common/did_you_mean.h) if it is at most
// 2 (1 for words of up to 3 characters), else the only candidate `word` is a prefix of; nullopt
// when nothing is close.
std::optional<std::string> closest_command(std::string_view word,
                                           const std::vector<std::string>& candidates);

// "unknown command 'blance' (did you mean balance?)"; without a close candidate
// "unknown command 'x' (commands: a, b, c)". `parent` ("sn") is written before both names.
std::string unknown_command_message(std::string_view word, std::string_view parent,
                                    const std::vector<std::string>& candidates);

// An amount of coins typed on the command line (`what`: "amount", "fee", ...): decimal, at
// most 9 decimals (Amount::parse). A well-formed number too large for the type says so and
// gives the largest amount there is (18446744073.709551615).
Expected<Amount> parse_amount_arg(std::string_view text, std::string_view what);

}  // namespace swarmchain

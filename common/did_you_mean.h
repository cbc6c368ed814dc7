// "unknown command 'blance' (did you mean balance?)": the closest known word to a mistyped one,
// for the command lines of swarmchaind and swarmchain-wallet.
//
// Closeness is the optimal-string-alignment distance (insert, delete, replace, swap two
// neighbours: the four slips of a typist). A candidate is suggested only within
// max(1, size/3) edits of the typed word, so a word unlike every command suggests nothing.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace swarmchain {

// Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if one is close enough (see above); the first of equals.
std::optional<std::string> did_you_mean(std::string_view typed,
                                        std::span<const std::string> candidates);

// "unknown command 'X'" plus " (did you mean Y?)" when a candidate is close.
std::string unknown_command_message(std::string_view typed,
                                    std::span<const std::string> candidates);

}  // namespace swarmchain

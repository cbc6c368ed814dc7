#include "wallet/cli_args.h"

#include "common/did_you_mean.h"

#include <algorithm>
#include <cstdint>

namespace swarmchain {

std::optional<std::string> closest_command(std::string_view word,
                                           const std::vector<std::string>& candidates) {
  const std::size_t max_distance = word.size() <= 3 ? 1 : 2;
  std::optional<std::string> best;
  std::size_t best_distance = max_distance + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best) return best;
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates)
    if (!word.empty() && c.starts_with(word)) prefixed.push_back(c);
  if (prefixed.size() == 1) return prefixed.front();
  return std::nullopt;
}

std::string unknown_command_message(std::string_view word, std::string_view parent,
                                    const std::vector<std::string>& candidates) {
  const std::string lead = parent.empty() ? "" : std::string(parent) + " ";
  std::string out = "unknown command '" + lead + std::string(word) + "'";
  if (auto best = closest_command(word, candidates)) return out + " (did you mean " + lead + *best + "?)";
  out += " (commands: ";
  for (std::size_t i = 0; i < candidates.size(); ++i)
    out += (i ? ", " : "") + lead + candidates[i];
  return out + ")";
}

Expected<Amount> parse_amount_arg(std::string_view text, std::string_view what) {
  if (auto a = Amount::parse(text)) return *a;
  // Amount::parse refuses a malformed number and an overflow alike; tell them apart here.
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool well_formed = !whole.empty() && digits(whole) && digits(frac) && frac.size() <= 9 &&
                           (dot == std::string_view::npos || !frac.empty());
  if (well_formed)
    return fail(std::string(what) + " " + std::string(text) +
                " is too large: the maximum is " + Amount(UINT64_MAX).to_string() +
                " coins");
  return fail("invalid " + std::string(what) + " \"" + std::string(text) +
              "\": use a decimal number of coins with at most 9 decimals, e.g. 12.5");
}

}  // namespace swarmchain

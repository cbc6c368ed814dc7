#include "wallet/cli_args.h"

#include <algorithm>
#include <cstdint>

namespace swarmchain {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Rows i-2, i-1 and i of the dynamic programme.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

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

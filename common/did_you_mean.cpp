#include "common/did_you_mean.h"

#include <algorithm>
#include <vector>

namespace swarmchain {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: edits from a[0, i) to b[0, j); three rows are all the swap needs.
  const std::size_t n = b.size();
  std::vector<std::size_t> before(n + 1), prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t replace = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, replace});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[n];
}

std::optional<std::string> did_you_mean(std::string_view typed,
                                        std::span<const std::string> candidates) {
  const std::size_t limit = std::max<std::size_t>(1, typed.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(typed, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string unknown_command_message(std::string_view typed,
                                    std::span<const std::string> candidates) {
  std::string out = "unknown command '" + std::string(typed) + "'";
  if (auto close = did_you_mean(typed, candidates)) out += " (did you mean " + *close + "?)";
  return out;
}

}  // namespace swarmchain

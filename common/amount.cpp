#include "common/amount.h"

namespace swarmchain {

std::optional<Amount> Amount::parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty()) return std::nullopt;  // ".5": write 0.5
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;  // "12."
  if (frac.size() > 9) return std::nullopt;
  uint64_t w = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(w, 10, &w) || __builtin_add_overflow(w, uint64_t(c - '0'), &w))
      return std::nullopt;
  }
  uint64_t f = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    f = f * 10 + uint64_t(c - '0');
  }
  uint64_t total;
  if (__builtin_mul_overflow(w, kCoin, &total) || __builtin_add_overflow(total, f, &total))
    return std::nullopt;
  return Amount(total);
}

std::string Amount::to_string() const {
  std::string s = std::to_string(v_ / kCoin);
  uint64_t frac = v_ % kCoin;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  f.insert(0, 9 - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return s + "." + f;
}

}  // namespace swarmchain

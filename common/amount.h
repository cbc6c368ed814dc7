// Amount: uint64 atomic units with checked arithmetic (overflow is an error, never a wrap).
// COIN = 1'000'000'000 atomic units. Text form: decimal with up to 9 fractional digits, exact.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace swarmchain {

class Amount {
 public:
  static constexpr uint64_t kCoin = 1'000'000'000ULL;
  constexpr Amount() = default;
  constexpr explicit Amount(uint64_t atomic) : v_(atomic) {}
  static constexpr Amount coins(uint64_t n) { return Amount(n * kCoin); }

  constexpr uint64_t atomic() const { return v_; }
  std::optional<Amount> checked_add(Amount o) const {
    uint64_t r;
    if (__builtin_add_overflow(v_, o.v_, &r)) return std::nullopt;
    return Amount(r);
  }
  std::optional<Amount> checked_sub(Amount o) const {
    if (o.v_ > v_) return std::nullopt;
    return Amount(v_ - o.v_);
  }
  std::optional<Amount> checked_mul(uint64_t k) const {
    uint64_t r;
    if (__builtin_mul_overflow(v_, k, &r)) return std::nullopt;
    return Amount(r);
  }

  // "12.5" -> 12'500'000'000. Rejects signs, exponents, >9 decimals, overflow, empty parts.
  static std::optional<Amount> parse(std::string_view text);
  // 12'500'000'000 -> "12.5"; 3 -> "0.000000003"; whole coins print without a dot.
  std::string to_string() const;

  friend constexpr bool operator==(Amount, Amount) = default;
  friend constexpr auto operator<=>(Amount, Amount) = default;

 private:
  uint64_t v_ = 0;
};

}  // namespace swarmchain

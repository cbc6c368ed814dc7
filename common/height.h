// Height: a block height. A strong type so that heights, counts and amounts don't mix.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace swarmchain {

struct Height {
  uint64_t value = 0;

  constexpr Height() = default;
  constexpr explicit Height(uint64_t v) : value(v) {}
  constexpr Height next() const { return Height(value + 1); }
  constexpr Height operator+(uint64_t n) const { return Height(value + n); }
  friend constexpr bool operator==(Height, Height) = default;
  friend constexpr auto operator<=>(Height, Height) = default;
  std::string to_string() const { return std::to_string(value); }
};

}  // namespace swarmchain

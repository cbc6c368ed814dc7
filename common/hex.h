// Lowercase hex encoding; decoding accepts only lowercase or only uppercase digits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace swarmchain {

std::string to_hex(ByteView bytes);

template <std::size_t N, typename Tag>
std::string to_hex(const FixedBytes<N, Tag>& b) {
  return to_hex(b.view());
}

// Returns nullopt on odd length, a non-hex digit, or mixed case.
std::optional<Bytes> from_hex(std::string_view hex);

// Exactly N bytes (2N digits) or nullopt.
template <typename Fixed>
std::optional<Fixed> fixed_from_hex(std::string_view hex) {
  if (hex.size() != 2 * Fixed::kSize) return std::nullopt;
  auto b = from_hex(hex);
  if (!b) return std::nullopt;
  return Fixed::from(*b);
}

}  // namespace swarmchain

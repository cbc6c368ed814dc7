#include "common/hex.h"

namespace swarmchain {

std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

namespace {
// Returns the nibble value, or -1. Sets `upper`/`lower` when a letter digit is seen.
int nibble(char c, bool& upper, bool& lower) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') {
    lower = true;
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    upper = true;
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::optional<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2);
  bool upper = false, lower = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i], upper, lower);
    int lo = nibble(hex[2 * i + 1], upper, lower);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  if (upper && lower) return std::nullopt;
  return out;
}

}  // namespace swarmchain

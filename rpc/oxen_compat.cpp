#include "rpc/oxen_compat.h"

#include <cstdint>

namespace swarmchain::rpc {

std::string to_base32z(ByteView bytes) {
  static constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t acc = 0;  // holds fewer than 5 + 8 pending bits
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kAlphabet[(acc >> bits) & 0x1f];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out += kAlphabet[(acc << (5 - bits)) & 0x1f];
  return out;
}

std::string snode_address(const PubKey& key) {
  return to_base32z(ByteView(key.data.data(), key.data.size())) + ".snode";
}

}  // namespace swarmchain::rpc

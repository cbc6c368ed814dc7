#include "registry/swarm_lookup.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/hex.h"

namespace swarmchain {

namespace {

int hex_digit_kind(char c) {  // 0 digit, 1 lower, 2 upper, -1 not hex
  if (c >= '0' && c <= '9') return 0;
  if (c >= 'a' && c <= 'f') return 1;
  if (c >= 'A' && c <= 'F') return 2;
  return -1;
}

// Names the first problem of a string of the right length that from_hex rejected.
std::string describe_bad_hex(std::string_view hex) {
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (hex_digit_kind(hex[i]) < 0) {
      const auto byte = static_cast<unsigned char>(hex[i]);
      const std::string shown = (byte >= 0x20 && byte < 0x7f)
                                    ? "'" + std::string(1, hex[i]) + "'"
                                    : "byte 0x" + to_hex(ByteView(&byte, 1));
      return "pubkey is not hex: " + shown + " at position " + std::to_string(i);
    }
  }
  return "pubkey hex mixes upper and lower case digits";
}

}  // namespace

uint64_t swarm_space(const PubKey& key) {
  uint64_t space = 0;
  for (std::size_t chunk = 0; chunk < 4; ++chunk) {
    uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | key.data[8 * chunk + i];
    space ^= v;
  }
  return space;
}

Expected<PubKey> parse_user_pubkey_bytes(ByteView bytes) {
  if (bytes.size() == PubKey::kSize) return PubKey::from(bytes);
  if (bytes.size() == PubKey::kSize + 1) return PubKey::from(bytes.subspan(1));
  return fail(PubKeyParseError::kWrongLength,
              "pubkey must be 32 bytes, or 33 with a network prefix byte; got " +
                  std::to_string(bytes.size()) + " bytes");
}

Expected<PubKey> parse_user_pubkey(std::string_view hex) {
  if (hex.size() != 2 * PubKey::kSize && hex.size() != 2 * PubKey::kSize + 2) {
    return fail(PubKeyParseError::kWrongLength,
                "pubkey must be 64 hex digits, or 66 with a network prefix such as 05; got " +
                    std::to_string(hex.size()) + " characters");
  }
  const auto bytes = from_hex(hex);
  if (!bytes) return fail(PubKeyParseError::kBadHex, describe_bad_hex(hex));
  return parse_user_pubkey_bytes(*bytes);
}

SwarmIndex::SwarmIndex(std::vector<SwarmId> ids) : ids_(std::move(ids)) {
  std::erase(ids_, kUnassignedSwarm);
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

SwarmIndex SwarmIndex::from_table(const SwarmTable& table) {
  std::vector<SwarmId> ids;
  ids.reserve(table.size());
  for (const auto& kv : table) ids.push_back(kv.first);
  return SwarmIndex(std::move(ids));
}

SwarmId SwarmIndex::lookup(uint64_t space) const {
  if (ids_.empty()) return kUnassignedSwarm;
  if (ids_.size() == 1) return ids_.front();
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), space);
  const std::size_t right = it == ids_.end() ? 0 : static_cast<std::size_t>(it - ids_.begin());
  const std::size_t left = right == 0 ? ids_.size() - 1 : right - 1;
  const uint64_t d_right = ids_[right] - space;  // unsigned: mod 2^64 on purpose
  const uint64_t d_left = space - ids_[left];
  return d_right < d_left ? ids_[right] : ids_[left];
}

}  // namespace swarmchain

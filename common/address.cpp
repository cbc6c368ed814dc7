#include "common/address.h"

#include <algorithm>
#include <cctype>

#include "common/crypto.h"
#include "common/hex.h"

namespace swarmchain {

namespace {
constexpr std::string_view kPrefix = "sw1";
constexpr std::size_t kLength = 3 + 64 + 8;

std::string checksum_hex(const PubKey& pk) {
  Hash h = hash_tagged("swarmchain/addr", pk.view());
  return to_hex(ByteView(h.data.data(), 4));
}
}  // namespace

std::string address_from_pubkey(const PubKey& pk) {
  return std::string(kPrefix) + to_hex(pk) + checksum_hex(pk);
}

Expected<PubKey> parse_address(std::string_view text) {
  if (text.size() != kLength)
    return fail(AddressError::kLength, "invalid address: length is " +
                                           std::to_string(text.size()) + ", expected " +
                                           std::to_string(kLength) + " characters");
  std::string lower(text);
  bool has_upper = std::any_of(text.begin(), text.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  bool has_lower = std::any_of(text.begin(), text.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  if (has_upper && has_lower)
    return fail(AddressError::kMixedCase, "invalid address: mixes upper and lower case");
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  if (lower.compare(0, kPrefix.size(), kPrefix) != 0)
    return fail(AddressError::kPrefix, "invalid address: must start with \"sw1\"");
  auto pk = fixed_from_hex<PubKey>(std::string_view(lower).substr(3, 64));
  auto sum = from_hex(std::string_view(lower).substr(67, 8));
  if (!pk || !sum) return fail(AddressError::kHex, "invalid address: not hexadecimal");
  if (checksum_hex(*pk) != std::string_view(lower).substr(67, 8))
    return fail(AddressError::kChecksum, "invalid address: checksum mismatch (typo?)");
  if (!is_valid_public_key(*pk))
    return fail(AddressError::kNotAKey,
                "address " + lower +
                    " is not a valid public key (not a point on the curve): coins sent to it "
                    "could never be spent. Its checksum is right, so it was not mistyped: ask "
                    "for the address the owner's wallet shows (`swarmchain-wallet address`)");
  return *pk;
}

}  // namespace swarmchain

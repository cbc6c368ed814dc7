// Address: the text form of an account pubkey (design §3).
//   "sw1" || 64 lowercase hex digits of the pubkey || 8 hex digits of
//   H("swarmchain/addr" || pubkey)[0..4] as a checksum.
// Parsing rejects a bad checksum, a wrong length, a wrong prefix and upper/lower case mixes
// (an all-uppercase address is accepted: it is unambiguous), and an address whose 32 bytes are
// not a valid ed25519 public key (is_valid_public_key): coins sent there could never be spent.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/expected.h"

namespace swarmchain {

enum class AddressError { kOk = 0, kLength, kPrefix, kHex, kMixedCase, kChecksum, kNotAKey };

std::string address_from_pubkey(const PubKey& pk);
Expected<PubKey> parse_address(std::string_view text);

}  // namespace swarmchain

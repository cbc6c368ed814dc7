// Shared by the libFuzzer targets in tests/fuzz (docs/testing.md "Fuzzing"): a property check
// that aborts with a message (libFuzzer then saves the input as a crash file), the deterministic
// keys and genesis the targets and the seed-corpus generator both use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "chain/params.h"
#include "chain/tx.h"
#include "common/bytes.h"
#include "common/crypto.h"

namespace swarmchain::fuzz {

// Prints "fuzz property failed: <what>" and aborts. For properties of the code under test, not
// for the fuzzer's own setup (that uses setup_failed).
[[noreturn]] void property_failed(const std::string& what);
inline void check(bool ok, const char* what) {
  if (!ok) property_failed(what);
}
[[noreturn]] void setup_failed(const std::string& what);

inline ByteView input(const uint8_t* data, std::size_t size) { return ByteView(data, size); }
inline std::string_view text(const uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}
inline bool same(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Key i: the ed25519 key of seed {i, i, ..., i} (as tests/chain/test_util.h's test_key).
KeyPair key(uint8_t i);
// Dev params; accounts key(1..4) with 1000 coins each; service nodes key(100..103), operated
// by key(1). Its chain id is what the certificate and tx seeds are signed for.
Genesis genesis();
// A signed transfer of `amount` from `from` to `to` with a 0.001-coin fee.
Tx transfer(const Hash& chain_id, const KeyPair& from, uint64_t nonce, const PubKey& to,
            Amount amount);

}  // namespace swarmchain::fuzz

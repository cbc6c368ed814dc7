// Fuzz target: a keystore file's text (wallet/keystore.h) up to the key derivation, which is
// deliberately slow and is not fuzzed, and the seed text a user types to restore a wallet.
// Properties: an accepted file names a well-formed address; an accepted seed text prints
// back as its trimmed, lowercased self.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/address.h"
#include "tests/fuzz/fuzz_support.h"
#include "wallet/keystore.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text(data, size);
  if (auto address = Keystore::check_text(text)) {
    auto pk = parse_address(*address);
    fuzz::check(pk && address_from_pubkey(*pk) == *address,
                "an accepted keystore names an address that does not parse back");
  }
  if (auto seed = seed_from_text(text)) {
    std::string normal;
    for (char c : text)
      if (!std::isspace(static_cast<unsigned char>(c)))
        normal.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    fuzz::check(seed_to_text(*seed) == normal, "an accepted seed text does not print back");
  }
  return 0;
}

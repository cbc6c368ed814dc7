// Fuzz target: the "swreg1…" registration string an operator pastes into the wallet
// (registry/service_node.h), and the fee text prepare-registration takes (node/
// registration_cmd.h). Properties: an accepted string is the one to_text() prints for what it
// decoded to (one text per registration); an accepted fee is at most 100%.
#include <cstddef>
#include <cstdint>

#include "node/registration_cmd.h"
#include "registry/service_node.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const Hash chain_id = fuzz::genesis().chain_id();
  const std::string_view text = fuzz::text(data, size);
  if (auto reg = Registration::from_text(text)) {
    fuzz::check(reg->to_text() == text, "an accepted registration string is not its to_text()");
    (void)reg->signing_hash(chain_id);
  }
  if (auto fee = parse_fee_percent(text)) fuzz::check(*fee <= 10'000, "a fee above 100% parsed");
  return 0;
}

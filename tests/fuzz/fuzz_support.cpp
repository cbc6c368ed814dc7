#include "tests/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>

namespace swarmchain::fuzz {

void property_failed(const std::string& what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what.c_str());
  std::abort();
}

void setup_failed(const std::string& what) {
  std::fprintf(stderr, "fuzz target setup failed: %s\n", what.c_str());
  std::exit(2);
}

KeyPair key(uint8_t i) {
  Seed s;
  s.data.fill(i);
  return KeyPair::from_seed(s);
}

Genesis genesis() {
  if (!crypto_init()) setup_failed("libsodium failed to start");
  Genesis g;
  g.network = "fuzz";
  g.genesis_time_ms = 1'700'000'000'000ULL;
  g.params = ChainParams::dev();
  for (uint8_t i = 1; i <= 4; ++i) g.accounts.push_back({key(i).pubkey(), Amount::coins(1000)});
  for (uint8_t i = 100; i <= 103; ++i)
    g.service_nodes.push_back({key(i).pubkey(), key(1).pubkey(), g.params.staking_requirement});
  return g;
}

Tx transfer(const Hash& chain_id, const KeyPair& from, uint64_t nonce, const PubKey& to,
            Amount amount) {
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = from.pubkey();
  tx.nonce = nonce;
  tx.fee = Amount(1'000'000);
  tx.payload = TransferPayload{to, amount};
  tx.sign(from);
  return tx;
}

}  // namespace swarmchain::fuzz

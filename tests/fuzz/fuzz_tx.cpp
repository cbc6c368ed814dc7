// Fuzz target: a transaction of any type (chain/tx.h), as a peer, the RPC or a block hands it
// over. Property: what decodes re-encodes to the same bytes (one encoding per tx), and the
// checks that run on every decoded tx before its signature (stateless check, cost) hold up.
#include <cstddef>
#include <cstdint>

#include "chain/tx.h"
#include "chain/tx_check.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const Hash chain_id = fuzz::genesis().chain_id();
  const ByteView in = fuzz::input(data, size);
  auto tx = Tx::from_bytes(in);
  if (!tx) return 0;
  fuzz::check(fuzz::same(tx->to_bytes(), in), "a decoded tx re-encodes to other bytes");
  fuzz::check(tx_type_name(tx->type()) != std::string_view("unknown"), "decoded an unknown type");
  (void)check_tx_stateless(*tx, chain_id);
  (void)tx->total_cost();
  (void)tx->id();
  return 0;
}

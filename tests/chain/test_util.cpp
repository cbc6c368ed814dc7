#include "tests/chain/test_util.h"

#include <unistd.h>

#include <atomic>
#include <random>

namespace swarmchain::test {

KeyPair test_key(uint8_t i) {
  Seed s;
  s.data.fill(i);
  return KeyPair::from_seed(s);
}

Genesis test_genesis(std::size_t n_accounts, Amount balance) {
  crypto_init();
  Genesis g;
  g.network = "test";
  g.genesis_time_ms = 1'700'000'000'000ULL;
  g.params = ChainParams::dev();
  for (std::size_t i = 1; i <= n_accounts; ++i)
    g.accounts.push_back({test_key(static_cast<uint8_t>(i)).pubkey(), balance});
  g.service_nodes.push_back(
      {test_key(200).pubkey(), test_key(201).pubkey(), g.params.staking_requirement});
  return g;
}

TempDir::TempDir(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rd()));
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Tx make_transfer(const Hash& chain_id, const KeyPair& from, uint64_t nonce, const PubKey& to,
                 Amount amount, Amount fee) {
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = from.pubkey();
  tx.nonce = nonce;
  tx.fee = fee;
  tx.payload = TransferPayload{to, amount};
  tx.sign(from);
  return tx;
}

void commit_transfer_block(Blockchain& bc) {
  const uint64_t nonce = bc.account(test_key(1).pubkey()).value_or(Account{}).nonce;
  std::vector<Tx> txs{make_transfer(bc.chain_id(), test_key(1), nonce, test_key(2).pubkey(),
                                    Amount::coins(1))};
  Block b;
  bc.with_state([&](const ChainState& state, const ChainTip& tip) {
    b = bc.executor()
            .build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500,
                   test_key(200).pubkey())
            .block;
  });
  Status s = bc.commit(b, solo_certificate(bc.chain_id(), b.header.height, b.hash(), test_key(200)));
  ASSERT_TRUE(s) << s.message();
}

}  // namespace swarmchain::test

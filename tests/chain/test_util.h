// Helpers for chain tests: a deterministic dev genesis with funded keys, and signed transfers.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chain/blockchain.h"
#include "chain/executor.h"
#include "chain/params.h"
#include "chain/tx.h"
#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain::test {

// Key i is derived from seed bytes {i, i, ..., i} (i in 1..255), so tests are reproducible.
KeyPair test_key(uint8_t i);

// Dev params; accounts 1..n_accounts funded with `balance` each; key 200 is the only SN.
Genesis test_genesis(std::size_t n_accounts = 4, Amount balance = Amount::coins(1000));

// A fresh, unique path under the system temp dir named "<prefix>-<pid>-<n>-<random>" (not
// created); removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The answer of a store read that must not fail (a read error fails the test, as nullopt).
template <typename T>
std::optional<T> read_ok(const Expected<std::optional<T>>& r) {
  if (!r) {
    ADD_FAILURE() << "store read failed: " << r.error().message();
    return std::nullopt;
  }
  return *r;
}

Tx make_transfer(const Hash& chain_id, const KeyPair& from, uint64_t nonce, const PubKey& to,
                 Amount amount, Amount fee = Amount(100'000));

// Commits one block on `bc`'s tip: a 1-coin transfer from key 1 to key 2, proposed and
// certified by key 200 alone (test_genesis's only service node). Fails the test if refused.
void commit_transfer_block(Blockchain& bc);

}  // namespace swarmchain::test

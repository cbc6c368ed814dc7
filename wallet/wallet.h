// Wallet: what swarmchain-wallet does, as functions a test can call. It is a pure RPC client of
// a node: it never opens the chain store. Every command checks the rules it can locally first
// (address checksum, amount format, balance) and explains a refusal in one line.
//
// Thread-safety: a single-thread value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chain/tx.h"
#include "common/amount.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "rpc/client.h"

namespace swarmchain {

struct AccountInfo {
  Amount balance;
  uint64_t nonce = 0;          // committed
  uint64_t pending_nonce = 0;  // including this account's txs waiting in the mempool
  uint64_t height = 0;
};

class WalletClient {
 public:
  explicit WalletClient(std::string node_url) : rpc_(std::move(node_url)) {}

  // Calls `method`; a transport or JSON-RPC error becomes a Status with a one-line message.
  Expected<nlohmann::json> call(const std::string& method,
                                const nlohmann::json& params = nlohmann::json::object()) const;

  Expected<AccountInfo> account(const PubKey& pk) const;
  Expected<Hash> chain_id() const;
  Expected<Amount> fee_estimate() const;

  // Builds, signs and sends a transfer. Checks locally that `to` parses and the balance
  // covers amount + fee (pending txs included) before sending. Returns the txid.
  Expected<TxId> transfer(const KeyPair& key, const std::string& to_address, Amount amount,
                          std::optional<Amount> fee = std::nullopt) const;

  // Sends a signed tx; a node rejection comes back with its reason.
  Expected<TxId> send(const Tx& tx) const;

  const std::string& url() const { return rpc_.url(); }

 private:
  rpc::RpcClient rpc_;
};

}  // namespace swarmchain

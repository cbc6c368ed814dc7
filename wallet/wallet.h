// Wallet: what swarmchain-wallet does, as functions a test can call. It is a pure RPC client of
// a node: it never opens the chain store. Every command checks the rules it can locally first
// (address checksum, amount format, balance, stake limits) and explains a refusal in one line.
// The pure parts of the service-node commands (parsing, checks, tx building) live in
// wallet/sn_commands.h; the methods here fetch their inputs from the node and send the result.
//
// Thread-safety: a single-thread value.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain/tx.h"
#include "common/amount.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "common/height.h"
#include "registry/service_node.h"
#include "rpc/client.h"
#include "wallet/sn_commands.h"

namespace swarmchain {

struct AccountInfo {
  Amount balance;
  uint64_t nonce = 0;          // committed
  uint64_t pending_nonce = 0;  // including this account's txs waiting in the mempool
  uint64_t height = 0;
  // What the node's mempool holds for this account (get_account pending_*): transfers to it,
  // and what its own txs move out (amounts + fees).
  Amount pending_in, pending_out;
  uint64_t pending_in_txs = 0, pending_out_txs = 0;
};

struct ChainInfo {
  Hash chain_id;
  Height height;  // the tip
};

// A tx the node accepted into its mempool.
struct SentTx {
  TxId txid;
  Amount amount;  // coins moved out of the balance besides the fee (0 for request_unlock)
  Amount fee;
};

// A node's JSON-RPC error in one line: its message, plus data.reason when the node sent one
// that the message does not already contain ("nonce too low (nonce_too_low)").
std::string describe_rpc_error(const rpc::RpcError& e);

class WalletClient {
 public:
  explicit WalletClient(std::string node_url) : rpc_(std::move(node_url)) {}

  // Calls `method`; a transport or JSON-RPC error becomes a Status with a one-line message.
  Expected<nlohmann::json> call(const std::string& method,
                                const nlohmann::json& params = nlohmann::json::object()) const;

  Expected<AccountInfo> account(const PubKey& pk) const;
  Expected<Hash> chain_id() const;
  Expected<ChainInfo> info() const;  // get_info: chain id and tip height
  Expected<Amount> fee_estimate() const;

  // Builds, signs and sends a transfer. Checks locally that `to` parses and the balance
  // covers amount + fee (pending txs included) before sending. Returns the txid.
  Expected<TxId> transfer(const KeyPair& key, const std::string& to_address, Amount amount,
                          std::optional<Amount> fee = std::nullopt) const;

  // get_service_node_status for `sn`, with the stake limits that apply to `contributor`.
  Expected<nlohmann::json> service_node_status(const PubKey& sn, const PubKey& contributor) const;

  // sn register: check_registration against the node's chain id and height, balance check,
  // then a register_node tx staking the operator amount (default: the operator's reserved spot).
  Expected<SentTx> register_node(const KeyPair& key, const Registration& reg,
                                 std::optional<Amount> operator_amount,
                                 std::optional<Amount> fee = std::nullopt) const;

  // sn stake: resolves `amount` against the node's staking requirement, checks the node's
  // stake limits for this wallet and the balance, then sends a stake tx.
  Expected<SentTx> stake(const KeyPair& key, const PubKey& sn, const StakeAmountSpec& amount,
                         std::optional<Amount> fee = std::nullopt) const;

  // sn unlock: checks that this wallet may request the unlock (check_unlock), then sends it.
  Expected<SentTx> request_unlock(const KeyPair& key, const PubKey& sn,
                                  std::optional<Amount> fee = std::nullopt) const;

  // Sends a signed tx; a node rejection comes back with its reason.
  Expected<TxId> send(const Tx& tx) const;

  const std::string& url() const { return rpc_.url(); }
  const rpc::RpcClient& rpc() const { return rpc_; }

 private:
  // The nonce and fee for the next tx from `key`, once the balance is known to cover
  // `moved` + fee (pending txs aside: the node checks those exactly).
  Expected<TxContext> prepare_tx(const KeyPair& key, const Hash& chain_id, Amount moved,
                                 std::optional<Amount> fee) const;
  Expected<SentTx> send_built(const Tx& tx) const;

  rpc::RpcClient rpc_;
};

}  // namespace swarmchain

#include "wallet/wallet.h"

#include "common/address.h"
#include "common/hex.h"

namespace swarmchain {

using nlohmann::json;

Expected<json> WalletClient::call(const std::string& method, const json& params) const {
  auto r = rpc_.call(method, params);
  if (!r) return fail(r.error().message);
  return *r;
}

Expected<AccountInfo> WalletClient::account(const PubKey& pk) const {
  auto r = call("get_account", {{"address", address_from_pubkey(pk)}});
  if (!r) return unexpected(r.error());
  try {
    AccountInfo a;
    a.balance = Amount(r->at("balance").get<uint64_t>());
    a.nonce = r->at("nonce").get<uint64_t>();
    a.pending_nonce = r->at("pending_nonce").get<uint64_t>();
    a.height = r->at("height").get<uint64_t>();
    return a;
  } catch (const std::exception& e) {
    return fail("unexpected get_account answer from " + url() + ": " + e.what());
  }
}

Expected<Hash> WalletClient::chain_id() const {
  auto r = call("get_info");
  if (!r) return unexpected(r.error());
  auto id = r->contains("chain_id") && (*r)["chain_id"].is_string()
                ? fixed_from_hex<Hash>((*r)["chain_id"].get<std::string>())
                : std::nullopt;
  if (!id) return fail("node at " + url() + " sent no valid chain_id");
  return *id;
}

Expected<Amount> WalletClient::fee_estimate() const {
  auto r = call("get_fee_estimate");
  if (!r) return unexpected(r.error());
  if (!r->contains("fee") || !(*r)["fee"].is_number_unsigned())
    return fail("node at " + url() + " sent no fee estimate");
  return Amount((*r)["fee"].get<uint64_t>());
}

Expected<TxId> WalletClient::send(const Tx& tx) const {
  auto r = call("send_raw_transaction", {{"tx_hex", to_hex(tx.to_bytes())}});
  if (!r) return fail("node refused the transaction: " + r.error().message());
  auto id = fixed_from_hex<Hash>(r->value("txid", ""));
  if (!id || *id != tx.id()) return fail("node answered with an unexpected txid");
  return *id;
}

Expected<TxId> WalletClient::transfer(const KeyPair& key, const std::string& to_address,
                                      Amount amount, std::optional<Amount> fee) const {
  auto to = parse_address(to_address);
  if (!to) return unexpected(to.error());
  if (amount.atomic() == 0) return fail("amount must be greater than zero");
  auto id = chain_id();
  if (!id) return unexpected(id.error());
  if (!fee) {
    auto est = fee_estimate();
    if (!est) return unexpected(est.error());
    fee = *est;
  }
  auto acct = account(key.pubkey());
  if (!acct) return unexpected(acct.error());
  auto cost = amount.checked_add(*fee);
  if (!cost) return fail("amount + fee overflows");
  // The mempool may already hold txs from this account; the node checks those exactly. Here
  // we catch the common case: not enough even before them.
  if (acct->balance < *cost)
    return fail("insufficient funds: balance " + acct->balance.to_string() + ", need " +
                cost->to_string() + " (" + amount.to_string() + " + fee " + fee->to_string() + ")");
  Tx tx;
  tx.chain_id = *id;
  tx.sender = key.pubkey();
  tx.nonce = acct->pending_nonce;
  tx.fee = *fee;
  tx.payload = TransferPayload{*to, amount};
  tx.sign(key);
  return send(tx);
}

}  // namespace swarmchain

#include "wallet/wallet.h"

#include "common/address.h"
#include "common/hex.h"

namespace swarmchain {

using nlohmann::json;

std::string describe_rpc_error(const rpc::RpcError& e) {
  std::string out = e.message;
  if (e.data.is_object()) {
    auto it = e.data.find("reason");
    if (it != e.data.end() && it->is_string()) {
      const std::string reason = it->get<std::string>();
      if (!reason.empty() && out.find(reason) == std::string::npos)
        out += out.empty() ? reason : " (" + reason + ")";
    }
  }
  // One line, whatever the node sent.
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

Expected<json> WalletClient::call(const std::string& method, const json& params) const {
  auto r = rpc_.call(method, params);
  if (!r) return fail(describe_rpc_error(r.error()));
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
    // A node older than this wallet sends no pending_* fields: nothing pending is shown.
    a.pending_in = Amount(r->value("pending_in", uint64_t{0}));
    a.pending_out = Amount(r->value("pending_out", uint64_t{0}));
    a.pending_in_txs = r->value("pending_in_txs", uint64_t{0});
    a.pending_out_txs = r->value("pending_out_txs", uint64_t{0});
    return a;
  } catch (const std::exception& e) {
    return fail("unexpected get_account answer from " + url() + ": " + e.what());
  }
}

Expected<ChainInfo> WalletClient::info() const {
  auto r = call("get_info");
  if (!r) return unexpected(r.error());
  auto id = r->contains("chain_id") && (*r)["chain_id"].is_string()
                ? fixed_from_hex<Hash>((*r)["chain_id"].get<std::string>())
                : std::nullopt;
  if (!id) return fail("node at " + url() + " sent no valid chain_id");
  if (!r->contains("height") || !(*r)["height"].is_number_unsigned())
    return fail("node at " + url() + " sent no valid height");
  return ChainInfo{*id, Height((*r)["height"].get<uint64_t>())};
}

Expected<Hash> WalletClient::chain_id() const {
  auto i = info();
  if (!i) return unexpected(i.error());
  return i->chain_id;
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

Expected<TxContext> WalletClient::prepare_tx(const KeyPair& key, const Hash& chain_id,
                                             Amount moved, std::optional<Amount> fee) const {
  if (!fee) {
    auto est = fee_estimate();
    if (!est) return unexpected(est.error());
    fee = *est;
  }
  auto acct = account(key.pubkey());
  if (!acct) return unexpected(acct.error());
  // The mempool may already hold txs from this account; the node checks those exactly. Here
  // we catch the common case: not enough even before them.
  if (Status s = check_balance(acct->balance, moved, *fee); !s) return unexpected(s);
  return TxContext{chain_id, acct->pending_nonce, *fee};
}

Expected<SentTx> WalletClient::send_built(const Tx& tx) const {
  auto id = send(tx);
  if (!id) return unexpected(id.error());
  return SentTx{*id, tx.moved(), tx.fee};
}

Expected<TxId> WalletClient::transfer(const KeyPair& key, const std::string& to_address,
                                      Amount amount, std::optional<Amount> fee) const {
  auto to = parse_address(to_address);
  if (!to) return unexpected(to.error());
  if (amount.atomic() == 0) return fail("amount must be greater than zero");
  auto id = chain_id();
  if (!id) return unexpected(id.error());
  auto ctx = prepare_tx(key, *id, amount, fee);
  if (!ctx) return unexpected(ctx.error());
  return send(build_signed_tx(key, *ctx, TransferPayload{*to, amount}));
}

Expected<json> WalletClient::service_node_status(const PubKey& sn,
                                                 const PubKey& contributor) const {
  auto r = call("get_service_node_status",
                {{"pubkey", to_hex(sn)}, {"contributor", address_from_pubkey(contributor)}});
  if (!r) return unexpected(r.error());
  if (!r->is_object())
    return fail("unexpected get_service_node_status answer from " + url() + ": not an object");
  return *r;
}

Expected<SentTx> WalletClient::register_node(const KeyPair& key, const Registration& reg,
                                             std::optional<Amount> operator_amount,
                                             std::optional<Amount> fee) const {
  auto chain = info();
  if (!chain) return unexpected(chain.error());
  auto amount = check_registration(reg, key.pubkey(), chain->chain_id, chain->height,
                                   operator_amount);
  if (!amount) return unexpected(amount.error());
  auto ctx = prepare_tx(key, chain->chain_id, *amount, fee);
  if (!ctx) return unexpected(ctx.error());
  return send_built(build_register_node_tx(key, *ctx, reg, *amount));
}

Expected<SentTx> WalletClient::stake(const KeyPair& key, const PubKey& sn,
                                     const StakeAmountSpec& spec,
                                     std::optional<Amount> fee) const {
  auto status = service_node_status(sn, key.pubkey());
  if (!status) return unexpected(status.error());
  Amount requirement;
  if (spec.kind == StakeAmountSpec::Kind::kPercent) {
    auto req = status->find("staking_requirement");
    if (req == status->end() || !req->is_number_unsigned())
      return fail("the node sent no staking_requirement for service node " + to_hex(sn));
    requirement = Amount(req->get<uint64_t>());
  }
  auto amount = resolve_stake_amount(spec, requirement);
  if (!amount) return unexpected(amount.error());
  if (Status s = check_stake_limits(*status, *amount); !s) return unexpected(s);
  auto id = chain_id();
  if (!id) return unexpected(id.error());
  auto ctx = prepare_tx(key, *id, *amount, fee);
  if (!ctx) return unexpected(ctx.error());
  return send_built(build_stake_tx(key, *ctx, sn, *amount));
}

Expected<SentTx> WalletClient::request_unlock(const KeyPair& key, const PubKey& sn,
                                              std::optional<Amount> fee) const {
  auto status = service_node_status(sn, key.pubkey());
  if (!status) return unexpected(status.error());
  if (Status s = check_unlock(*status, key.pubkey()); !s) return unexpected(s);
  auto id = chain_id();
  if (!id) return unexpected(id.error());
  auto ctx = prepare_tx(key, *id, Amount(), fee);
  if (!ctx) return unexpected(ctx.error());
  return send_built(build_request_unlock_tx(key, *ctx, sn));
}

}  // namespace swarmchain

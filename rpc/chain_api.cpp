#include "rpc/chain_api.h"

#include "common/hex.h"
#include "rpc/account_api.h"
#include "rpc/params.h"
#include "rpc/store_failure.h"

namespace swarmchain::rpc {

using nlohmann::json;

namespace {

RpcResult get_info(const Blockchain& chain, const Mempool& mempool,
                   const std::function<NodeStatus()>& status) {
  ChainTip tip = chain.tip();
  const NodeStatus st = status ? status() : NodeStatus{};
  return json{{"height", tip.header.height.value},
              {"top_block_hash", to_hex(tip.hash)},
              // BFT finality: a block is final once it has its certificate, which every
              // stored block has.
              {"finalized_height", tip.header.height.value},
              {"chain_id", to_hex(chain.chain_id())},
              {"network", chain.executor().genesis().network},
              {"version", kNodeVersion},
              {"peers", st.peers},
              {"mempool_size", mempool.size()},
              {"syncing", st.syncing},
              {"target_block_ms", chain.params().target_block_ms}};
}

RpcResult get_block(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"height", "hash", "txs"});
  auto height = p.optional_u64("height");
  auto hash_text = p.optional_string("hash");
  const bool with_txs = p.optional_bool("txs", false);
  if (!height && !hash_text && !p.error()) p.fail("give 'height' or 'hash'");
  if (height && hash_text) p.fail("give 'height' or 'hash', not both");
  std::optional<Hash> hash;
  if (hash_text && !p.error()) hash = fixed_hex_param<Hash>(p, "hash", *hash_text);
  if (auto err = p.error()) return unexpected(*err);
  Height h;
  if (height) {
    h = Height(*height);
  } else {
    auto found = chain.store().height_of(*hash);
    if (!found) return store_failure(found.error());
    if (!*found) return unexpected(RpcError::not_found("block", "no block with hash " + *hash_text,
                                                         json{{"hash", *hash_text}}));
    h = **found;
  }
  auto block = chain.store().block_at(h);
  if (!block) {
    if (block.error().code_as<StoreError>() != StoreError::kMissing)
      return store_failure(block.error());
    return unexpected(RpcError::not_found("block",
                                          "no block at height " + h.to_string() + " (tip is " +
                                              chain.tip().header.height.to_string() + ")",
                                          json{{"height", h.value}}));
  }
  json txids = json::array();
  for (const auto& tx : block->txs) txids.push_back(to_hex(tx.id()));
  json out{{"header", header_to_json(block->header)}, {"txids", txids},
           {"tx_count", block->txs.size()}};
  if (with_txs) {
    json bodies = json::array();
    for (uint32_t i = 0; i < block->txs.size(); ++i) {
      json t = tx_to_json(block->txs[i]);
      t["index"] = i;
      bodies.push_back(std::move(t));
    }
    out["transactions"] = std::move(bodies);
  }
  auto cert = chain.store().certificate_at(h);
  if (!cert) return store_failure(cert.error());
  out["certificate"] = *cert ? certificate_to_json(**cert) : json(nullptr);
  return out;
}

RpcResult get_transaction(const Blockchain& chain, const Mempool& mempool, const json& params) {
  Params p(params);
  p.allow_only({"txid"});
  std::string text = p.required_string("txid");
  std::optional<Hash> id;
  if (!p.error()) id = fixed_hex_param<Hash>(p, "txid", text);
  if (auto err = p.error()) return unexpected(*err);
  auto found = chain.store().find_tx(*id);
  if (!found) return store_failure(found.error());
  if (const auto& loc = *found) {
    auto block = chain.store().block_at(loc->height);
    if (!block) return store_failure(block.error());
    if (loc->index >= block->txs.size())
      return unexpected(RpcError::internal(
          "the node's chain store is damaged: the transaction index points past block " +
          loc->height.to_string()));
    json out = tx_to_json(block->txs[loc->index]);
    out["status"] = "confirmed";
    out["height"] = loc->height.value;
    out["index"] = loc->index;
    return out;
  }
  if (auto tx = mempool.get(*id)) {
    json out = tx_to_json(*tx);
    out["status"] = "pending";
    return out;
  }
  return unexpected(RpcError::not_found(
      "transaction", "unknown transaction " + text + ": neither in a block nor pending on this node",
      json{{"txid", text}}));
}

using OnTxsAdded = std::function<void(std::span<const Tx>)>;

RpcError tx_rejected(TxError code, const std::string& msg) {
  return RpcError::rejected(msg, json{{"reason", tx_rejection_name(int(code))}});
}
RpcError tx_rejected(const Status& s) {
  return RpcError::rejected(s.message(), json{{"reason", tx_rejection_name(s.code())}});
}

// A tx's hex decoded and its stateless checks run (signature included, into the chain's
// signature cache) on this handler's thread, outside the chain lock: adding it then costs a
// cache lookup.
Expected<Tx, RpcError> decode_and_precheck(const Mempool& mempool, const std::string& hex) {
  if (hex.size() > 2 * kMaxTxBytes)
    return unexpected(tx_rejected(TxError::kTooLarge, "transaction is larger than " +
                                                          std::to_string(kMaxTxBytes) + " bytes"));
  auto bytes = from_hex(hex);
  if (!bytes) return unexpected(tx_rejected(TxError::kBadHex, "'tx_hex' is not valid hex"));
  auto tx = Tx::from_bytes(*bytes);
  if (!tx)
    return unexpected(
        tx_rejected(TxError::kBadEncoding, "cannot decode transaction: " + tx.error().message()));
  if (Status s = mempool.precheck(*tx); !s) return unexpected(tx_rejected(s));
  return std::move(*tx);
}

RpcResult send_raw_transaction(const Blockchain& chain, Mempool& mempool,
                               const OnTxsAdded& on_txs_added, const json& params) {
  Params p(params);
  p.allow_only({"tx_hex"});
  std::string hex = p.required_string("tx_hex");
  if (auto err = p.error()) return unexpected(*err);
  auto tx = decode_and_precheck(mempool, hex);
  if (!tx) return unexpected(tx.error());
  std::optional<Expected<TxId>> added;
  chain.with_state([&](const ChainState& state, const ChainTip&) {
    added.emplace(mempool.add(*tx, state));
  });
  const Expected<TxId>& result = *added;
  if (!result) return unexpected(tx_rejected(result.error()));
  if (on_txs_added) on_txs_added(std::span<const Tx>(&*tx, 1));
  return json{{"txid", to_hex(*result)}, {"status", "pending"}};
}

// Many txs in one call (a wallet or an exchange sending a backlog): each is checked and admitted
// as send_raw_transaction would, in order (a sender's nonces may follow each other within the
// call), under one hold of the chain's lock. One result per tx, in order: {txid, status} or
// {error: {code, message, data: {reason}}}; the call itself fails only on bad params.
RpcResult send_raw_transactions(const Blockchain& chain, Mempool& mempool,
                                const OnTxsAdded& on_txs_added, const json& params) {
  Params p(params);
  p.allow_only({"txs_hex"});
  std::vector<std::string> hexes = p.required_string_array("txs_hex");
  if (!p.error() && (hexes.empty() || hexes.size() > kMaxTxsPerSendCall))
    p.fail("'txs_hex' must hold 1 to " + std::to_string(kMaxTxsPerSendCall) + " transactions");
  if (auto err = p.error()) return unexpected(*err);

  std::vector<std::optional<RpcError>> errors(hexes.size());
  std::vector<Tx> txs;
  std::vector<std::size_t> index;  // txs[k] is hexes[index[k]]
  for (std::size_t i = 0; i < hexes.size(); ++i) {
    auto tx = decode_and_precheck(mempool, hexes[i]);
    if (!tx) {
      errors[i] = tx.error();
      continue;
    }
    txs.push_back(std::move(*tx));
    index.push_back(i);
  }
  std::vector<Expected<TxId>> added;
  if (!txs.empty())
    chain.with_state([&](const ChainState& state, const ChainTip&) {
      added = mempool.add_batch(txs, state);
    });

  json results = json::array();
  std::vector<Tx> admitted;
  std::vector<std::optional<TxId>> ids(hexes.size());
  for (std::size_t k = 0; k < txs.size(); ++k) {
    if (!added[k]) {
      errors[index[k]] = tx_rejected(added[k].error());
      continue;
    }
    ids[index[k]] = *added[k];
    admitted.push_back(std::move(txs[k]));
  }
  for (std::size_t i = 0; i < hexes.size(); ++i) {
    if (ids[i]) {
      results.push_back(json{{"txid", to_hex(*ids[i])}, {"status", "pending"}});
      continue;
    }
    const RpcError& e = *errors[i];
    json err{{"code", e.code}, {"message", e.message}};
    if (!e.data.is_null()) err["data"] = e.data;
    results.push_back(json{{"error", std::move(err)}});
  }
  if (on_txs_added && !admitted.empty()) on_txs_added(admitted);
  return json{{"results", std::move(results)}};
}

}  // namespace

void register_chain_methods(Dispatcher& d, const Blockchain& chain, Mempool& mempool,
                            std::function<void(std::span<const Tx>)> on_txs_added,
                            std::function<NodeStatus()> status) {
  d.add("get_info", [&chain, &mempool, status = std::move(status)](const json&) {
    return get_info(chain, mempool, status);
  });
  d.add("get_height", [&](const json&) -> RpcResult {
    ChainTip tip = chain.tip();
    return json{{"height", tip.header.height.value}, {"hash", to_hex(tip.hash)}};
  });
  d.add("get_block", [&](const json& p) { return get_block(chain, p); });
  d.add("get_transaction", [&](const json& p) { return get_transaction(chain, mempool, p); });
  register_account_methods(d, chain, mempool);
  auto shared_on_added = std::make_shared<OnTxsAdded>(std::move(on_txs_added));
  d.add("send_raw_transaction", [&chain, &mempool, shared_on_added](const json& p) {
    return send_raw_transaction(chain, mempool, *shared_on_added, p);
  });
  d.add("send_raw_transactions", [&chain, &mempool, shared_on_added](const json& p) {
    return send_raw_transactions(chain, mempool, *shared_on_added, p);
  });
  d.add("get_fee_estimate", [&](const json&) -> RpcResult {
    return json{{"fee", mempool.fee_estimate().atomic()}, {"unit", "atomic per transaction"}};
  });
}

}  // namespace swarmchain::rpc

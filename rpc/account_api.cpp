#include "rpc/account_api.h"

#include <charconv>

#include "common/address.h"
#include "common/hex.h"
#include "registry/service_node.h"
#include "rpc/params.h"
#include "rpc/store_failure.h"
#include "rpc/tx_json.h"

namespace swarmchain::rpc {

using nlohmann::json;

namespace {

constexpr uint64_t kDefaultHistoryLimit = 100;
constexpr uint64_t kMaxHistoryLimit = 1000;

RpcResult get_account(const Blockchain& chain, const Mempool& mempool, const json& params) {
  Params p(params);
  p.allow_only({"address"});
  std::string text = p.required_string("address");
  std::optional<PubKey> pk;
  if (!p.error()) pk = address_param(p, "address", text);
  if (auto err = p.error()) return unexpected(*err);
  json out;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    // Under the same state the balance is read from, so a tx is either in one or the other.
    const Mempool::PendingFlow flow = mempool.pending_flow(*pk, state);
    Account a = state.accounts.get(*pk).value_or(Account{});
    // Stakes live in the registry records, not in the account: a scan finds every node this
    // address contributes to (or holds a reserved spot on).
    json locked = json::array();
    state.registry.for_each([&](const ServiceNode& sn) {
      auto idx = sn.contributor_index(*pk);
      if (!idx) return;
      const Contributor& c = sn.contributors[*idx];
      locked.push_back({{"sn_pubkey", to_hex(sn.pubkey)},
                        {"amount", c.amount.atomic()},
                        {"reserved", c.reserved.atomic()},
                        {"state", node_state_name(sn.state)},
                        {"requested_unlock_height", sn.requested_unlock_height.value},
                        {"operator", sn.operator_address == *pk}});
    });
    out = json{{"address", text},
               {"balance", a.balance.atomic()},
               {"nonce", a.nonce},
               {"pending_nonce", mempool.next_nonce(*pk, state)},
               {"pending_in", flow.in.atomic()},
               {"pending_in_txs", flow.in_txs},
               {"pending_out", flow.out.atomic()},
               {"pending_out_txs", flow.out_txs},
               {"locked_stakes", std::move(locked)},
               {"height", tip.header.height.value}};
  });
  return out;
}

// Blocks read for one history page: consecutive entries often share a block.
class BlockReader {
 public:
  explicit BlockReader(const BlockStore& store) : store_(store) {}
  Expected<const Block*> at(Height h) {
    if (!block_ || block_->header.height != h) {
      auto b = store_.block_at(h);
      if (!b) return unexpected(b.error());
      block_ = std::move(*b);
    }
    return &*block_;
  }

 private:
  const BlockStore& store_;
  std::optional<Block> block_;
};

// "before": a cursor ("height:slot", from next_before) or a height (entries of lower blocks).
std::optional<HistoryPosition> before_param(Params& p, const json& params) {
  if (!p.has("before")) return std::nullopt;
  const json& v = params["before"];
  if (v.is_number_unsigned()) return HistoryPosition{Height(v.get<uint64_t>()), 0};
  if (v.is_string())
    if (auto pos = parse_history_cursor(v.get<std::string>())) return pos;
  p.fail("'before' must be a cursor \"height:slot\" from a previous answer's next_before, or a "
         "block height");
  return std::nullopt;
}

RpcResult get_account_history(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"address", "limit", "before"});
  std::string text = p.required_string("address");
  uint64_t limit = p.optional_u64("limit", kDefaultHistoryLimit);
  std::optional<PubKey> pk;
  if (!p.error()) pk = address_param(p, "address", text);
  if (!p.error() && (limit == 0 || limit > kMaxHistoryLimit))
    p.fail("'limit' must be in 1.." + std::to_string(kMaxHistoryLimit));
  const std::optional<HistoryPosition> before = p.error() ? std::nullopt : before_param(p, params);
  if (auto err = p.error()) return unexpected(*err);
  // One more than asked: whether there is a next page.
  auto history = chain.store().account_history(*pk, limit + 1, before);
  if (!history) return store_failure(history.error());
  const bool more = history->size() > limit;
  if (more) history->pop_back();
  BlockReader blocks(chain.store());
  json items = json::array();
  for (const AccountHistoryEntry& entry : *history) {
    const Height h = entry.position.height;
    auto block = blocks.at(h);
    if (!block) return store_failure(block.error());
    json j;
    if (const TxId* id = entry.txid()) {
      const uint32_t index = entry.position.slot;
      if (index >= (*block)->txs.size() || (*block)->txs[index].id() != *id)
        return unexpected(RpcError::internal(
            "the node's chain store is damaged: the account history points to a transaction "
            "that is not in block " + h.to_string()));
      const Tx& tx = (*block)->txs[index];
      j = tx_to_json(tx);
      j["kind"] = "tx";
      j["index"] = index;
      const auto* t = std::get_if<TransferPayload>(&tx.payload);
      j["direction"] = tx.sender != *pk ? "in" : (t && t->to == *pk ? "self" : "out");
    } else {
      j = account_event_to_json(*entry.event());
    }
    j["height"] = h.value;
    j["time_ms"] = (*block)->header.time_ms;
    j["cursor"] = history_cursor_text(entry.position);
    items.push_back(std::move(j));
  }
  return json{{"address", text},
              {"history", std::move(items)},
              {"next_before", more ? json(history_cursor_text(history->back().position))
                                   : json(nullptr)}};
}

}  // namespace

std::string history_cursor_text(const HistoryPosition& p) {
  return std::to_string(p.height.value) + ":" + std::to_string(p.slot);
}

std::optional<HistoryPosition> parse_history_cursor(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  uint64_t h = 0;
  uint32_t slot = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto r1 = std::from_chars(begin, begin + colon, h);
  if (r1.ec != std::errc() || r1.ptr != begin + colon) return std::nullopt;
  auto r2 = std::from_chars(begin + colon + 1, end, slot);
  if (r2.ec != std::errc() || r2.ptr != end) return std::nullopt;
  return HistoryPosition{Height(h), slot};
}

void register_account_methods(Dispatcher& d, const Blockchain& chain, const Mempool& mempool) {
  d.add("get_account", [&](const json& p) { return get_account(chain, mempool, p); });
  d.add("get_account_history", [&](const json& p) { return get_account_history(chain, p); });
}

}  // namespace swarmchain::rpc

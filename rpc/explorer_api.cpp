// Choices made here (docs/rpc.md has the user's view):
//   * get_block_list: before_height above tip + 1 is the tip + 1 (a page that starts at the
//     newest block), not an error: the explorer links "older than H" pages that stay valid.
//     The genesis block has no certificate: its round and signers are null. next_before is the
//     lowest height listed while a lower one exists, so the next page is {before_height:
//     next_before}; null on the last page.
//   * get_service_node_page answers from the newest snapshot even while a newer one is being
//     built (allow_stale; the reply's height names the block it describes), as get_swarm does.
//   * q is matched case-insensitively: "sw1" followed by hex digits is a prefix of an operator
//     address (whose text is "sw1" + the key's hex + a checksum), a whole address (75
//     characters) is that operator (its checksum checked), and bare hex digits are a prefix of
//     the node's pubkey or of its operator's. Anything else is -32602 saying so.
#include "rpc/explorer_api.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "rpc/params.h"
#include "rpc/registry_snapshot_cache.h"
#include "rpc/service_node_order.h"
#include "rpc/store_failure.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using NodeCache = RegistrySnapshotCache<SortedServiceNodes>;

constexpr std::string_view kAddressPrefix = "sw1";
constexpr std::size_t kAddressChars = 3 + 64 + 8;  // common/address.h

// `names`' index of `value`, or a -32602 in `p` listing them.
template <std::size_t N>
std::size_t choice(Params& p, std::string_view param, const std::string& value,
                   const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == value) return i;
  std::string allowed;
  for (std::size_t i = 0; i < N; ++i) allowed += (i == 0 ? "" : ", ") + std::string(names[i]);
  p.fail("'" + std::string(param) + "' must be one of " + allowed + "; got '" + value + "'");
  return 0;
}

bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// q (see the top of this file) -> the filter's key part; problems go to `p`.
void parse_query(Params& p, const std::string& q, NodeFilter& f) {
  if (q.size() > kNodeQueryMaxChars) {
    p.fail("'q' is longer than " + std::to_string(kNodeQueryMaxChars) + " characters");
    return;
  }
  std::string lower(q);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view text(lower);
  const bool address = text.substr(0, kAddressPrefix.size()) == kAddressPrefix;
  const std::string_view digits = address ? text.substr(kAddressPrefix.size()) : text;
  if (address && text.size() == kAddressChars) {
    f.operator_address = address_param(p, "q", text);
    return;
  }
  if (!all_hex(digits) || digits.size() > 2 * PubKey::kSize) {
    p.fail("'q' must be hex digits (a prefix of a node's pubkey or of an operator's), \"sw1\" and "
           "hex digits (a prefix of an operator address), or a whole operator address");
    return;
  }
  f.hex_prefix = std::string(digits);
  f.prefix_of_pubkey = !address;
}

RawRpcResult get_service_node_page(NodeCache& cache, const json& params) {
  Params p(params);
  p.allow_only({"offset", "limit", "sort", "order", "state", "q"});
  const uint64_t offset = p.optional_u64("offset", 0);
  const uint64_t limit = p.optional_u64("limit", kNodePageDefault);
  const std::string sort_text = p.optional_string("sort", "pubkey");
  const std::string order_text = p.optional_string("order", "asc");
  const std::string state_text = p.optional_string("state", "all");
  const std::optional<std::string> q = p.optional_string("q");
  if (!p.error() && (limit < 1 || limit > kNodePageMax))
    p.fail("'limit' must be 1 to " + std::to_string(kNodePageMax) + ", got " + std::to_string(limit));
  static constexpr std::array<std::string_view, 2> kOrders{"asc", "desc"};
  const auto sort = static_cast<NodeSort>(choice(p, "sort", sort_text, kNodeSortNames));
  const bool descending = choice(p, "order", order_text, kOrders) == 1;
  NodeFilter filter;
  filter.state = static_cast<NodeStateFilter>(choice(p, "state", state_text, kNodeStateFilterNames));
  if (q) parse_query(p, *q, filter);
  if (auto err = p.error()) return unexpected(*err);

  const NodeCache::View view = cache.current(/*allow_stale=*/true);
  const SortedServiceNodes& nodes = *view.snapshot;
  const SortedServiceNodes::Page page =
      nodes.page(sort, descending, filter, offset, static_cast<std::size_t>(limit));
  std::string out;
  out.reserve(128 + page.entries.size() * 1024);
  out += R"({"height":)" + std::to_string(view.tip.height.value);
  out += R"(,"total":)" + std::to_string(nodes.nodes().size());
  out += R"(,"matched":)" + std::to_string(page.matched);
  out += R"(,"offset":)" + std::to_string(offset);
  out += R"(,"limit":)" + std::to_string(limit);
  out += R"(,"nodes":)";
  ServiceNodeSnapshot::write_array(out, page.entries, ServiceNodeSnapshot::all_fields());
  out += '}';
  return out;
}

RpcResult get_block_list(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"before_height", "limit"});
  const std::optional<uint64_t> before = p.optional_u64("before_height");
  const uint64_t limit = p.optional_u64("limit", kBlockListDefault);
  if (!p.error() && (limit < 1 || limit > kBlockListMax))
    p.fail("'limit' must be 1 to " + std::to_string(kBlockListMax) + ", got " + std::to_string(limit));
  if (auto err = p.error()) return unexpected(*err);

  const uint64_t tip = chain.tip().header.height.value;
  uint64_t h = std::min(before.value_or(tip + 1), tip + 1);
  json blocks = json::array();
  while (h > 0 && blocks.size() < limit) {
    --h;
    auto block = chain.store().block_at(Height(h));
    if (!block) return store_failure(block.error());
    auto cert = chain.store().certificate_at(Height(h));
    if (!cert) return store_failure(cert.error());
    const BlockHeader& header = block->header;
    const std::optional<CommitCertificate>& c = *cert;
    blocks.push_back({{"height", h},
                      {"hash", to_hex(header.hash())},
                      {"time_ms", header.time_ms},
                      {"tx_count", block->txs.size()},
                      {"proposer", to_hex(header.proposer)},
                      {"round", c ? json(c->round) : json(nullptr)},
                      {"signers", c ? json(c->sigs.size()) : json(nullptr)},
                      {"committee_size", chain.committee(Height(h)).size()}});
  }
  return json{{"tip_height", tip},
              {"blocks", std::move(blocks)},
              {"next_before", h > 0 ? json(h) : json(nullptr)}};
}

}  // namespace

void register_explorer_methods(Dispatcher& d, const Blockchain& chain) {
  auto nodes = std::make_shared<NodeCache>(chain);
  d.add_raw("get_service_node_page",
            [nodes](const json& p) { return get_service_node_page(*nodes, p); });
  d.add("get_block_list", [&chain](const json& p) { return get_block_list(chain, p); });
}

}  // namespace swarmchain::rpc

#include "rpc/proof_api.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "registry/committee_chain.h"
#include "registry/swarm_lookup.h"
#include "registry/swarm_proof.h"
#include "rpc/params.h"

namespace swarmchain::rpc {

namespace {

using nlohmann::json;

RpcError no_certified_tip() {
  return RpcError::rejected(
      "no block is certified yet (the chain is at its genesis); ask again after block 1");
}

RpcResult get_genesis(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({});
  if (auto err = p.error()) return unexpected(*err);
  json committee = json::array();
  for (const PubKey& pk : chain.executor().genesis_committee()) committee.push_back(to_hex(pk));
  return json{{"chain_id", to_hex(chain.chain_id())},
              {"epoch_blocks", chain.params().epoch_blocks},
              {"genesis_committee", std::move(committee)},
              {"genesis_hex", to_hex(encode(chain.executor().genesis()))}};
}

RpcResult get_committee_chain(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"from_height", "to_height"});
  const uint64_t from = p.optional_u64("from_height", 0);
  const std::optional<uint64_t> to_param = p.optional_u64("to_height");
  if (auto err = p.error()) return unexpected(*err);
  const uint64_t E = chain.params().epoch_blocks;
  if (from % E != 0)
    return unexpected(RpcError::invalid_params(
        "'from_height' must be 0 or a multiple of epoch_blocks (" + std::to_string(E) +
        "): the last hand-off height the client trusts"));

  // Committees of the epochs asked for, under the state lock; blocks are read after it.
  struct Wanted {
    Height height;
    std::optional<std::vector<PubKey>> next;
  };
  std::vector<Wanted> wanted;
  std::optional<RpcError> error;
  uint64_t to = 0;
  bool more = false;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    to = to_param.value_or(tip.header.height.value);
    if (to > tip.header.height.value) {
      error = RpcError::invalid_params("'to_height' " + std::to_string(to) +
                                       " is above the tip (" + tip.header.height.to_string() + ")");
      return;
    }
    // Hand-offs strictly below `to`: the block at `to` is the tip the client checks itself.
    for (uint64_t h = from + E; h < to; h += E) {
      if (wanted.size() == kMaxHandoffsPerAnswer) {
        more = true;
        break;
      }
      const auto* current = state.committee(Height(h), E);
      const auto* next = state.committee(Height(h + 1), E);
      if (!current || !next) {
        error = RpcError::internal("the committee of epoch " +
                                   std::to_string(epoch_of(Height(h + 1), E)) + " is not known");
        return;
      }
      wanted.push_back({Height(h), *next == *current ? std::nullopt : std::optional(*next)});
    }
  });
  if (error) return unexpected(*error);

  json handoffs = json::array();
  for (Wanted& w : wanted) {
    auto block = chain.store().block_at(w.height);
    auto cert = chain.store().certificate_at(w.height);
    if (!block || !cert || !*cert)
      return unexpected(RpcError::internal("the node's chain store is damaged: block " +
                                           w.height.to_string() +
                                           " or its certificate cannot be read"));
    CommitteeHandoff handoff{{encode(block->header), **cert}, std::move(w.next)};
    handoffs.push_back({{"height", w.height.value}, {"proof", to_hex(encode(handoff))}});
  }
  return json{{"epoch_blocks", E},
              {"from_height", from},
              {"to_height", to},
              {"handoffs", std::move(handoffs)},
              {"more", more}};
}

// The tip and every record, copied in one locked read so that they agree.
struct Opening {
  CertifiedHeader tip;
  Height height;
  BlockHash hash;
  std::vector<ServiceNode> records;
  std::vector<SwarmId> swarm_ids;
};

// The last tip's Opening, and its get_swarm_table answer, shared by every request at that tip:
// a burst of proof requests (each answer is megabytes at 10,000 nodes) costs one locked copy
// of the registry and one table encoding per block, not one per request.
class ProofCache {
 public:
  explicit ProofCache(const Blockchain& chain) : chain_(chain) {}

  Expected<std::shared_ptr<const Opening>, RpcError> opening() {
    std::optional<BlockHash> tip_hash;
    chain_.with_state([&](const ChainState&, const ChainTip& tip) {
      if (tip.cert) tip_hash = tip.hash;
    });
    if (!tip_hash) return unexpected(no_certified_tip());
    {
      std::lock_guard lock(mu_);
      if (opening_ && opening_->hash == *tip_hash) return opening_;
    }
    auto fresh = std::make_shared<Opening>();
    bool certified = true;
    chain_.with_state([&](const ChainState& state, const ChainTip& tip) {
      if (!tip.cert) {
        certified = false;
        return;
      }
      fresh->tip = {encode(tip.header), *tip.cert};
      fresh->height = tip.header.height;
      fresh->hash = tip.hash;
      fresh->records.reserve(state.registry.size());
      state.registry.for_each([&](const ServiceNode& sn) { fresh->records.push_back(sn); });
      for (const auto& [id, members] : state.registry.swarms()) fresh->swarm_ids.push_back(id);
    });
    if (!certified) return unexpected(no_certified_tip());
    std::lock_guard lock(mu_);
    if (!opening_ || opening_->height < fresh->height) {
      opening_ = std::move(fresh);
      table_answer_.reset();
    }
    return opening_;
  }

  // The get_swarm_table answer for `o` (serialised once per tip).
  std::shared_ptr<const std::string> table_answer(const std::shared_ptr<const Opening>& o) {
    {
      std::lock_guard lock(mu_);
      if (table_answer_ && table_for_ == o->hash) return table_answer_;
    }
    SwarmTableProof proof{o->tip, o->records, {}};
    proof.table = encode_swarm_table(proof.records);
    auto answer = std::make_shared<const std::string>(
        json{{"height", o->height.value},
             {"block_hash", to_hex(o->hash)},
             {"nodes", proof.table.size() / kTableEntryBytes},
             {"records", proof.records.size()},
             {"table_hex", to_hex(proof.table)},
             {"proof", to_hex(encode(proof))}}
            .dump());
    std::lock_guard lock(mu_);
    if (opening_ && opening_->hash == o->hash) {
      table_answer_ = answer;
      table_for_ = o->hash;
    }
    return answer;
  }

 private:
  const Blockchain& chain_;
  std::mutex mu_;
  std::shared_ptr<const Opening> opening_;
  std::shared_ptr<const std::string> table_answer_;
  BlockHash table_for_{};
};

RpcResult get_swarm_proof(ProofCache& cache, const json& params) {
  Params p(params);
  p.allow_only({"pubkey"});
  const std::string text = p.required_string("pubkey");
  std::optional<PubKey> user;
  if (!p.error()) user = user_pubkey_param(p, "pubkey", text);
  if (auto err = p.error()) return unexpected(*err);
  auto o = cache.opening();
  if (!o) return unexpected(o.error());
  const Opening& open = **o;
  const SwarmId swarm_id = SwarmIndex(open.swarm_ids).lookup(*user);
  if (swarm_id == kUnassignedSwarm)
    return unexpected(RpcError::rejected("the registry has no swarms yet (no active service nodes)"));
  const SwarmProof proof{open.tip, open.records, open.swarm_ids, swarm_id};
  return json{{"height", open.height.value},
              {"block_hash", to_hex(open.hash)},
              {"swarm_id", swarm_id},
              {"swarm", swarm_hex(swarm_id)},
              {"swarm_count", open.swarm_ids.size()},
              {"records", proof.records.size()},
              {"proof", to_hex(encode(proof))}};
}

RawRpcResult get_swarm_table(ProofCache& cache, const json& params) {
  Params p(params);
  p.allow_only({});
  if (auto err = p.error()) return unexpected(*err);
  auto o = cache.opening();
  if (!o) return unexpected(o.error());
  return *cache.table_answer(*o);
}

}  // namespace

void register_proof_methods(Dispatcher& d, const Blockchain& chain) {
  d.add("get_genesis", [&chain](const json& p) { return get_genesis(chain, p); });
  d.add("get_committee_chain", [&chain](const json& p) { return get_committee_chain(chain, p); });
  auto cache = std::make_shared<ProofCache>(chain);
  d.add("get_swarm_proof", [cache](const json& p) { return get_swarm_proof(*cache, p); });
  d.add_raw("get_swarm_table", [cache](const json& p) { return get_swarm_table(*cache, p); });
}

}  // namespace swarmchain::rpc

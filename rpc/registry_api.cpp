// Choices made here (design §8 leaves them open):
//   * get_service_nodes: an empty `service_node_pubkeys` means "all nodes", as in Oxen; unknown
//     pubkeys in it are skipped, not an error (a storage server asks for a list it learned
//     earlier). `limit` > 0 keeps a uniform random sample (std::sample), in ascending pubkey
//     order. `fields` names entry fields only, each with a boolean; false leaves the field out.
//   * active_since_height is null while the node never became active (state "awaiting"): the
//     record stores 0 then, which would read as "active since genesis".
//   * Contact data comes from the node's last uptime proof (in the record, so in
//     registry_root): public_ip "0.0.0.0" and ports 0 while it never proved (Oxen's answer for
//     a node without a proof); last_uptime_proof is the including block's time in seconds, 0
//     if none; storage_server_version is [major, minor, patch].
//   * get_service_node_status: proof_age is the tip's block time minus the last proof's, in
//     seconds (null if the node never proved) — the age every liveness rule reads.
//   * get_registry_proof serves the tip only: the node keeps one registry, and answering for an
//     older height with today's record would be a proof of the wrong thing.
#include "rpc/registry_api.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "chain/chain_state.h"
#include "common/address.h"
#include "common/codec.h"
#include "common/hex.h"
#include "common/merkle.h"
#include "registry/staking_rules.h"
#include "rpc/chain_api.h"
#include "rpc/params.h"

namespace swarmchain::rpc {

using nlohmann::json;

const std::vector<std::string_view>& service_node_field_names() {
  static const std::vector<std::string_view> names = {
      "service_node_pubkey", "pubkey_ed25519", "pubkey_x25519", "swarm_id", "swarm",
      "public_ip", "storage_port", "storage_lmq_port", "quorumnet_port", "contributors",
      "total_contributed", "total_reserved", "staking_requirement", "operator_address",
      "operator_fee", "registration_height", "requested_unlock_height", "active", "funded",
      "state", "last_uptime_proof", "last_reward_block_height", "last_reward_transaction_index",
      "decommission_count", "earned_downtime_blocks", "active_since_height", "rewards_earned",
      "storage_server_version", "last_uptime_proof_height"};
  return names;
}

json service_node_to_json(const ServiceNode& sn) {
  json contributors = json::array();
  for (const Contributor& c : sn.contributors)
    contributors.push_back({{"address", address_from_pubkey(c.address)},
                            {"amount", c.amount.atomic()},
                            {"reserved", c.reserved.atomic()}});
  const std::string pk = to_hex(sn.pubkey);
  json active_since = sn.state == NodeState::kAwaiting ? json(nullptr)
                                                        : json(sn.active_since_height.value);
  return json{{"service_node_pubkey", pk},
              {"pubkey_ed25519", pk},
              {"pubkey_x25519", to_hex(sn.pubkey_x25519)},
              {"swarm_id", sn.swarm_id},
              {"swarm", swarm_hex(sn.swarm_id)},
              {"public_ip", ipv4_text(sn.contact.public_ip)},
              {"storage_port", sn.contact.storage_port},
              {"storage_lmq_port", sn.contact.storage_lmq_port},
              {"quorumnet_port", sn.contact.quorumnet_port},
              {"storage_server_version", sn.contact.version},
              {"contributors", std::move(contributors)},
              {"total_contributed", sn.total_contributed.atomic()},
              {"total_reserved", sn.total_reserved.atomic()},
              {"staking_requirement", sn.staking_requirement.atomic()},
              {"operator_address", address_from_pubkey(sn.operator_address)},
              {"operator_fee", sn.fee_bps},
              {"registration_height", sn.registration_height.value},
              {"requested_unlock_height", sn.requested_unlock_height.value},
              {"active", sn.is_active()},
              {"funded", sn.is_fully_funded()},
              {"state", node_state_name(sn.state)},
              {"last_uptime_proof", sn.last_proof_time_ms / 1000},
              {"last_uptime_proof_height", sn.last_proof_height.value},
              {"last_reward_block_height", sn.last_reward_height.value},
              {"last_reward_transaction_index", sn.last_reward_index},
              {"decommission_count", sn.decommission_count},
              {"earned_downtime_blocks", sn.recommission_credit},
              {"active_since_height", std::move(active_since)},
              {"rewards_earned", sn.rewards_earned.atomic()}};
}

// ---- SwarmDirectory ----------------------------------------------------------------------

SwarmDirectory::Members SwarmDirectory::members_of(const RegistryState& registry) {
  Members out;
  out.reserve(registry.swarms().size());
  for (const auto& [id, pks] : registry.swarms()) {
    std::vector<Member> members;
    members.reserve(pks.size());
    for (const PubKey& pk : pks) {
      const ServiceNode* sn = registry.get(pk);
      members.push_back({pk, sn ? std::optional<PubKey>(sn->pubkey_x25519) : std::nullopt});
    }
    out.emplace_back(id, std::move(members));
  }
  return out;
}

SwarmDirectory::SwarmDirectory(const Members& members, Height height) : height_(height) {
  // `members` is ascending by id and holds no kUnassignedSwarm (it comes from a SwarmTable), so
  // replies_ lines up with index_.ids() by construction.
  std::vector<SwarmId> ids;
  ids.reserve(members.size());
  replies_.reserve(members.size());
  for (const auto& [id, swarm] : members) {
    ids.push_back(id);
    json snodes = json::array();
    for (const Member& m : swarm) {
      snodes.push_back({{"pubkey_ed25519", to_hex(m.ed25519)},
                        {"pubkey_x25519", m.x25519 ? json(to_hex(*m.x25519)) : json(nullptr)},
                        {"ip", nullptr},
                        {"port_https", nullptr},
                        {"port_omq", nullptr}});
    }
    replies_.push_back(json{{"swarm_id", id},
                            {"swarm", swarm_hex(id)},
                            {"height", height.value},
                            {"snodes", std::move(snodes)}});
  }
  index_ = SwarmIndex(std::move(ids));
}

const json& SwarmDirectory::swarm_for(const PubKey& user) const {
  static const json kNone;
  const SwarmId id = index_.lookup(user);
  if (id == kUnassignedSwarm) return kNone;
  const auto& ids = index_.ids();
  const auto pos = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  return pos < replies_.size() ? replies_[pos] : kNone;
}

namespace {

// The SwarmDirectory of the current tip, rebuilt when the tip block hash changes (at most once
// per block, and only if someone asks). Readers share the snapshot through a shared_ptr, so a
// rebuild never invalidates a reply being sent. The rebuild copies the swarm table under the
// chain's read lock and builds the replies outside it, so the chain writer is not held up.
//
// While one worker rebuilds, the others keep answering from the previous block's directory
// instead of queueing behind it (with 10,000 nodes a rebuild takes ~20 ms): such an answer is
// what the same request would have got a few milliseconds earlier, and its "height" says so.
// They answer from the newest directory published, and builds are serialised, each from the
// tip it reads, so a directory is only ever replaced by a newer one.
class SwarmDirectoryCache {
 public:
  explicit SwarmDirectoryCache(const Blockchain& chain) : chain_(chain) {}

  std::shared_ptr<const SwarmDirectory> current() {
    if (auto dir = cached(tip_hash())) return dir;
    std::unique_lock build(build_mu_, std::try_to_lock);
    if (!build.owns_lock()) {
      if (auto newest = newest_built()) return newest;
      build.lock();  // nothing to serve yet: wait for the first directory
    }
    if (auto dir = cached(tip_hash())) return dir;  // built while we waited
    SwarmDirectory::Members members;
    Height height;
    BlockHash key;
    chain_.with_state([&](const ChainState& state, const ChainTip& t) {
      members = SwarmDirectory::members_of(state.registry);
      height = t.header.height;
      key = t.hash;
    });
    auto fresh = std::make_shared<const SwarmDirectory>(members, height);
    std::lock_guard lock(mu_);
    dir_ = fresh;
    key_ = key;
    return fresh;
  }

 private:
  BlockHash tip_hash() const {
    BlockHash h;
    chain_.with_state([&h](const ChainState&, const ChainTip& t) { h = t.hash; });
    return h;
  }
  std::shared_ptr<const SwarmDirectory> cached(const BlockHash& tip) const {
    std::lock_guard lock(mu_);
    return dir_ && key_ == tip ? dir_ : nullptr;
  }
  std::shared_ptr<const SwarmDirectory> newest_built() const {
    std::lock_guard lock(mu_);
    return dir_;
  }

  const Blockchain& chain_;
  std::mutex build_mu_;    // one builder at a time
  mutable std::mutex mu_;  // guards dir_ and key_
  std::shared_ptr<const SwarmDirectory> dir_;
  BlockHash key_;
};

RpcError no_node(const std::string& pubkey_text) {
  return RpcError::invalid_params("no service node with pubkey " + pubkey_text);
}

std::mt19937_64& sampling_rng() {
  // RPC sampling, not consensus: any unpredictable seed will do. One engine per thread, so
  // workers neither share state nor pay for random_device on every call.
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  return rng;
}

RpcResult get_service_nodes(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"service_node_pubkeys", "active_only", "limit", "fields", "poll_block_hash"});
  const std::vector<std::string> key_texts = p.optional_string_array("service_node_pubkeys");
  const bool active_only = p.optional_bool("active_only", false);
  const uint64_t limit = p.optional_u64("limit", 0);
  const std::optional<json> fields = p.optional_object("fields");
  const std::optional<std::string> poll_text = p.optional_string("poll_block_hash");

  std::set<PubKey> keys;
  for (std::size_t i = 0; i < key_texts.size(); ++i) {
    auto k = fixed_hex_param<PubKey>(p, "service_node_pubkeys[" + std::to_string(i) + "]",
                                     key_texts[i]);
    if (k) keys.insert(*k);
  }
  std::optional<std::vector<std::string>> wanted;  // nullopt: every field
  if (fields) {
    wanted.emplace();
    const auto& known = service_node_field_names();
    // Oxen's storage server also names top-level fields here. height and block_hash are
    // always in our answer; swarmchain has no hard forks or snode revisions, so those two are
    // accepted and left out rather than invented (docs/operator.md).
    static const std::set<std::string> kTopLevel{"height", "block_hash", "hardfork",
                                                 "snode_revision"};
    for (const auto& [name, value] : fields->items()) {
      const bool top_level = kTopLevel.contains(name);
      if (!top_level && std::find(known.begin(), known.end(), name) == known.end()) {
        p.fail("unknown field '" + name + "' in 'fields'");
        break;
      }
      if (!value.is_boolean()) {
        p.fail("'fields." + name + "' must be a boolean");
        break;
      }
      if (!top_level && value.get<bool>()) wanted->push_back(name);
    }
  }
  std::optional<BlockHash> poll;
  if (poll_text) poll = fixed_hex_param<BlockHash>(p, "poll_block_hash", *poll_text);
  if (auto err = p.error()) return unexpected(*err);

  json out;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    out = json{{"height", tip.header.height.value}, {"block_hash", to_hex(tip.hash)}};
    if (poll && *poll == tip.hash) {
      out["unchanged"] = true;
      return;
    }
    std::vector<const ServiceNode*> matching;
    auto consider = [&](const ServiceNode& sn) {
      if (!active_only || sn.is_active()) matching.push_back(&sn);
    };
    if (!keys.empty()) {
      for (const PubKey& k : keys)  // std::set: ascending
        if (const ServiceNode* sn = state.registry.get(k)) consider(*sn);
    } else {
      state.registry.for_each(consider);
    }
    if (limit > 0 && limit < matching.size()) {
      std::vector<const ServiceNode*> sample;
      sample.reserve(limit);
      std::sample(matching.begin(), matching.end(), std::back_inserter(sample), limit,
                  sampling_rng());
      matching = std::move(sample);
    }
    json states = json::array();
    for (const ServiceNode* sn : matching) {
      json full = service_node_to_json(*sn);
      if (!wanted) {
        states.push_back(std::move(full));
        continue;
      }
      json picked = json::object();
      for (const std::string& name : *wanted) picked[name] = std::move(full[name]);
      states.push_back(std::move(picked));
    }
    out["service_node_states"] = std::move(states);
    out["unchanged"] = false;
  });
  return out;
}

RpcResult get_swarm(SwarmDirectoryCache& cache, const json& params) {
  Params p(params);
  p.allow_only({"pubkey"});
  const std::string text = p.required_string("pubkey");
  std::optional<PubKey> user;
  if (!p.error()) {
    auto parsed = parse_user_pubkey(text);
    if (parsed) user = *parsed;
    else p.fail("'pubkey': " + parsed.error().message());
  }
  if (auto err = p.error()) return unexpected(*err);
  const std::shared_ptr<const SwarmDirectory> dir = cache.current();
  if (dir->empty())
    return unexpected(RpcError::rejected("the registry has no swarms yet (no active service nodes)"));
  return dir->swarm_for(*user);
}

RpcResult get_swarms(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({});
  if (auto err = p.error()) return unexpected(*err);
  json out;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    json swarms = json::array();
    for (const auto& [id, members] : state.registry.swarms()) {
      json keys = json::array();
      for (const PubKey& pk : members) keys.push_back(to_hex(pk));
      swarms.push_back({{"swarm_id", id}, {"swarm", swarm_hex(id)}, {"members", std::move(keys)}});
    }
    out = json{{"height", tip.header.height.value}, {"swarms", std::move(swarms)}};
  });
  return out;
}

RpcResult get_staking_requirement(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({});
  if (auto err = p.error()) return unexpected(*err);
  const RegistryParams& rp = chain.executor().registry_params();
  return json{{"staking_requirement", rp.staking_requirement.atomic()},
              {"min_operator_stake", rp.min_operator_stake.atomic()},
              {"max_contributors", rp.max_contributors},
              {"height", chain.tip().header.height.value}};
}

RpcResult get_service_node_status(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"pubkey", "contributor"});
  const std::string text = p.required_string("pubkey");
  const std::optional<std::string> contributor_text = p.optional_string("contributor");
  std::optional<PubKey> pk;
  if (!p.error()) pk = fixed_hex_param<PubKey>(p, "pubkey", text);
  std::optional<PubKey> contributor;
  if (contributor_text && !p.error())
    contributor = address_param(p, "contributor", *contributor_text);
  if (auto err = p.error()) return unexpected(*err);

  std::optional<ServiceNode> sn;
  Height height;
  uint64_t tip_time_ms = 0;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    if (const ServiceNode* found = state.registry.get(*pk)) sn = *found;
    height = tip.header.height;
    tip_time_ms = tip.header.time_ms;
  });
  if (!sn) return unexpected(no_node(text));
  json out = service_node_to_json(*sn);
  out["height"] = height.value;
  out["credit"] = sn->recommission_credit;
  out["proof_age"] = sn->has_proof() ? json((tip_time_ms > sn->last_proof_time_ms
                                                 ? tip_time_ms - sn->last_proof_time_ms
                                                 : 0) /
                                            1000)
                                     : json(nullptr);
  out["next_obligation_check"] = nullptr;
  out["liveness"] = sn->has_proof() ? "uptime proofs on chain; obligation checks are not active yet"
                                    : "no uptime proof received yet";
  if (contributor) {
    auto limits = stake_limits(chain.executor().registry_params(), *sn, *contributor);
    if (limits)
      out["stake_limits"] = {{"min", limits->min.atomic()}, {"max", limits->max.atomic()}};
    else
      out["stake_refused"] = limits.error().message();
  }
  return out;
}

RpcResult get_registry_proof(const Blockchain& chain, const json& params) {
  Params p(params);
  p.allow_only({"pubkey", "height"});
  const std::string text = p.required_string("pubkey");
  const std::optional<uint64_t> height = p.optional_u64("height");
  std::optional<PubKey> pk;
  if (!p.error()) pk = fixed_hex_param<PubKey>(p, "pubkey", text);
  if (auto err = p.error()) return unexpected(*err);

  // Record, proof, header and certificate come from one locked read, so they agree.
  std::optional<RpcError> error;
  json out;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    const Height tip_height = tip.header.height;
    if (height && *height != tip_height.value) {
      error = RpcError::invalid_params("registry proofs are kept for the latest block only (tip is " +
                                       tip_height.to_string() + ")");
      return;
    }
    const ServiceNode* sn = state.registry.get(*pk);
    auto proof = state.registry.proof(*pk);
    if (!sn || !proof) {
      error = no_node(text);
      return;
    }
    json steps = json::array();
    for (const MerkleStep& s : proof->steps)
      steps.push_back({{"sibling_on_left", s.sibling_on_left}, {"hash", to_hex(s.sibling)}});
    json committee = json::array();
    for (const PubKey& member : chain.executor().committee(state, tip_height))
      committee.push_back(to_hex(member));
    out = json{{"height", tip_height.value},
               {"block_hash", to_hex(tip.hash)},
               {"registry_root", to_hex(tip.header.registry_root)},
               {"record", service_node_to_json(*sn)},
               {"record_hex", to_hex(sn->to_bytes())},
               {"leaf_hash", to_hex(sn->leaf_hash())},
               {"proof", std::move(steps)},
               {"proof_hex", to_hex(encode(*proof))},
               {"header", header_to_json(tip.header)},
               {"header_hex", to_hex(encode(tip.header))},
               // The genesis block has no certificate: it is anchored by the chain id.
               {"certificate", tip.cert ? certificate_to_json(*tip.cert) : json(nullptr)},
               {"certificate_hex", tip.cert ? json(to_hex(encode(*tip.cert))) : json(nullptr)},
               {"committee", std::move(committee)},
               {"chain_id", to_hex(chain.chain_id())}};
  });
  if (error) return unexpected(*error);
  return out;
}

}  // namespace

void register_registry_methods(Dispatcher& d, const Blockchain& chain) {
  auto cache = std::make_shared<SwarmDirectoryCache>(chain);
  d.add("get_service_nodes", [&chain](const json& p) { return get_service_nodes(chain, p); });
  d.add("get_n_service_nodes", [&chain](const json& p) { return get_service_nodes(chain, p); });
  d.add("get_swarm", [cache](const json& p) { return get_swarm(*cache, p); });
  d.add("get_swarms", [&chain](const json& p) { return get_swarms(chain, p); });
  d.add("get_staking_requirement",
        [&chain](const json& p) { return get_staking_requirement(chain, p); });
  d.add("get_service_node_status",
        [&chain](const json& p) { return get_service_node_status(chain, p); });
  d.add("get_registry_proof", [&chain](const json& p) { return get_registry_proof(chain, p); });
}

}  // namespace swarmchain::rpc

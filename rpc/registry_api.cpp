// Choices made here (design §8 leaves them open; docs/rpc.md has the user's view):
//   * get_service_nodes: an empty `service_node_pubkeys` means "all nodes", as in Oxen; unknown
//     pubkeys in it are skipped, not an error (a storage server asks for a list it learned
//     earlier). `limit` > 0 keeps a uniform random sample (std::sample), in ascending pubkey
//     order. `fields` names entry fields, each with a boolean (false leaves the field out), and
//     may name the top-level fields the storage server names (height, block_hash, hardfork,
//     snode_revision), which every answer carries anyway. Any other name is -32602 naming it.
//   * hardfork / snode_revision (and get_swarm's hf) are the Oxen network version whose
//     storage-server interface the registry serves (rpc/oxen_compat.h): a storage server
//     refuses to serve below its minimum, so they are what makes it start.
//   * active_since_height is null while the node never became active (state "awaiting"): the
//     record stores 0 then, which would read as "active since genesis". It is the only field
//     that can be null, and no storage server reads it.
//   * Contact data comes from the node's last uptime proof (in the record, so in
//     registry_root): public_ip "0.0.0.0" and ports 0 while it never proved (Oxen's answer for
//     a node without a proof); last_uptime_proof is the including block's time in seconds, 0
//     if none; storage_server_version is [major, minor, patch]. get_swarm's ip / port_https
//     (storage_port) / port_omq (storage_lmq_port) come from the same record.
//   * get_swarm's t is the tip block's time in ms (Oxen's storage server writes its clock
//     there): deterministic, the same on every node at that block.
//   * get_service_node_status: proof_age is the tip's block time minus the last proof's, in
//     seconds (null if the node never proved) — the age every liveness rule reads.
//   * get_registry_proof serves the tip only: the node keeps one registry, and answering for an
//     older height with today's record would be a proof of the wrong thing.
#include "rpc/registry_api.h"

#include "registry/liveness_rules.h"
#include "registry/reach_quorum.h"

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
#include "rpc/oxen_compat.h"
#include "rpc/params.h"
#include "rpc/registry_snapshot_cache.h"
#include "rpc/service_node_snapshot.h"

namespace swarmchain::rpc {

using nlohmann::json;

// ---- SwarmDirectory ----------------------------------------------------------------------

SwarmDirectory::Members SwarmDirectory::members_of(const RegistryState& registry) {
  Members out;
  out.reserve(registry.swarms().size());
  for (const auto& [id, pks] : registry.swarms()) {
    std::vector<Member> members;
    members.reserve(pks.size());
    for (const PubKey& pk : pks) {
      // A swarm member always has a record (RegistryState keeps the table from the records).
      const ServiceNode* sn = registry.get(pk);
      if (!sn) continue;
      members.push_back({pk, sn->pubkey_x25519,
                         sn->has_proof() ? std::optional<UptimeContact>(sn->contact)
                                         : std::nullopt});
    }
    out.emplace_back(id, std::move(members));
  }
  return out;
}

SwarmDirectory::SwarmDirectory(const Members& members) {
  // `members` is ascending by id and holds no kUnassignedSwarm (it comes from a SwarmTable), so
  // replies_ lines up with index_.ids() by construction.
  std::vector<SwarmId> ids;
  ids.reserve(members.size());
  replies_.reserve(members.size());
  texts_.reserve(members.size());
  for (const auto& [id, swarm] : members) {
    ids.push_back(id);
    json snodes = json::array();
    for (const Member& m : swarm) {
      const std::string ed = to_hex(m.ed25519);
      const uint16_t https = m.contact ? m.contact->storage_port : 0;
      // The storage server's shape (oxenss rpc: swarm_to_json). swarmchain has one node key,
      // so the legacy key and the ed25519 key are the same; "port" is https as a string.
      snodes.push_back({{"address", snode_address(m.ed25519)},
                        {"pubkey_legacy", ed},
                        {"pubkey_x25519", to_hex(m.x25519)},
                        {"pubkey_ed25519", ed},
                        {"ip", ipv4_text(m.contact ? m.contact->public_ip : 0)},
                        {"port", std::to_string(https)},
                        {"port_https", https},
                        {"port_omq", m.contact ? m.contact->storage_lmq_port : 0}});
    }
    json reply{{"swarm_id", id}, {"swarm", swarm_hex(id)}, {"snodes", std::move(snodes)}};
    std::string text = reply.dump();
    texts_.push_back(text.substr(1, text.size() - 2));  // without the braces
    replies_.push_back(std::move(reply));
  }
  index_ = SwarmIndex(std::move(ids));
}

std::size_t SwarmDirectory::position(const PubKey& user) const {
  const SwarmId id = index_.lookup(user);
  if (id == kUnassignedSwarm) return replies_.size();
  const auto& ids = index_.ids();
  const auto pos = static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  return pos < replies_.size() ? pos : replies_.size();
}

const json& SwarmDirectory::swarm_for(const PubKey& user) const {
  static const json kNone;
  const std::size_t pos = position(user);
  return pos < replies_.size() ? replies_[pos] : kNone;
}

std::string_view SwarmDirectory::swarm_text_for(const PubKey& user) const {
  const std::size_t pos = position(user);
  return pos < texts_.size() ? std::string_view(texts_[pos]) : std::string_view();
}

namespace {

using SwarmDirectoryCache = RegistrySnapshotCache<SwarmDirectory>;
using ServiceNodeCache = RegistrySnapshotCache<ServiceNodeSnapshot>;

// What get_service_node_status and get_registry_proof need besides the chain, to say why a node
// is missing.
struct MissingNodeSources {
  LastLivenessChange last_change;
  const Mempool* mempool = nullptr;
};

// A node not in the registry at `tip`: -32004 with data.status "pending" (its registration waits
// in the mempool: txid), "expired" or "deregistered" (this node saw its record leave), or
// "unknown" (never registered, or it left before this node started).
RpcError no_node(const std::string& text, const PubKey& pk, Height tip,
                 const MissingNodeSources& from) {
  json data{{"pubkey", text}, {"height", tip.value}};
  if (const auto txid = from.mempool ? from.mempool->pending_registration(pk) : std::nullopt) {
    data["status"] = "pending";
    data["txid"] = to_hex(*txid);
    return RpcError::not_found(
        "service_node",
        "service node " + text + " is not registered yet: its registration " + to_hex(*txid) +
            " is pending in the mempool; it is in the registry once a block includes it "
            "(usually the next one)",
        std::move(data));
  }
  if (auto last = from.last_change ? from.last_change(pk) : std::nullopt) {
    const LivenessEvent e = last->second.event;
    if (e == LivenessEvent::kExpired || e == LivenessEvent::kDeregistered) {
      data["status"] = liveness_event_name(e);
      data["left_at_height"] = last->first.value;
      return RpcError::not_found(
          "service_node",
          "service node " + text + " is no longer in the registry: " + liveness_event_name(e) +
              " at height " + last->first.to_string() + " (" + last->second.reason +
              "); register it again to run it",
          std::move(data));
    }
  }
  data["status"] = "unknown";
  return RpcError::not_found(
      "service_node",
      "no service node with pubkey " + text + " in the registry at height " + tip.to_string() +
          ", and no registration of it is pending: check the key (`swarmchaind keygen` printed "
          "it), or register it (`swarmchain-wallet sn register`)",
      std::move(data));
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

// get_service_nodes' top-level members, up to and including "unchanged":.
std::string service_nodes_head(const TipFacts& tip) {
  std::string out;
  out.reserve(192);
  out += R"({"height":)";
  out += std::to_string(tip.height.value);
  out += R"(,"block_hash":")";
  out += to_hex(tip.hash);
  out += R"(","hardfork":)";
  out += std::to_string(kOxenHardfork);
  out += R"(,"snode_revision":)";
  out += std::to_string(kOxenSnodeRevision);
  out += R"(,"unchanged":)";
  return out;
}

RawRpcResult get_service_nodes(ServiceNodeCache& cache, const json& params) {
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
  ServiceNodeSnapshot::FieldMask wanted = ServiceNodeSnapshot::all_fields();
  if (fields) {
    wanted.reset();
    // The storage server also names top-level fields here; every answer carries them.
    static const std::set<std::string, std::less<>> kTopLevel{"height", "block_hash",
                                                              "hardfork", "snode_revision"};
    for (const auto& [name, value] : fields->items()) {
      const std::optional<std::size_t> index = service_node_field_index(name);
      if (!index && !kTopLevel.contains(name)) {
        p.fail("unknown field '" + name + "' in 'fields'");
        break;
      }
      if (!value.is_boolean()) {
        p.fail("'fields." + name + "' must be a boolean");
        break;
      }
      if (index && value.get<bool>()) wanted.set(*index);
    }
  }
  std::optional<BlockHash> poll;
  if (poll_text) poll = fixed_hex_param<BlockHash>(p, "poll_block_hash", *poll_text);
  if (auto err = p.error()) return unexpected(*err);

  // Never stale: a poller told "unchanged" about a block it has not seen would miss it.
  const ServiceNodeCache::View view = cache.current(/*allow_stale=*/false);
  const ServiceNodeSnapshot& snap = *view.snapshot;
  std::string out = service_nodes_head(view.tip);
  if (poll && *poll == view.tip.hash) {
    out += "true}";
    return out;
  }
  out += R"(false,"service_node_states":)";
  if (keys.empty() && limit == 0) {
    const std::shared_ptr<const std::string> states = snap.all_entries(wanted, active_only);
    out.reserve(out.size() + states->size() + 1);
    out += *states;
  } else {
    std::vector<const ServiceNodeSnapshot::Entry*> matching;
    auto consider = [&](const ServiceNodeSnapshot::Entry* e) {
      if (e && (!active_only || e->record.is_active())) matching.push_back(e);
    };
    if (!keys.empty()) {
      for (const PubKey& k : keys) consider(snap.find(k));  // std::set: ascending
    } else {
      for (const auto& e : snap.entries()) consider(e.get());
    }
    if (limit > 0 && limit < matching.size()) {
      std::vector<const ServiceNodeSnapshot::Entry*> sample;
      sample.reserve(limit);
      std::sample(matching.begin(), matching.end(), std::back_inserter(sample), limit,
                  sampling_rng());
      matching = std::move(sample);
    }
    ServiceNodeSnapshot::write_array(out, matching, wanted);
  }
  out += '}';
  return out;
}

RawRpcResult get_swarm(SwarmDirectoryCache& cache, const json& params) {
  Params p(params);
  p.allow_only({"pubkey"});
  const std::string text = p.required_string("pubkey");
  std::optional<PubKey> user;
  if (!p.error()) user = user_pubkey_param(p, "pubkey", text);
  if (auto err = p.error()) return unexpected(*err);
  const SwarmDirectoryCache::View view = cache.current(/*allow_stale=*/true);
  const std::string_view swarm = view.snapshot->swarm_text_for(*user);
  if (swarm.empty())
    return unexpected(RpcError::rejected("the registry has no swarms yet (no active service nodes)"));
  std::string out;
  out.reserve(swarm.size() + 96);
  out += R"({"height":)";
  out += std::to_string(view.tip.height.value);
  out += R"(,"hf":[)";
  out += std::to_string(kOxenHardfork);
  out += ',';
  out += std::to_string(kOxenSnodeRevision);
  out += R"(],"t":)";
  out += std::to_string(view.tip.time_ms);
  out += ',';
  out += swarm;
  out += '}';
  return out;
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

json ms_to_s(const std::optional<uint64_t>& ms) { return ms ? json(*ms / 1000) : json(nullptr); }

// The liveness part of get_service_node_status (registry/liveness_rules.h: liveness_status).
json liveness_json(const ServiceNode& sn, const RegistryParams& rp, Height h, uint64_t t,
                   bool tested_at_tip, std::size_t active) {
  const LivenessStatus st = liveness_status(sn, rp, h, t);
  // `active` 0: nobody can test it (a one-node net, or none but itself on the committee).
  const double chance =
      active == 0 ? 0.0 : std::min(1.0, double(kReachTargetsPerHeight) / double(active));
  const uint64_t credit = st.credit_blocks < 0 ? 0 : static_cast<uint64_t>(st.credit_blocks);
  return json{{"state", node_state_name(st.state)},
              {"credit_blocks", st.credit_blocks},
              {"credit_s", blocks_to_ms(rp, credit) / 1000},
              {"last_proof_age_s", ms_to_s(st.proof_age_ms)},
              {"proof_interval_s", rp.proof_interval_s},
              {"proof_lifetime_s", rp.proof_lifetime_s},
              // Proof age is judged at the end of every block: the next check is the next block.
              {"next_check", {{"kind", "proof_age"}, {"height", h.next().value},
                              {"in_s", rp.target_block_ms / 1000.0}}},
              {"checks",
               {{{"kind", "proof_age"}, {"fails_now", st.would_fail_now}},
                // Judged by a quorum, not by this rule: see docs/protocol.md "Reachability".
                {{"kind", "reachability"},
                 {"what", "a quorum of up to " + std::to_string(kReachQuorumSize) +
                              " nodes connects to public_ip:quorumnet_port of its last proof "
                              "and checks that the node key answers"},
                 {"tested_at_tip", tested_at_tip},
                 {"chance_per_block", chance}}}},
              {"down_before_decommission_s", ms_to_s(st.ms_before_decommission)},
              {"down_before_deregistration_s", ms_to_s(st.ms_before_deregistration)},
              {"explanation", st.explanation}};
}

RpcResult get_service_node_status(const Blockchain& chain, const std::optional<PubKey>& own_key,
                                  const MissingNodeSources& sources, const json& params) {
  const LastLivenessChange& last_change = sources.last_change;
  Params p(params);
  p.allow_only({"pubkey", "contributor"});
  const std::optional<std::string> given = p.optional_string("pubkey");
  const std::optional<std::string> contributor_text = p.optional_string("contributor");
  std::optional<PubKey> pk;
  if (!p.error() && given) pk = fixed_hex_param<PubKey>(p, "pubkey", *given);
  if (!p.error() && !given) {
    if (!own_key) p.fail("'pubkey' is required: this node runs without a service-node key");
    pk = own_key;
  }
  std::optional<PubKey> contributor;
  if (contributor_text && !p.error())
    contributor = address_param(p, "contributor", *contributor_text);
  if (auto err = p.error()) return unexpected(*err);
  const std::string text = given ? *given : to_hex(*pk);

  std::optional<ServiceNode> sn;
  Height height;
  uint64_t tip_time_ms = 0;
  bool tested_at_tip = false;
  std::size_t active = 0;
  std::size_t testers = 0;  // committee members other than the node: who may test it
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    if (const ServiceNode* found = state.registry.get(*pk)) sn = *found;
    height = tip.header.height;
    tip_time_ms = tip.header.time_ms;
    active = state.registry.active_count();
    if (sn && sn->is_active()) {
      // Tested when it is a target of the tip's height and its quorum has another member.
      const std::vector<PubKey> targets = reach_targets(state.registry.active(), tip.hash);
      const std::vector<PubKey>* committee =
          state.committee(tip.header.height.next(), chain.params().epoch_blocks);
      const ReachQuorum q = committee ? reach_quorum(*committee, tip.header.height, tip.hash)
                                      : ReachQuorum{};
      testers = committee ? static_cast<std::size_t>(std::count_if(
                                committee->begin(), committee->end(),
                                [&](const PubKey& m) { return m != *pk; }))
                          : 0;
      tested_at_tip = std::binary_search(targets.begin(), targets.end(), *pk) &&
                      std::any_of(q.members.begin(), q.members.end(),
                                  [&](const PubKey& m) { return m != *pk; });
    }
  });
  if (!sn) return unexpected(no_node(text, *pk, height, sources));
  const RegistryParams& rp = chain.executor().registry_params();
  json out = service_node_to_json(*sn);
  out["height"] = height.value;
  out["liveness"] =
      liveness_json(*sn, rp, height, tip_time_ms, tested_at_tip, testers == 0 ? 0 : active);
  if (auto last = last_change ? last_change(*pk) : std::nullopt)
    out["liveness"]["last_change"] = {{"height", last->first.value},
                                      {"event", liveness_event_name(last->second.event)},
                                      {"reason", last->second.reason}};
  out["credit"] = out["liveness"]["credit_blocks"];
  out["proof_age"] = out["liveness"]["last_proof_age_s"];
  out["next_obligation_check"] = out["liveness"]["next_check"]["height"];
  if (contributor) {
    auto limits = stake_limits(rp, *sn, *contributor);
    if (limits)
      out["stake_limits"] = {{"min", limits->min.atomic()}, {"max", limits->max.atomic()}};
    else
      out["stake_refused"] = limits.error().message();
  }
  return out;
}

RpcResult get_registry_proof(const Blockchain& chain, const MissingNodeSources& sources,
                             const json& params) {
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
      error = no_node(text, *pk, tip_height, sources);
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

void register_registry_methods(Dispatcher& d, const Blockchain& chain,
                               std::optional<PubKey> own_key, LastLivenessChange last_change,
                               const Mempool* mempool) {
  const MissingNodeSources sources{std::move(last_change), mempool};
  auto swarms = std::make_shared<SwarmDirectoryCache>(chain);
  auto nodes = std::make_shared<ServiceNodeCache>(chain);
  d.add_raw("get_service_nodes", [nodes](const json& p) { return get_service_nodes(*nodes, p); });
  d.add_raw("get_n_service_nodes",
            [nodes](const json& p) { return get_service_nodes(*nodes, p); });
  d.add_raw("get_swarm", [swarms](const json& p) { return get_swarm(*swarms, p); });
  d.add("get_swarms", [&chain](const json& p) { return get_swarms(chain, p); });
  d.add("get_staking_requirement",
        [&chain](const json& p) { return get_staking_requirement(chain, p); });
  d.add("get_service_node_status", [&chain, own_key, sources](const json& p) {
    return get_service_node_status(chain, own_key, sources, p);
  });
  d.add("get_registry_proof",
        [&chain, sources](const json& p) { return get_registry_proof(chain, sources, p); });
}

}  // namespace swarmchain::rpc

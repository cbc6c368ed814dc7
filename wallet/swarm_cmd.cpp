#include "wallet/swarm_cmd.h"

#include <chrono>
#include <iostream>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "chain/executor.h"
#include "chain/params.h"
#include "common/hex.h"
#include "registry/swarm_lookup.h"
#include "rpc/client.h"

namespace swarmchain {

namespace {

using nlohmann::json;

Status setup_error(std::string what) { return Status::error(std::move(what), kSwarmVerifySetupError); }

Expected<json> call(const rpc::RpcClient& node, const std::string& method, const json& params) {
  auto r = node.call(method, params);
  if (!r) return unexpected(setup_error(method + ": " + r.error().message));
  return *r;
}

// A hex field of an answer decoded as T; a bad one is the proof's fault (kEncoding).
template <typename T>
Expected<T> decode_field(const json& answer, const char* field, const std::string& what) {
  const auto it = answer.find(field);
  std::optional<Bytes> bytes;
  if (it != answer.end() && it->is_string()) bytes = from_hex(it->get<std::string>());
  if (!bytes)
    return unexpected(Status::error(ProofStep::kEncoding, std::string(proof_step_name(
                                                              ProofStep::kEncoding)) +
                                                              ": " + what + " has no hex '" +
                                                              field + "'"));
  auto v = decode_exact<T>(*bytes);
  if (!v)
    return unexpected(Status::error(ProofStep::kEncoding,
                                    std::string(proof_step_name(ProofStep::kEncoding)) + ": " +
                                        what + ": " + v.error().message()));
  return v;
}

struct Anchor {
  Hash chain_id;
  uint64_t epoch_blocks = 0;
  std::vector<PubKey> committee;
};

Expected<Anchor> trust_anchor(const rpc::RpcClient& node, const SwarmVerifyOptions& o) {
  Genesis genesis;
  if (!o.genesis_file.empty()) {
    auto g = Genesis::load(o.genesis_file);
    if (!g) return unexpected(setup_error("genesis " + o.genesis_file + ": " + g.error().message()));
    genesis = std::move(*g);
  } else {
    auto pinned = fixed_from_hex<Hash>(o.genesis_hash);
    if (!pinned)
      return unexpected(setup_error("--genesis-hash must be the chain id, 64 hex digits"));
    auto answer = call(node, "get_genesis", json::object());
    if (!answer) return unexpected(answer.error());
    auto g = decode_field<Genesis>(*answer, "genesis_hex", "get_genesis");
    if (!g) return unexpected(setup_error("genesis: " + g.error().message()));
    if (g->chain_id() != *pinned)
      return unexpected(setup_error("genesis: the node's genesis hashes to " +
                                    to_hex(g->chain_id()) + ", not the pinned " + o.genesis_hash +
                                    " (another chain, or a lying node)"));
    genesis = std::move(*g);
  }
  if (Status s = genesis.validate(); !s)
    return unexpected(setup_error("genesis: " + s.message()));
  const Executor ex(genesis);
  return Anchor{ex.chain_id(), genesis.params.epoch_blocks, ex.genesis_committee()};
}

}  // namespace

Expected<VerifiedLookup> verify_swarm_lookup(const std::string& node_url,
                                             const std::string& user_pubkey,
                                             const SwarmVerifyOptions& options, uint64_t now_ms) {
  auto user = parse_user_pubkey(user_pubkey);
  if (!user) return unexpected(setup_error("session id: " + user.error().message()));
  if (options.genesis_file.empty() == options.genesis_hash.empty())
    return unexpected(Status::error(
        "--verify needs exactly one trust anchor: --genesis FILE or --genesis-hash CHAIN_ID",
        kSwarmVerifyUsageError));
  const rpc::RpcClient node(node_url);
  auto anchor = trust_anchor(node, options);
  if (!anchor) return unexpected(anchor.error());

  // 2. The proof first: its tip fixes how far the committee chain must reach.
  std::optional<SwarmProof> proof;
  std::optional<SwarmTableProof> table;
  if (options.local) {
    auto answer = call(node, "get_swarm_table", json::object());
    if (!answer) return unexpected(answer.error());
    auto t = decode_field<SwarmTableProof>(*answer, "proof", "get_swarm_table");
    if (!t) return unexpected(t.error());
    table = std::move(*t);
  } else {
    auto answer = call(node, "get_swarm_proof", {{"pubkey", to_hex(*user)}});
    if (!answer) return unexpected(answer.error());
    auto p = decode_field<SwarmProof>(*answer, "proof", "get_swarm_proof");
    if (!p) return unexpected(p.error());
    proof = std::move(*p);
  }
  const CertifiedHeader& tip = proof ? proof->tip : table->tip;
  auto tip_view = HeaderView::parse(tip.header);
  if (!tip_view)
    return unexpected(Status::error(ProofStep::kTipHeader, "tip header: " + tip_view.error().message()));

  // 3. Hand-offs from the genesis to the tip's epoch, a page at a time.
  CommitteeChain chain(anchor->chain_id, anchor->epoch_blocks, anchor->committee);
  chain.note_seen(Height(options.min_height));
  VerifiedLookup out;
  const uint64_t max_pages = tip_view->height.value / anchor->epoch_blocks / 1000 + 2;
  for (uint64_t page = 0;; ++page) {
    if (page == max_pages)
      return unexpected(setup_error("get_committee_chain: the node keeps answering 'more'"));
    auto answer = call(node, "get_committee_chain",
                        {{"from_height", chain.handoff_height().value},
                         {"to_height", tip_view->height.value}});
    if (!answer) return unexpected(answer.error());
    if (!answer->is_object() || !answer->contains("handoffs") || !(*answer)["handoffs"].is_array())
      return unexpected(Status::error(ProofStep::kEncoding,
                                      std::string(proof_step_name(ProofStep::kEncoding)) +
                                          ": get_committee_chain answered without a handoffs list"));
    const json& handoffs = (*answer)["handoffs"];
    for (const json& h : handoffs) {
      auto handoff = decode_field<CommitteeHandoff>(h, "proof", "a committee hand-off");
      if (!handoff) return unexpected(handoff.error());
      if (Status s = chain.apply(*handoff); !s) return unexpected(std::move(s));
      ++out.handoffs;
    }
    const auto more = answer->find("more");
    if (more == answer->end() || !more->is_boolean() || !more->get<bool>() || handoffs.empty()) break;
  }

  // 4. The tip.
  auto accepted = chain.accept_tip(tip, now_ms, options.max_age_s * 1000);
  if (!accepted) return unexpected(accepted.error());
  out.tip = *accepted;

  // 5. The registry under it.
  auto swarm = proof ? verify_swarm_proof(*proof, accepted->header, *user)
                     : verify_swarm_table(*table, accepted->header, *user);
  if (!swarm) return unexpected(swarm.error());
  out.swarm = std::move(*swarm);
  return out;
}

int cmd_swarm_verify(const std::string& node_url, const std::string& user_pubkey,
                     const SwarmVerifyOptions& options, bool json_out) {
  const uint64_t now_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  auto r = verify_swarm_lookup(node_url, user_pubkey, options, now_ms);
  if (!r) {
    const Status& e = r.error();
    const bool step = e.code() != kSwarmVerifySetupError && e.code() != kSwarmVerifyUsageError;
    if (json_out) {
      json j{{"error", e.message()}, {"verified", false}};
      if (step) j["step"] = proof_step_name(e.code_as<ProofStep>());
      std::cout << j.dump() << "\n";
    } else {
      std::cerr << (step ? "verification failed: " : "error: ") << e.message() << "\n";
    }
    return e.code() == kSwarmVerifyUsageError ? 2 : 1;
  }
  const VerifiedSwarm& s = r->swarm;
  if (json_out) {
    json nodes = json::array();
    for (const ServiceNode& m : s.members)
      nodes.push_back({{"pubkey_ed25519", to_hex(m.pubkey)},
                       {"pubkey_x25519", to_hex(m.pubkey_x25519)},
                       {"ip", ipv4_text(m.contact.public_ip)},
                       {"port_https", m.contact.storage_port},
                       {"port_omq", m.contact.storage_lmq_port}});
    std::cout << json{{"swarm_id", s.swarm_id},
                      {"swarm", swarm_hex(s.swarm_id)},
                      {"snodes", std::move(nodes)},
                      {"verified", true},
                      {"local", options.local},
                      {"height", r->tip.header.height.value},
                      {"signers", r->tip.signers},
                      {"committee_size", r->tip.committee_size},
                      {"handoffs", r->handoffs}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << "swarm " << swarm_hex(s.swarm_id) << ": " << s.members.size()
            << " service node(s)" << (options.local ? " (computed locally from the whole table of "
                                                       + std::to_string(s.node_count) + " nodes in " +
                                                       std::to_string(s.swarm_count) + " swarms)"
                                                 : "")
            << "\n";
  for (const ServiceNode& m : s.members) {
    std::cout << "  " << to_hex(m.pubkey) << "  x25519 " << to_hex(m.pubkey_x25519);
    if (m.contact.storage_port != 0)
      std::cout << "  " << ipv4_text(m.contact.public_ip) << ":" << m.contact.storage_port
                << " (omq " << m.contact.storage_lmq_port << ")";
    else
      std::cout << "  (no contact data: no uptime proof yet, or no storage server announced)";
    std::cout << "\n";
  }
  std::cout << "verified at height " << r->tip.header.height.value << ", certified by "
            << r->tip.signers << " of " << r->tip.committee_size << "\n";
  return 0;
}

}  // namespace swarmchain

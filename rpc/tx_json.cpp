#include "rpc/tx_json.h"

#include "common/address.h"
#include "common/hex.h"
#include "registry/reach_quorum.h"
#include "registry/service_node.h"

namespace swarmchain::rpc {

using nlohmann::json;

namespace {

json vote_to_json(const Vote& v) {
  return json{{"type", v.type == VoteType::kPrecommit ? "precommit" : "prevote"},
              {"height", v.height.value},
              {"round", v.round},
              {"block_hash", to_hex(v.block_hash)},
              {"validator", to_hex(v.validator)},
              {"signature", to_hex(v.signature)}};
}

// The payload's fields, added to the tx's object (one visitor case per tx type).
struct PayloadFields {
  const Tx& tx;
  json& j;

  void operator()(const TransferPayload& p) const {
    j["to"] = address_from_pubkey(p.to);
    j["amount"] = p.amount.atomic();
  }
  void operator()(const RegisterNodePayload& p) const {
    const Registration& r = p.registration;
    json reserved = json::array();
    for (const auto& spot : r.reserved)
      reserved.push_back({{"address", address_from_pubkey(spot.address)},
                          {"amount", spot.amount.atomic()}});
    j["sn_pubkey"] = to_hex(r.sn_pubkey);
    j["operator"] = address_from_pubkey(r.operator_address);
    j["fee_bps"] = r.fee_bps;
    j["reserved"] = std::move(reserved);
    j["expiry_height"] = r.expiry_height.value;
    j["sn_signature"] = to_hex(r.sn_signature);
    j["operator_amount"] = p.operator_amount.atomic();
    j["amount"] = p.operator_amount.atomic();
  }
  void operator()(const StakePayload& p) const {
    j["sn_pubkey"] = to_hex(p.sn_pubkey);
    j["amount"] = p.amount.atomic();
  }
  void operator()(const RequestUnlockPayload& p) const {
    j["sn_pubkey"] = to_hex(p.sn_pubkey);
    j["amount"] = 0;
  }
  void operator()(const UptimeProofPayload& p) const {
    j["sn_pubkey"] = to_hex(tx.sender);
    j["time_ms"] = p.time_ms;
    j["public_ip"] = ipv4_text(p.contact.public_ip);
    j["storage_port"] = p.contact.storage_port;
    j["storage_lmq_port"] = p.contact.storage_lmq_port;
    j["quorumnet_port"] = p.contact.quorumnet_port;
    j["storage_server_version"] = p.contact.version;  // "version" is the tx's own
  }
  void operator()(const EvidencePayload& p) const {
    j["offender"] = to_hex(p.first.validator);
    j["votes"] = json::array({vote_to_json(p.first), vote_to_json(p.second)});
  }
  void operator()(const StateChangePayload& p) const {
    json reasons = json::array();
    if (p.reason_bits & kReachCheckP2p) reasons.push_back("p2p");
    json votes = json::array();
    for (const auto& v : p.votes)
      votes.push_back({{"index", v.index}, {"signature", to_hex(v.signature)}});
    j["sn_pubkey"] = to_hex(p.sn_pubkey);
    j["new_state"] = p.new_state <= static_cast<uint8_t>(NodeState::kDeregistered)
                         ? json(node_state_name(static_cast<NodeState>(p.new_state)))
                         : json(p.new_state);
    // The height whose quorum tested the node ("height" is where the tx was included).
    j["test_height"] = p.height.value;
    j["reason_bits"] = p.reason_bits;
    j["reasons"] = std::move(reasons);
    j["votes"] = std::move(votes);
  }
};

}  // namespace

json tx_to_json(const Tx& tx) {
  json j{{"txid", to_hex(tx.id())},
         {"type", tx_type_name(tx.type())},
         {"version", tx.version},
         {"chain_id", to_hex(tx.chain_id)},
         {"sender", to_hex(tx.sender)},
         {"from", address_from_pubkey(tx.sender)},
         {"nonce", tx.nonce},
         {"fee", tx.fee.atomic()},
         {"signature", to_hex(tx.signature)},
         {"size", tx.to_bytes().size()}};
  std::visit(PayloadFields{tx, j}, tx.payload);
  return j;
}

json header_to_json(const BlockHeader& h) {
  return json{{"height", h.height.value},
              {"hash", to_hex(h.hash())},
              {"prev_hash", to_hex(h.prev_hash)},
              {"time_ms", h.time_ms},
              {"proposer", to_hex(h.proposer)},
              {"tx_root", to_hex(h.tx_root)},
              {"state_root", to_hex(h.state_root)},
              {"registry_root", to_hex(h.registry_root)},
              {"committee_hash", to_hex(h.committee_hash)},
              {"next_committee_hash", to_hex(h.next_committee_hash)},
              {"last_commit_hash", to_hex(h.last_commit_hash)}};
}

json certificate_to_json(const CommitCertificate& c) {
  json sigs = json::array();
  for (const auto& s : c.sigs)
    sigs.push_back({{"index", s.index}, {"signature", to_hex(s.signature)}});
  return json{{"height", c.height.value},
              {"round", c.round},
              {"block_hash", to_hex(c.block_hash)},
              {"signatures", sigs},
              {"hex", to_hex(encode(c))}};
}

json account_event_to_json(const AccountEvent& e) {
  json j{{"kind", account_event_kind_name(e.kind)},
         {"account", address_from_pubkey(e.account)},
         {"amount", e.amount.atomic()},
         {"sn_pubkey", to_hex(e.sn_pubkey)}};
  if (e.kind == AccountEventKind::kStakeReturned) j["cause"] = stake_return_cause_name(e.cause);
  return j;
}

}  // namespace swarmchain::rpc

#include "chain/sn_event.h"

#include <algorithm>
#include <map>
#include <variant>

#include "common/address.h"
#include "common/hex.h"

namespace swarmchain {

void SnEvent::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(kind));
  w.u8(amount ? 1 : 0);
  if (amount) w.amount(*amount);
  w.str(reason);
}

SnEvent SnEvent::decode(Reader& r) {
  SnEvent e;
  e.kind = r.enumeration<SnEventKind>(static_cast<uint8_t>(SnEventKind::kExpired));
  const uint8_t has_amount = r.u8();
  if (has_amount > 1) r.fail(DecodeError::kBadValue, "sn event has_amount must be 0 or 1");
  if (has_amount == 1) e.amount = r.amount();
  e.reason = r.str(kMaxSnEventReason);
  return e;
}

const char* sn_event_kind_name(SnEventKind k) {
  switch (k) {
    case SnEventKind::kRegistered: return "registered";
    case SnEventKind::kContribution: return "contribution";
    case SnEventKind::kActivated: return "activated";
    case SnEventKind::kDecommissioned: return "decommissioned";
    case SnEventKind::kRecommissioned: return "recommissioned";
    case SnEventKind::kDeregistered: return "deregistered";
    case SnEventKind::kUnlockRequested: return "unlock_requested";
    case SnEventKind::kExpired: return "expired";
  }
  return "unknown";
}

namespace {

SnEvent make(const PubKey& pk, Height h, uint32_t slot, SnEventKind kind,
             std::optional<Amount> amount, std::string reason) {
  // Reasons are short texts of ours; the cap only keeps every stored value decodable.
  if (reason.size() > kMaxSnEventReason) reason.resize(kMaxSnEventReason);
  return SnEvent{pk, h, slot, kind, amount, std::move(reason)};
}

SnEventKind kind_of(LivenessEvent e) {
  switch (e) {
    case LivenessEvent::kDecommissioned: return SnEventKind::kDecommissioned;
    case LivenessEvent::kRecommissioned: return SnEventKind::kRecommissioned;
    case LivenessEvent::kDeregistered: return SnEventKind::kDeregistered;
    case LivenessEvent::kActivated: return SnEventKind::kActivated;
    case LivenessEvent::kExpired: return SnEventKind::kExpired;
  }
  return SnEventKind::kDeregistered;
}

// The event a tx of the block makes, if it concerns a service node (transfers and uptime
// proofs do not; a state_change's verdict is among the liveness changes).
std::optional<SnEvent> tx_event(const Tx& tx, Height h, uint32_t index,
                                const RegistryChanges& changes) {
  if (const auto* r = std::get_if<RegisterNodePayload>(&tx.payload)) {
    const Registration& reg = r->registration;
    return make(reg.sn_pubkey, h, index, SnEventKind::kRegistered, r->operator_amount,
                "registered by operator " + address_from_pubkey(reg.operator_address) +
                    ", fee " + std::to_string(reg.fee_bps) + " bps, " +
                    std::to_string(reg.reserved.size()) + " reserved spot(s)");
  }
  if (const auto* s = std::get_if<StakePayload>(&tx.payload))
    return make(s->sn_pubkey, h, index, SnEventKind::kContribution, s->amount,
                "stake from " + address_from_pubkey(tx.sender));
  if (const auto* u = std::get_if<RequestUnlockPayload>(&tx.payload)) {
    std::string reason = "unlock requested by " + address_from_pubkey(tx.sender);
    if (auto it = changes.find(u->sn_pubkey); it != changes.end() && it->second &&
                                              it->second->requested_unlock_height != Height())
      reason += "; the stakes return at height " +
                it->second->requested_unlock_height.to_string();
    return make(u->sn_pubkey, h, index, SnEventKind::kUnlockRequested, std::nullopt,
                std::move(reason));
  }
  if (const auto* e = std::get_if<EvidencePayload>(&tx.payload))
    return make(e->first.validator, h, index, SnEventKind::kDeregistered, std::nullopt,
                "double signing: two conflicting votes at height " +
                    e->first.height.to_string() + ", round " + std::to_string(e->first.round) +
                    " (evidence tx " + to_hex(tx.id()) + ")");
  return std::nullopt;
}

}  // namespace

std::vector<SnEvent> sn_events_of(const Block& block, const ExecutedBlock& executed) {
  const Height h = block.header.height;
  std::vector<SnEvent> out;
  for (uint32_t i = 0; i < block.txs.size(); ++i)
    if (auto e = tx_event(block.txs[i], h, i, executed.registry_changes))
      out.push_back(std::move(*e));
  // What each expiring node's contributors got back (the block's stake_returned events).
  std::map<PubKey, uint64_t> returned;
  for (const AccountEvent& e : executed.events)
    if (e.kind == AccountEventKind::kStakeReturned) returned[e.sn_pubkey] += e.amount.atomic();
  for (uint32_t i = 0; i < executed.liveness.size(); ++i) {
    const LivenessChange& c = executed.liveness[i];
    std::optional<Amount> amount;
    if (c.event == LivenessEvent::kExpired) amount = Amount(returned[c.pubkey]);
    out.push_back(make(c.pubkey, h, kEventSlotBase + i, kind_of(c.event), amount, c.reason));
  }
  return out;
}

std::vector<SnEvent> genesis_sn_events(const RegistryState& registry) {
  std::vector<SnEvent> out;
  registry.for_each([&](const ServiceNode& sn) {
    out.push_back(make(sn.pubkey, Height(0), 0, SnEventKind::kRegistered, sn.total_contributed,
                       "genesis service node, operator " +
                           address_from_pubkey(sn.operator_address)));
    if (sn.is_active())
      out.push_back(make(sn.pubkey, Height(0), kEventSlotBase, SnEventKind::kActivated,
                         std::nullopt, "active from genesis"));
  });
  return out;
}

}  // namespace swarmchain

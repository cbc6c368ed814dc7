// SnEvent: one thing that happened to a service node, for its history on the explorer's node
// page: registered, a contribution (stake added), activated, decommissioned, recommissioned,
// deregistered, unlock requested, expired (its record left the registry and the stakes went
// back). A node-local index, not consensus data: no root commits to it. sn_events_of() reads
// them off a block and what executing it reported (ExecutedBlock: the txs that applied, the
// liveness changes, the coins credited), without I/O; the store writes them in the block's
// own write batch (chain/store.h "sn_events").
//
// Slots order the events of one node within a block as the account history does
// (chain/account_event.h kEventSlotBase): a tx's event has the tx's index; an end-of-block change
// (liveness, activation, expiry) has kEventSlotBase + its index in ExecutedBlock::liveness.
// The genesis nodes get "registered" at slot 0 and "activated" at kEventSlotBase of height 0.
//
// Stored value (chain/store.h "sn_events"), in the codec of common/codec.h:
//   event = kind u8 (0 registered, 1 contribution, 2 activated, 3 decommissioned,
//           4 recommissioned, 5 deregistered, 6 unlock_requested, 7 expired) ||
//           has_amount u8 (0 or 1) || [amount u64, when has_amount] ||
//           reason bytes<kMaxSnEventReason> (UTF-8 text for people)
// The node, the height and the slot are in the key, so they are not repeated here.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/executor.h"
#include "common/amount.h"
#include "common/codec.h"
#include "common/height.h"

namespace swarmchain {

enum class SnEventKind : uint8_t {
  kRegistered = 0,
  kContribution = 1,
  kActivated = 2,
  kDecommissioned = 3,
  kRecommissioned = 4,
  kDeregistered = 5,
  kUnlockRequested = 6,
  kExpired = 7,
};
inline constexpr std::size_t kMaxSnEventReason = 1024;

struct SnEvent {
  PubKey sn_pubkey;  // the key's parts: not encoded
  Height height;
  uint32_t slot = 0;
  SnEventKind kind = SnEventKind::kRegistered;
  // registered: the operator's stake; contribution: the stake added; expired: the stakes
  // returned. Absent for the other kinds.
  std::optional<Amount> amount;
  std::string reason;

  void encode(Writer& w) const;
  // Key parts left zero; rejects unknown kinds, has_amount > 1 and a reason over the limit.
  static SnEvent decode(Reader& r);
  friend bool operator==(const SnEvent&, const SnEvent&) = default;
};

// "registered", "contribution", "activated", "decommissioned", "recommissioned",
// "deregistered", "unlock_requested", "expired".
const char* sn_event_kind_name(SnEventKind k);

// The events of `block` (height, slot and node set), in slot order. REQUIRES:
// `executed` is the block's own execution (every tx of the block applied).
std::vector<SnEvent> sn_events_of(const Block& block, const ExecutedBlock& executed);

// The genesis nodes' events (height 0), from the genesis registry.
std::vector<SnEvent> genesis_sn_events(const RegistryState& registry);

}  // namespace swarmchain

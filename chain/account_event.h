// AccountEvent: coins that reach an account without a tx of its own — a share of a block
// reward, or a stake coming back after an unlock or a deregistration's lock (design §5.3,
// §5.5). The executor reports them per block (ExecutedBlock::events) and the store indexes
// them next to the account's txs in the block's own write batch, so `history` can show every
// coin movement. They are a node-local index, not consensus data: no root commits to them.
//
// Stored value (chain/store.h "account_events"), in the codec of common/codec.h:
//   event = kind u8 (0 reward, 1 stake_returned) || amount u64 || sn_pubkey[32] ||
//           cause u8 (0 none: a reward; 1 unlock; 2 deregistration)
// The account and the block height are in the key, so they are not repeated here.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"

namespace swarmchain {

// The slot of an end-of-block entry in a block's indexes (account history, service-node
// events): kEventSlotBase + its index, after every tx's slot (its index in the block).
inline constexpr uint32_t kEventSlotBase = 0x8000'0000u;

enum class AccountEventKind : uint8_t { kReward = 0, kStakeReturned = 1 };
// Why a stake came back (kStakeReturned); kNone for a reward.
enum class StakeReturnCause : uint8_t { kNone = 0, kUnlock = 1, kDeregistration = 2 };

struct AccountEvent {
  PubKey account;  // who received the coins (not encoded: it is the index key)
  AccountEventKind kind = AccountEventKind::kReward;
  Amount amount;
  PubKey sn_pubkey;  // the service node that paid the reward or held the stake
  StakeReturnCause cause = StakeReturnCause::kNone;

  void encode(Writer& w) const;
  static AccountEvent decode(Reader& r);  // account left zero; rejects unknown kinds and causes
  friend bool operator==(const AccountEvent&, const AccountEvent&) = default;
};

// "reward", "stake_returned"; "unlock", "deregistration", "" (kNone).
const char* account_event_kind_name(AccountEventKind k);
const char* stake_return_cause_name(StakeReturnCause c);

}  // namespace swarmchain

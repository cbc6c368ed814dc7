#include "chain/account_event.h"

namespace swarmchain {

void AccountEvent::encode(Writer& w) const {
  w.u8(static_cast<uint8_t>(kind));
  w.amount(amount);
  w.fixed(sn_pubkey);
  w.u8(static_cast<uint8_t>(cause));
}

AccountEvent AccountEvent::decode(Reader& r) {
  AccountEvent e;
  e.kind = r.enumeration<AccountEventKind>(static_cast<uint8_t>(AccountEventKind::kStakeReturned));
  e.amount = r.amount();
  e.sn_pubkey = r.fixed<PubKey>();
  e.cause = r.enumeration<StakeReturnCause>(static_cast<uint8_t>(StakeReturnCause::kDeregistration));
  return e;
}

const char* account_event_kind_name(AccountEventKind k) {
  switch (k) {
    case AccountEventKind::kReward: return "reward";
    case AccountEventKind::kStakeReturned: return "stake_returned";
  }
  return "unknown";
}

const char* stake_return_cause_name(StakeReturnCause c) {
  switch (c) {
    case StakeReturnCause::kNone: return "";
    case StakeReturnCause::kUnlock: return "unlock";
    case StakeReturnCause::kDeregistration: return "deregistration";
  }
  return "unknown";
}

}  // namespace swarmchain

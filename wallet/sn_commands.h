// Service-node commands of the wallet (design §5.2, §5.3, §9), the pure part: parsing what the
// user typed, the local checks made before a register_node / stake / request_unlock tx is sent,
// and building the signed tx. No I/O: WalletClient (wallet/wallet.h) fetches what these
// functions need from the node and sends what they build.
//
// The local checks repeat rules the node applies anyway. They exist to explain a refusal in one
// line before anything is signed or sent (design §9); the node stays the judge, so a check here
// that passes may still be refused there (e.g. a competing stake filled the node meanwhile).
//
// The JSON inputs are get_service_node_status results:
//   {"state": "awaiting"|"active"|"decommissioned", "staking_requirement": u64,
//    "total_contributed": u64, "contributors": [{"address", "amount", "reserved"}],
//    "requested_unlock_height": u64, "stake_limits": {"min": u64, "max": u64}
//    | "stake_refused": "<reason>", ...}
// Amounts in JSON are atomic units (u64); addresses are "sw1..." (64-hex pubkeys accepted too).
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chain/tx.h"
#include "common/amount.h"
#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "common/height.h"
#include "registry/service_node.h"

namespace swarmchain {

// --- parsing --------------------------------------------------------------------------------

// What `sn stake` was asked to stake: coins ("12.5", Amount::parse) or a percentage of the
// node's staking requirement ("25%", "12.5%"), which is only known once the node answers.
struct StakeAmountSpec {
  enum class Kind { kCoins, kPercent };
  Kind kind = Kind::kCoins;
  Amount coins;               // kCoins
  uint64_t percent_nano = 0;  // kPercent: the percentage × 10^9 (exact, up to 9 decimals)
  std::string text;           // as typed, for messages
};

// "12.5" -> 12.5 coins; "25%" -> 25 percent. Rejects 0, signs, exponents, more than 9
// decimals, percentages above 100, and coins too large for an amount (saying the maximum).
Expected<StakeAmountSpec> parse_stake_amount(std::string_view text);

// The stake in atomic units: the coins, or floor(requirement × percent / 100) computed exactly
// (128-bit intermediate). Fails when a percentage yields 0.
Expected<Amount> resolve_stake_amount(const StakeAmountSpec& spec, Amount staking_requirement);

// A service-node pubkey: exactly 64 hex digits (one case).
Expected<PubKey> parse_sn_pubkey(std::string_view text);

// A Session id for `swarm`: exactly 66 hex digits starting with 05, or the 64 without it, in
// either case; anything else is refused with kSessionIdRule (and what was wrong). Returns it
// lowercased, as the node expects it.
inline constexpr std::string_view kSessionIdRule =
    "a Session id must be exactly 66 hex digits with the 05 prefix, or 64 without";
Expected<std::string> normalize_user_pubkey(std::string_view text);

// An account as the node writes it in JSON: "sw1..." address (checksum checked), or 64 hex.
std::optional<PubKey> pubkey_from_account_text(std::string_view text);

// Fields of a node's JSON answer: the value, or nullopt if missing or of another type.
std::optional<uint64_t> u64_field(const nlohmann::json& j, const char* key);
std::optional<std::string> string_field(const nlohmann::json& j, const char* key);

// --- local checks ---------------------------------------------------------------------------

// Before `sn register`: the registration is for this wallet's key, its first reserved spot is
// the operator's, it is signed by the node key for this chain, and it can still be included
// (the next block, tip + 1, must not be past expiry_height). Returns the operator amount to
// send: reserved[0].amount, or `requested` if that is larger (the operator may stake more than
// it reserved; never less).
Expected<Amount> check_registration(const Registration& reg, const PubKey& wallet,
                                    const Hash& chain_id, Height tip,
                                    std::optional<Amount> requested);

// balance >= amount + fee, else "insufficient funds: balance B, need T (A + fee F)".
Status check_balance(Amount balance, Amount amount, Amount fee);

// Before `sn stake`: the node's answer for this wallet allows staking `amount`
// ("stake 3 is below the minimum 1250 for this node", "... above the maximum ...", or the
// node's stake_refused reason).
Status check_stake_limits(const nlohmann::json& status, Amount amount);

// Before `sn unlock`: `wallet` is among the contributors, no unlock was requested yet, and
// (Oxen #1429) while the node is still awaiting funding only its operator may unlock it.
Status check_unlock(const nlohmann::json& status, const PubKey& wallet);

// --- tx construction ------------------------------------------------------------------------

// What every tx of this wallet needs besides its payload.
struct TxContext {
  Hash chain_id;
  uint64_t nonce = 0;  // the account's pending_nonce
  Amount fee;
};

// A tx with `payload` from key.pubkey(), signed by `key`.
Tx build_signed_tx(const KeyPair& key, const TxContext& ctx, TxPayload payload);
Tx build_register_node_tx(const KeyPair& key, const TxContext& ctx, const Registration& reg,
                          Amount operator_amount);
Tx build_stake_tx(const KeyPair& key, const TxContext& ctx, const PubKey& sn_pubkey, Amount amount);
Tx build_request_unlock_tx(const KeyPair& key, const TxContext& ctx, const PubKey& sn_pubkey);

// --- display --------------------------------------------------------------------------------

// Basis points as a percentage: 500 -> "5%", 1234 -> "12.34%", 5 -> "0.05%", 10 -> "0.1%".
std::string format_fee_bps(uint64_t bps);

// A swarm id as 16 hex digits (how Oxen and Session print it); "none" for the unassigned id.
std::string format_swarm_id(uint64_t id);

}  // namespace swarmchain

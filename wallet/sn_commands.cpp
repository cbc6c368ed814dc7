#include "wallet/sn_commands.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/address.h"
#include "common/hex.h"
#include "registry/swarm_id.h"
#include "registry/swarm_lookup.h"
#include "wallet/cli_args.h"

namespace swarmchain {

using nlohmann::json;

namespace {

constexpr uint64_t kNanoPerUnit = 1'000'000'000ULL;       // percent_nano per percent
constexpr uint64_t kMaxPercentNano = 100 * kNanoPerUnit;  // 100%

}  // namespace

// --- parsing --------------------------------------------------------------------------------

Expected<StakeAmountSpec> parse_stake_amount(std::string_view text) {
  StakeAmountSpec spec;
  spec.text = std::string(text);
  if (text.ends_with('%')) {
    // The number before '%' has the grammar of an amount (exact, up to 9 decimals), so its
    // atomic value is the percentage × 10^9.
    auto pct = Amount::parse(text.substr(0, text.size() - 1));
    if (!pct || pct->atomic() > kMaxPercentNano)
      return fail("invalid percentage \"" + spec.text +
                  "\": use a number from 0 to 100 followed by %, e.g. 25%");
    if (pct->atomic() == 0) return fail("stake must be greater than zero");
    spec.kind = StakeAmountSpec::Kind::kPercent;
    spec.percent_nano = pct->atomic();
    return spec;
  }
  auto coins = parse_amount_arg(text, "stake");
  if (!coins && coins.error().message().find("too large") != std::string::npos)
    return unexpected(coins.error());
  if (!coins)
    return fail("invalid amount \"" + spec.text +
                "\": use a decimal number of coins with at most 9 decimals, e.g. 12.5, or a "
                "percentage of the node's staking requirement, e.g. 25%");
  if (coins->atomic() == 0) return fail("stake must be greater than zero");
  spec.kind = StakeAmountSpec::Kind::kCoins;
  spec.coins = *coins;
  return spec;
}

Expected<Amount> resolve_stake_amount(const StakeAmountSpec& spec, Amount staking_requirement) {
  if (spec.kind == StakeAmountSpec::Kind::kCoins) return spec.coins;
  __extension__ typedef unsigned __int128 u128;  // GCC/Clang; -Wpedantic-clean
  // percent_nano <= 100 × 10^9, so the quotient is at most the requirement: it fits in u64.
  const u128 product = static_cast<u128>(staking_requirement.atomic()) * spec.percent_nano;
  const Amount amount(static_cast<uint64_t>(product / (u128{100} * kNanoPerUnit)));
  if (amount.atomic() == 0)
    return fail(spec.text + " of the staking requirement " + staking_requirement.to_string() +
                " is 0");
  return amount;
}

Expected<PubKey> parse_sn_pubkey(std::string_view text) {
  if (text.size() != 2 * PubKey::kSize)
    return fail("service node pubkey must be " + std::to_string(2 * PubKey::kSize) +
                " hex digits (got " + std::to_string(text.size()) + " characters)");
  auto pk = fixed_from_hex<PubKey>(text);
  if (!pk) return fail("service node pubkey \"" + std::string(text) + "\" is not valid hex");
  return *pk;
}

std::optional<uint64_t> u64_field(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

std::optional<std::string> string_field(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Expected<std::string> normalize_user_pubkey(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  const bool hex = std::all_of(lower.begin(), lower.end(),
                               [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  const bool session_form =
      hex && (lower.size() == 64 || (lower.size() == 66 && lower.starts_with("05")));
  if (!session_form) {
    std::string got = std::to_string(text.size()) + " characters";
    if (!hex) got += ", not all hex digits";
    else if (lower.size() == 66) got += ", prefix " + lower.substr(0, 2);
    return fail(std::string(kSessionIdRule) + " (got " + got + ")");
  }
  if (auto valid = parse_user_pubkey(lower); !valid) return fail(valid.error().message());
  return lower;
}

std::optional<PubKey> pubkey_from_account_text(std::string_view text) {
  if (text.starts_with("sw1") || text.starts_with("SW1")) {
    auto pk = parse_address(text);
    if (!pk) return std::nullopt;
    return *pk;
  }
  return fixed_from_hex<PubKey>(text);
}

// --- local checks ---------------------------------------------------------------------------

Expected<Amount> check_registration(const Registration& reg, const PubKey& wallet,
                                    const Hash& chain_id, Height tip,
                                    std::optional<Amount> requested) {
  if (reg.operator_address != wallet)
    return fail("this registration is for operator " + address_from_pubkey(reg.operator_address) +
                ", not this wallet (" + address_from_pubkey(wallet) + ")");
  if (reg.reserved.empty() || reg.reserved[0].address != reg.operator_address)
    return fail("this registration is malformed: its first reserved spot is not the operator's");
  if (!reg.signature_valid(chain_id))
    return fail("this registration's signature does not match service node " +
                to_hex(reg.sn_pubkey) +
                " on this chain (was it prepared against another network's node?)");
  // The tx lands in block tip + 1 at the earliest, and a registration past expiry_height is
  // refused there.
  if (tip >= reg.expiry_height)
    return fail("this registration expired: it was valid until height " +
                reg.expiry_height.to_string() + " and the chain is at height " + tip.to_string() +
                "; run `swarmchaind prepare-registration` again");
  const Amount reserved = reg.reserved[0].amount;
  if (requested && *requested < reserved)
    return fail("operator amount " + requested->to_string() +
                " is below the operator's reserved spot " + reserved.to_string() +
                " (a reserved spot is filled entirely)");
  return requested ? *requested : reserved;
}

Status check_balance(Amount balance, Amount amount, Amount fee) {
  auto cost = amount.checked_add(fee);
  if (!cost) return Status::error("amount + fee overflows");
  if (balance >= *cost) return Status::ok();
  const std::string parts = amount.atomic() == 0 ? "fee " + fee.to_string()
                                                 : amount.to_string() + " + fee " + fee.to_string();
  return Status::error("insufficient funds: balance " + balance.to_string() + ", need " +
                       cost->to_string() + " (" + parts + ")");
}

Status check_stake_limits(const json& status, Amount amount) {
  if (!status.is_object())
    return Status::error("unexpected get_service_node_status answer: not an object");
  if (auto refused = string_field(status, "stake_refused"))
    return Status::error("this node takes no stake from this wallet: " + *refused);
  const json* limits = status.contains("stake_limits") ? &status["stake_limits"] : nullptr;
  auto min = limits ? u64_field(*limits, "min") : std::nullopt;
  auto max = limits ? u64_field(*limits, "max") : std::nullopt;
  if (!min || !max)
    return Status::error(
        "the node sent no stake limits for this wallet (is it older than this wallet?)");
  if (amount < Amount(*min))
    return Status::error("stake " + amount.to_string() + " is below the minimum " +
                         Amount(*min).to_string() + " for this node");
  if (amount > Amount(*max))
    return Status::error("stake " + amount.to_string() + " is above the maximum " +
                         Amount(*max).to_string() + " for this node");
  return Status::ok();
}

Status check_unlock(const json& status, const PubKey& wallet) {
  if (!status.is_object())
    return Status::error("unexpected get_service_node_status answer: not an object");
  if (!status.contains("contributors") || !status["contributors"].is_array())
    return Status::error("unexpected get_service_node_status answer: no contributors list");
  std::optional<std::size_t> index;
  std::size_t i = 0;
  for (const json& c : status["contributors"]) {
    auto address = string_field(c, "address");
    auto pk = address ? pubkey_from_account_text(*address) : std::nullopt;
    if (pk && *pk == wallet) {
      index = i;
      break;
    }
    ++i;
  }
  if (!index)
    return Status::error("this wallet (" + address_from_pubkey(wallet) +
                         ") is not a contributor of this service node");
  auto requested = u64_field(status, "requested_unlock_height");
  if (!requested)
    return Status::error("unexpected get_service_node_status answer: no requested_unlock_height");
  if (*requested != 0)
    return Status::error("an unlock was already requested for this node: stakes return at height " +
                         std::to_string(*requested));
  // Oxen #1429: a node that never got fully funded can be released, but only by its operator
  // (contributors[0]); other contributors of an awaiting node must wait for it.
  if (string_field(status, "state") == "awaiting" && *index != 0)
    return Status::error(
        "this node is still awaiting funding: only its operator can request the unlock");
  return Status::ok();
}

// --- tx construction ------------------------------------------------------------------------

Tx build_signed_tx(const KeyPair& key, const TxContext& ctx, TxPayload payload) {
  Tx tx;
  tx.chain_id = ctx.chain_id;
  tx.sender = key.pubkey();
  tx.nonce = ctx.nonce;
  tx.fee = ctx.fee;
  tx.payload = std::move(payload);
  tx.sign(key);
  return tx;
}

Tx build_register_node_tx(const KeyPair& key, const TxContext& ctx, const Registration& reg,
                          Amount operator_amount) {
  return build_signed_tx(key, ctx, RegisterNodePayload{reg, operator_amount});
}

Tx build_stake_tx(const KeyPair& key, const TxContext& ctx, const PubKey& sn_pubkey,
                  Amount amount) {
  return build_signed_tx(key, ctx, StakePayload{sn_pubkey, amount});
}

Tx build_request_unlock_tx(const KeyPair& key, const TxContext& ctx, const PubKey& sn_pubkey) {
  return build_signed_tx(key, ctx, RequestUnlockPayload{sn_pubkey});
}

// --- display --------------------------------------------------------------------------------

std::string format_fee_bps(uint64_t bps) {
  std::string out = std::to_string(bps / 100);
  const uint64_t frac = bps % 100;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
  }
  return out + "%";
}

std::string format_swarm_id(uint64_t id) {
  return id == kUnassignedSwarm ? "none" : swarm_hex(id);
}

}  // namespace swarmchain

#include "node/registration_cmd.h"

#include <iostream>
#include <set>

#include "common/address.h"
#include "common/hex.h"
#include "node/node_key.h"
#include "registry/staking_rules.h"
#include "rpc/client.h"

namespace swarmchain {

Expected<uint16_t> parse_fee_percent(std::string_view text) {
  auto bad = [&] {
    return fail("operator fee must look like 5% or 2.5% (0% to 100%, at most two decimals), got \"" +
                std::string(text) + "\"");
  };
  if (!text.ends_with('%')) return bad();
  text.remove_suffix(1);
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 3 || frac.size() > 2 ||
      (dot != std::string_view::npos && frac.empty()))
    return bad();
  uint32_t bps = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad();
    bps = bps * 10 + uint32_t(c - '0');
  }
  bps *= 100;
  uint32_t f = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return bad();
    f = f * 10 + uint32_t(c - '0');
  }
  bps += f;
  if (bps > kMaxFeeBps) return bad();
  return static_cast<uint16_t>(bps);
}

Expected<Registration> build_registration(const PrepareRegistrationOptions& o,
                                          const RegistrationContext& ctx, const KeyPair& node_key) {
  Registration reg;
  reg.sn_pubkey = node_key.pubkey();
  auto op = parse_address(o.operator_address);
  if (!op) return fail("--operator: " + op.error().message());
  reg.operator_address = *op;
  auto fee = parse_fee_percent(o.fee);
  if (!fee) return unexpected(fee.error());
  reg.fee_bps = *fee;

  std::vector<ReservedSpot> others;
  Amount reserved_by_others;
  std::set<PubKey> seen{*op};
  for (const std::string& r : o.reserve) {
    auto colon = r.find(':');
    if (colon == std::string::npos)
      return fail("--reserve must be ADDRESS:AMOUNT, got \"" + r + "\"");
    auto addr = parse_address(r.substr(0, colon));
    if (!addr) return fail("--reserve " + r + ": " + addr.error().message());
    auto amount = Amount::parse(r.substr(colon + 1));
    if (!amount || amount->atomic() == 0)
      return fail("--reserve " + r + ": the amount must be a positive number of coins");
    if (!seen.insert(*addr).second)
      return fail("--reserve " + r + ": this address already has a spot");
    others.push_back({*addr, *amount});
    auto sum = reserved_by_others.checked_add(*amount);
    if (!sum) return fail("--reserve amounts overflow");
    reserved_by_others = *sum;
  }
  if (reserved_by_others > ctx.staking_requirement)
    return fail("reserved spots total " + reserved_by_others.to_string() +
                ", more than the staking requirement " + ctx.staking_requirement.to_string());

  Amount op_stake;
  if (o.operator_stake.empty()) {
    op_stake = *ctx.staking_requirement.checked_sub(reserved_by_others);
  } else {
    auto a = Amount::parse(o.operator_stake);
    if (!a) return fail("--operator-stake must be a number of coins, got \"" + o.operator_stake + "\"");
    op_stake = *a;
  }
  reg.reserved.push_back({*op, op_stake});
  for (const auto& s : others) reg.reserved.push_back(s);
  reg.expiry_height = Height(ctx.height + o.expiry_blocks);

  // The chain's own rules, so that a bad registration is explained here, not after a fee.
  RegistryParams p;
  p.staking_requirement = ctx.staking_requirement;
  p.min_operator_stake = ctx.min_operator_stake;
  p.max_contributors = ctx.max_contributors;
  if (auto terms = check_registration_terms(p, reg); !terms) return fail(terms.error().message());
  reg.sign(node_key, ctx.chain_id);
  return reg;
}

int run_prepare_registration(const PrepareRegistrationOptions& o) {
  auto key = load_node_key(o.datadir / "node_key");
  if (!key) {
    std::cerr << "error: " << key.error().message() << "\n";
    return 1;
  }
  rpc::RpcClient node(o.node_url);
  auto info = node.call("get_info");
  auto req = info ? node.call("get_staking_requirement") : info;
  if (!info || !req) {
    std::cerr << "error: " << (info ? req : info).error().message
              << " (prepare-registration asks the running node for the chain id and height)\n";
    return 1;
  }
  RegistrationContext ctx;
  auto chain_id = fixed_from_hex<Hash>((*info)["chain_id"].get<std::string>());
  if (!chain_id) {
    std::cerr << "error: the node answered an invalid chain id\n";
    return 1;
  }
  ctx.chain_id = *chain_id;
  ctx.height = (*info)["height"].get<uint64_t>();
  ctx.staking_requirement = Amount((*req)["staking_requirement"].get<uint64_t>());
  ctx.min_operator_stake = Amount((*req)["min_operator_stake"].get<uint64_t>());
  ctx.max_contributors = (*req)["max_contributors"].get<uint32_t>();
  auto reg = build_registration(o, ctx, *key);
  if (!reg) {
    std::cerr << "error: " << reg.error().message() << "\n";
    return 1;
  }
  std::cerr << "service node " << to_hex(reg->sn_pubkey) << ", operator "
            << address_from_pubkey(reg->operator_address) << ", fee " << reg->fee_bps / 100 << "."
            << (reg->fee_bps % 100 < 10 ? "0" : "") << reg->fee_bps % 100 << "%, "
            << reg->reserved.size() << " reserved spot(s), valid until height "
            << reg->expiry_height.value << "\n"
            << "send it with: swarmchain-wallet sn register <the line below>\n";
  std::cout << reg->to_text() << "\n";
  return 0;
}

}  // namespace swarmchain

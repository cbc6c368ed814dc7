// Encodings of ServiceNode and Registration; the byte grammar is at the top of service_node.h.
#include "registry/service_node.h"

#include <algorithm>

#include "common/hex.h"

namespace swarmchain {

namespace {

constexpr std::string_view kLeafTag = "swarmchain/sn";
constexpr std::string_view kRegisterTag = "swarmchain/register";

// A stored record never holds a fee above 100%. (A Registration's fee is checked by the
// staking rules instead, so that the sender gets kBadFee rather than a decode error.)
void check_fee(Reader& r, uint16_t fee_bps) {
  if (fee_bps > kMaxFeeBps)
    r.fail(DecodeError::kBadValue,
           "fee_bps " + std::to_string(fee_bps) + " above " + std::to_string(kMaxFeeBps));
}

// The terms the node key signs, in the order both the signing hash and the encoding use:
// operator_address || fee_bps u16 || reserved (varint count, address || amount each) ||
// expiry_height.
void encode_terms(Writer& w, const Registration& reg) {
  w.fixed(reg.operator_address);
  w.u16(reg.fee_bps);
  w.varint(reg.reserved.size());
  for (const auto& spot : reg.reserved) {
    w.fixed(spot.address);
    w.amount(spot.amount);
  }
  w.height(reg.expiry_height);
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

const char* node_state_name(NodeState s) {
  switch (s) {
    case NodeState::kAwaiting:
      return "awaiting";
    case NodeState::kActive:
      return "active";
    case NodeState::kDecommissioned:
      return "decommissioned";
    case NodeState::kDeregistered:
      return "deregistered";
  }
  return "unknown";
}

// ---- ServiceNode ----

void UptimeContact::encode(Writer& w) const {
  w.u32(public_ip);
  w.u16(storage_port);
  w.u16(storage_lmq_port);
  w.u16(quorumnet_port);
  for (uint16_t v : version) w.u16(v);
}

UptimeContact UptimeContact::decode(Reader& r) {
  UptimeContact c;
  c.public_ip = r.u32();
  c.storage_port = r.u16();
  c.storage_lmq_port = r.u16();
  c.quorumnet_port = r.u16();
  for (uint16_t& v : c.version) v = r.u16();
  return c;
}

std::string ipv4_text(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
         std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

std::optional<std::size_t> ServiceNode::contributor_index(const PubKey& address) const {
  for (std::size_t i = 0; i < contributors.size(); ++i)
    if (contributors[i].address == address) return i;
  return std::nullopt;
}

void ServiceNode::encode(Writer& w) const {
  w.fixed(pubkey);
  w.fixed(pubkey_x25519);
  w.fixed(operator_address);
  w.u16(fee_bps);
  w.varint(contributors.size());
  for (const auto& c : contributors) {
    w.fixed(c.address);
    w.amount(c.amount);
    w.amount(c.reserved);
  }
  w.amount(total_contributed);
  w.amount(total_reserved);
  w.amount(staking_requirement);
  w.height(registration_height);
  w.height(active_since_height);
  w.u8(static_cast<uint8_t>(state));
  w.height(requested_unlock_height);
  w.height(last_reward_height);
  w.u32(last_reward_index);
  w.u32(decommission_count);
  w.u64(recommission_credit);
  w.height(last_decommission_height);
  w.u64(swarm_id);
  w.amount(rewards_earned);
  w.height(last_proof_height);
  w.u64(last_proof_time_ms);
  w.u64(last_proof_sent_ms);
  contact.encode(w);
  w.u64(active_since_time_ms);
}

ServiceNode ServiceNode::decode(Reader& r) {
  ServiceNode sn;
  sn.pubkey = r.fixed<PubKey>();
  sn.pubkey_x25519 = r.fixed<PubKey>();
  sn.operator_address = r.fixed<PubKey>();
  sn.fee_bps = r.u16();
  check_fee(r, sn.fee_bps);
  const uint64_t n = r.count(kMaxContributorsLimit);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Contributor c;
    c.address = r.fixed<PubKey>();
    c.amount = r.amount();
    c.reserved = r.amount();
    sn.contributors.push_back(c);
  }
  sn.total_contributed = r.amount();
  sn.total_reserved = r.amount();
  sn.staking_requirement = r.amount();
  sn.registration_height = r.height();
  sn.active_since_height = r.height();
  sn.state = r.enumeration<NodeState>(static_cast<uint8_t>(NodeState::kDeregistered));
  sn.requested_unlock_height = r.height();
  sn.last_reward_height = r.height();
  sn.last_reward_index = r.u32();
  sn.decommission_count = r.u32();
  sn.recommission_credit = r.u64();
  sn.last_decommission_height = r.height();
  sn.swarm_id = r.u64();
  sn.rewards_earned = r.amount();
  sn.last_proof_height = r.height();
  sn.last_proof_time_ms = r.u64();
  sn.last_proof_sent_ms = r.u64();
  sn.contact = UptimeContact::decode(r);
  sn.active_since_time_ms = r.u64();
  return sn;
}

Hash ServiceNode::leaf_hash() const {
  return hash_tagged(kLeafTag, to_bytes());
}

// ---- Registration ----

Hash Registration::signing_hash(const Hash& chain_id) const {
  Writer w;
  w.fixed(chain_id);
  encode_terms(w, *this);
  return hash_tagged(kRegisterTag, w.data());
}

void Registration::encode(Writer& w) const {
  w.fixed(sn_pubkey);
  encode_terms(w, *this);
  w.fixed(sn_signature);
}

Registration Registration::decode(Reader& r) {
  Registration reg;
  reg.sn_pubkey = r.fixed<PubKey>();
  reg.operator_address = r.fixed<PubKey>();
  reg.fee_bps = r.u16();
  const uint64_t n = r.count(kMaxContributorsLimit);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    ReservedSpot spot;
    spot.address = r.fixed<PubKey>();
    spot.amount = r.amount();
    reg.reserved.push_back(spot);
  }
  reg.expiry_height = r.height();
  reg.sn_signature = r.fixed<Signature>();
  return reg;
}

std::string Registration::to_text() const {
  return std::string(kTextPrefix) + to_hex(swarmchain::encode(*this));
}

Expected<Registration> Registration::from_text(std::string_view text) {
  if (!text.starts_with(kTextPrefix))
    return fail(DecodeError::kBadValue, "registration text must start with swreg1");
  const std::string_view hex = text.substr(kTextPrefix.size());
  // Only the form to_text() prints: lowercase, even length. from_hex alone would also take
  // all-uppercase digits, giving one registration two texts.
  if (hex.size() % 2 != 0 || !is_lower_hex(hex))
    return fail(DecodeError::kBadValue,
                "registration is not valid hex (lowercase digits 0-9a-f after swreg1, even "
                "length)");
  const std::optional<Bytes> bytes = from_hex(hex);
  if (!bytes) return fail(DecodeError::kBadValue, "registration is not valid hex");
  auto reg = decode_exact<Registration>(*bytes);
  if (reg) return reg;
  const Status& s = reg.error();
  switch (s.code_as<DecodeError>()) {
    case DecodeError::kTruncated:
      return fail(DecodeError::kTruncated,
                  "registration is truncated (was the text copied in full?)");
    case DecodeError::kTrailingBytes:
      return fail(DecodeError::kTrailingBytes, "registration has trailing bytes");
    default:
      return fail(s.code_as<DecodeError>(), "registration is invalid: " + s.message());
  }
}

}  // namespace swarmchain

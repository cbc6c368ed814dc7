#include "tests/sim/sim_genesis.h"

#include "tests/sim/sim_rules.h"

namespace swarmchain::sim {

namespace {
KeyPair key_from(uint8_t b) {
  Seed s;
  s.data.fill(b);
  return KeyPair::from_seed(s);
}
constexpr Amount kFee = Amount(100'000);
constexpr uint32_t kFirstIp = 0x0A000001u;  // 10.0.0.1
constexpr uint16_t kQuorumnetPort = 22022;
}  // namespace

KeyPair node_key(std::size_t i) { return key_from(static_cast<uint8_t>(1 + i)); }
KeyPair operator_key(std::size_t i) { return key_from(static_cast<uint8_t>(101 + i)); }
KeyPair ghost_key() { return key_from(90); }
KeyPair user_key() { return key_from(200); }

std::size_t genesis_nodes(std::size_t nodes) { return nodes >= 7 ? nodes - 2 : nodes; }

Genesis sim_genesis(std::size_t nodes) {
  Genesis g;
  g.network = "sim";
  g.genesis_time_ms = 1'700'000'000'000;
  g.params = ChainParams::dev();
  g.params.target_block_ms = 200;
  g.params.epoch_blocks = 4;
  g.params.committee_size = 7;
  g.params.unlock_delay_blocks = 6;
  g.params.dereg_lock_blocks = 8;
  g.params.proof_interval_s = 4;
  g.params.proof_lifetime_s = 40;
  apply_chain_rules(g.params);
  const Amount stake = g.params.staking_requirement;
  for (std::size_t i = 0; i < nodes; ++i) {
    g.accounts.push_back({operator_key(i).pubkey(), Amount::coins(1000)});
    if (i < genesis_nodes(nodes))
      g.service_nodes.push_back({node_key(i).pubkey(), operator_key(i).pubkey(), stake});
  }
  g.accounts.push_back({user_key().pubkey(), Amount::coins(1'000'000)});
  return g;
}

DriverConfig sim_driver_config(std::size_t index, bool proofs) {
  DriverConfig c;
  c.send_uptime_proofs = proofs;
  c.contact.public_ip = kFirstIp + static_cast<uint32_t>(index);
  c.contact.storage_port = 22020;
  c.contact.storage_lmq_port = 22021;
  c.contact.quorumnet_port = kQuorumnetPort;
  c.rebroadcast_ms = 1000;
  return c;
}

std::optional<std::size_t> sim_node_of(const std::string& host_port) {
  // "a.b.c.d:port", each a decimal number: anything else names no sim node.
  uint64_t parts[5] = {};
  std::size_t part = 0;
  bool digit = false;
  for (char ch : host_port) {
    if (ch >= '0' && ch <= '9') {
      parts[part] = parts[part] * 10 + static_cast<uint64_t>(ch - '0');
      if (parts[part] > 65535) return std::nullopt;
      digit = true;
    } else if (digit && ((ch == '.' && part < 3) || (ch == ':' && part == 3))) {
      ++part;
      digit = false;
    } else {
      return std::nullopt;
    }
  }
  if (part != 4 || !digit || parts[4] != kQuorumnetPort) return std::nullopt;
  uint64_t ip = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (parts[i] > 255) return std::nullopt;
    ip = ip << 8 | parts[i];
  }
  if (ip < kFirstIp || ip - kFirstIp > 0xffff) return std::nullopt;
  return static_cast<std::size_t>(ip - kFirstIp);
}

Tx registration_tx(const Hash& chain_id, const Genesis& g, const KeyPair& sn, const KeyPair& op,
                   uint64_t nonce, Height expiry) {
  Registration reg;
  reg.sn_pubkey = sn.pubkey();
  reg.operator_address = op.pubkey();
  reg.fee_bps = 100;
  reg.reserved = {{op.pubkey(), g.params.staking_requirement}};
  reg.expiry_height = expiry;
  reg.sign(sn, chain_id);
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = op.pubkey();
  tx.nonce = nonce;
  tx.fee = kFee;
  tx.payload = RegisterNodePayload{reg, g.params.staking_requirement};
  tx.sign(op);
  return tx;
}

Tx unlock_tx(const Hash& chain_id, const KeyPair& op, const PubKey& sn, uint64_t nonce) {
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = op.pubkey();
  tx.nonce = nonce;
  tx.fee = kFee;
  tx.payload = RequestUnlockPayload{sn};
  tx.sign(op);
  return tx;
}

Tx transfer_tx(const Hash& chain_id, const KeyPair& from, const PubKey& to, Amount amount,
               uint64_t nonce) {
  Tx tx;
  tx.chain_id = chain_id;
  tx.sender = from.pubkey();
  tx.nonce = nonce;
  tx.fee = kFee;
  tx.payload = TransferPayload{to, amount};
  tx.sign(from);
  return tx;
}

}  // namespace swarmchain::sim

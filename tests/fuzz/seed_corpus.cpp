// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the code's own
// encoders: small, valid inputs of every kind each target reads, so that the fuzzer starts deep
// in the decoders. Run once and commit the files (scripts/fuzz.sh seeds):
//   fuzz_seed_corpus <dir>        writes <dir>/<target>/<name>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/block.h"
#include "common/address.h"
#include "common/hex.h"
#include "consensus/message.h"
#include "node/wire.h"
#include "p2p/message.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/p2p_session.h"
#include "wallet/keystore.h"

namespace fs = std::filesystem;
using namespace swarmchain;
using nlohmann::json;

namespace {

fs::path root;

void put(const std::string& target, const std::string& name, ByteView bytes) {
  const fs::path dir = root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) fuzz::setup_failed("cannot write " + (dir / name).string());
}
void put(const std::string& target, const std::string& name, std::string_view text) {
  put(target, name, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}
Bytes prefixed(uint8_t first, ByteView rest) {
  Bytes b{first};
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

const Hash kChainId = fuzz::genesis().chain_id();

Vote make_vote(uint8_t signer, VoteType type, uint64_t height, uint8_t block) {
  Vote v;
  v.type = type;
  v.height = Height(height);
  v.round = 1;
  v.block_hash.data.fill(block);
  v.validator = fuzz::key(signer).pubkey();
  v.sign(fuzz::key(signer), kChainId);
  return v;
}

Registration make_registration() {
  Registration reg;
  reg.sn_pubkey = fuzz::key(110).pubkey();
  reg.operator_address = fuzz::key(2).pubkey();
  reg.fee_bps = 500;
  reg.reserved = {{fuzz::key(2).pubkey(), Amount::coins(40)}, {fuzz::key(3).pubkey(), Amount::coins(20)}};
  reg.expiry_height = Height(100);
  reg.sign(fuzz::key(110), kChainId);
  return reg;
}

// One signed tx of every type.
std::vector<std::pair<std::string, Tx>> every_tx() {
  std::vector<std::pair<std::string, Tx>> out;
  auto signed_tx = [](uint8_t sender, uint64_t nonce, TxPayload payload) {
    Tx tx;
    tx.chain_id = kChainId;
    tx.sender = fuzz::key(sender).pubkey();
    tx.nonce = nonce;
    tx.fee = Amount(1'000'000);
    tx.payload = std::move(payload);
    tx.sign(fuzz::key(sender));
    return tx;
  };
  out.emplace_back("transfer", fuzz::transfer(kChainId, fuzz::key(1), 0, fuzz::key(2).pubkey(), Amount::coins(1)));
  out.emplace_back("register_node", signed_tx(2, 0, RegisterNodePayload{make_registration(), Amount::coins(40)}));
  out.emplace_back("stake", signed_tx(3, 0, StakePayload{fuzz::key(110).pubkey(), Amount::coins(20)}));
  out.emplace_back("request_unlock", signed_tx(1, 1, RequestUnlockPayload{fuzz::key(100).pubkey()}));
  UptimeContact contact{0x7f000001, 22021, 22020, 22025, {1, 2, 3}};
  out.emplace_back("uptime_proof", make_uptime_proof(fuzz::key(100), kChainId, 1'700'000'001'000ULL, contact));
  Tx evidence = signed_tx(4, 0, EvidencePayload{make_vote(101, VoteType::kPrevote, 5, 1),
                                                make_vote(101, VoteType::kPrevote, 5, 2)});
  evidence.fee = Amount();
  evidence.sign(fuzz::key(4));
  out.emplace_back("evidence", evidence);
  StateChangePayload sc;
  sc.sn_pubkey = fuzz::key(103).pubkey();
  sc.new_state = 1;
  sc.height = Height(9);
  sc.reason_bits = 3;
  sc.votes = {{0, fuzz::key(100).sign(Hash())}, {2, fuzz::key(102).sign(Hash())}};
  Tx state_change = signed_tx(100, 0, sc);
  state_change.fee = Amount();
  state_change.sign(fuzz::key(100));
  out.emplace_back("state_change", state_change);
  return out;
}

CommitCertificate make_cert(uint64_t height, const Hash& block_hash) {
  const Hash digest = vote_digest(kChainId, VoteType::kPrecommit, Height(height), 0, block_hash);
  CommitCertificate c{Height(height), 0, block_hash, {}};
  for (uint16_t i = 0; i < 3; ++i) c.sigs.push_back({i, fuzz::key(static_cast<uint8_t>(100 + i)).sign(digest)});
  return c;
}

Block make_block(uint64_t height, bool with_commit) {
  Block b;
  b.header.height = Height(height);
  b.header.prev_hash.data.fill(7);
  b.header.time_ms = 1'700'000'002'000ULL;
  b.header.proposer = fuzz::key(100).pubkey();
  for (uint64_t n = 0; n < 2; ++n)
    b.txs.push_back(fuzz::transfer(kChainId, fuzz::key(1), n, fuzz::key(2).pubkey(), Amount::coins(1)));
  b.header.tx_root = b.compute_tx_root();
  if (with_commit) {
    Hash parent;
    parent.data.fill(7);
    b.last_commit = make_cert(height - 1, parent);
    b.header.last_commit_hash = b.last_commit->hash();
  }
  return b;
}

consensus::Proposal make_proposal() {
  consensus::Proposal p;
  p.height = Height(5);
  p.round = 2;
  p.pol_round = 1;
  const Block b = make_block(5, true);
  p.value = b.to_bytes();
  p.value_hash = b.hash();
  p.proposer = fuzz::key(100).pubkey();
  p.sign(fuzz::key(100), kChainId);
  return p;
}

void txs_and_blocks() {
  for (const auto& [name, tx] : every_tx()) put("fuzz_tx", name, tx.to_bytes());
  put("fuzz_block", "with_commit", make_block(5, true).to_bytes());
  put("fuzz_block", "first", make_block(1, false).to_bytes());
  const Block b = make_block(5, true);
  put("fuzz_certificate", "certificate", prefixed(0, encode(make_cert(5, b.hash()))));
  put("fuzz_certificate", "vote", prefixed(1, encode(make_vote(102, VoteType::kPrecommit, 5, 9))));
  put("fuzz_certificate", "proposal", prefixed(2, consensus::encode_message(make_proposal())));
  put("fuzz_certificate", "consensus_vote",
      prefixed(2, consensus::encode_message(make_vote(103, VoteType::kPrevote, 5, 0))));
}

void wire_messages() {
  put("fuzz_wire", "consensus", wire::encode(consensus::Message(make_proposal())));
  const auto txs = every_tx();
  put("fuzz_wire", "tx", wire::encode(txs[0].second));
  put("fuzz_wire", "block_request", wire::encode(wire::BlockRequest{Height(3), 64}));
  const Block b = make_block(5, true);
  put("fuzz_wire", "blocks", wire::encode(wire::Blocks{{{b, make_cert(5, b.hash())}}}));
  wire::TxBatch batch;
  for (const auto& [name, tx] : txs) batch.txs.push_back(tx);
  put("fuzz_wire", "txs", wire::encode(batch));
  wire::ReachVote rv{Height(9), fuzz::key(103).pubkey(), 1, 3, 2, fuzz::key(102).sign(Hash())};
  put("fuzz_wire", "reach_vote", wire::encode(rv));
}

std::vector<std::pair<std::string, p2p::Message>> every_p2p_message() {
  p2p::Hello hello{1, kChainId, hash_tagged("fuzz/genesis", ByteView()), 3, 22022};
  p2p::Peers peers;
  peers.addresses.push_back(*p2p::PeerAddress::parse("127.0.0.1:22022"));
  peers.addresses.push_back(*p2p::PeerAddress::parse("[::1]:22023"));
  return {{"auth", p2p::Auth{fuzz::key(5).sign(Hash())}},
          {"hello", hello},
          {"payload", p2p::Payload{wire::encode(consensus::Message(make_vote(103, VoteType::kPrevote, 5, 0)))}},
          {"ping", p2p::Ping{7}},
          {"pong", p2p::Pong{8}},
          {"get_peers", p2p::GetPeers{}},
          {"peers", peers}};
}

void p2p_messages() {
  for (const auto& [name, m] : every_p2p_message()) put("fuzz_p2p_message", name, p2p::encode_message(m));
  put("fuzz_p2p_message", "address_v4", std::string_view("10.1.2.3:22022"));
  put("fuzz_p2p_message", "address_v6", std::string_view("[2001:db8::1]:22022"));
}

void p2p_sessions() {
  const uint8_t all = fuzz::kHonestFirstMessage | fuzz::kHonestAuth | fuzz::kHonestHello;
  Bytes honest{all};
  for (const auto& [name, m] : every_p2p_message())
    if (name != "auth" && name != "hello") fuzz::append_record(honest, false, p2p::encode_message(m));
  put("fuzz_p2p_frames", "honest_session", honest);
  Bytes broken{all};
  fuzz::append_record(broken, false, p2p::encode_message(p2p::Ping{1}));
  fuzz::append_record(broken, true, Bytes{0x20, 0, 0, 0, 1, 2, 3});
  put("fuzz_p2p_frames", "broken_frame", broken);
  Bytes own_auth{fuzz::kHonestFirstMessage};
  fuzz::append_record(own_auth, false, p2p::encode_message(p2p::Auth{fuzz::key(9).sign(Hash())}));
  fuzz::append_record(own_auth, false, p2p::encode_message(every_p2p_message()[1].second));
  put("fuzz_p2p_frames", "own_auth", own_auth);
  Bytes own_hello{fuzz::kHonestFirstMessage | fuzz::kHonestAuth};
  fuzz::append_record(own_hello, false, p2p::encode_message(every_p2p_message()[1].second));
  fuzz::append_record(own_hello, false, p2p::encode_message(p2p::GetPeers{}));
  put("fuzz_p2p_frames", "own_hello", own_hello);
  Bytes raw_first{0};
  const Bytes magic = {'S', 'W', 'C', 'H', 1, 0, 0, 0};
  raw_first.insert(raw_first.end(), magic.begin(), magic.end());
  raw_first.resize(1 + 72, 0x11);
  put("fuzz_p2p_frames", "raw_first_message", raw_first);
}

void keystore_and_texts() {
  const fs::path dir = fs::temp_directory_path() / ("swarmchain-seed-corpus-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Seed seed;
  seed.data.fill(42);
  if (Status s = Keystore::create(dir / "k.json", seed, "fuzz", KdfStrength::kInteractive); !s)
    fuzz::setup_failed(s.message());
  std::ifstream in(dir / "k.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove_all(dir);
  put("fuzz_keystore", "keystore", text);
  put("fuzz_keystore", "seed_text", seed_to_text(seed) + "\n");

  put("fuzz_genesis", "genesis", fuzz::genesis().to_json());
  json small = json::parse(fuzz::genesis().to_json());
  small["params"] = {{"preset", "dev"}, {"committee_size", 3}};
  put("fuzz_genesis", "preset_dev", small.dump());

  put("fuzz_registration", "registration", make_registration().to_text());
  put("fuzz_registration", "fee", std::string_view("5.25%"));
}

void rpc_requests() {
  const Tx tx = fuzz::transfer(kChainId, fuzz::key(3), 0, fuzz::key(4).pubkey(), Amount::coins(2));
  const std::string account = address_from_pubkey(fuzz::key(1).pubkey());
  const std::string sn = to_hex(fuzz::key(101).pubkey());
  const std::vector<std::pair<std::string, json>> calls = {
      {"get_info", json::object()},
      {"get_height", json::object()},
      {"get_block", {{"height", 2}}},
      {"get_transaction", {{"txid", to_hex(tx.id())}}},
      {"get_account", {{"address", account}}},
      {"get_account_history", {{"address", account}, {"limit", 5}}},
      {"send_raw_transaction", {{"tx_hex", to_hex(tx.to_bytes())}}},
      {"send_raw_transactions", {{"txs_hex", {to_hex(tx.to_bytes())}}}},
      {"get_fee_estimate", json::object()},
      {"get_service_nodes", {{"service_node_pubkeys", {sn}}, {"active_only", true}, {"limit", 2}, {"fields", {{"service_node_pubkey", true}}}}},
      {"get_n_service_nodes", {{"limit", 2}}},
      {"get_swarm", {{"pubkey", "05" + sn}}},
      {"get_swarms", json::object()},
      {"get_staking_requirement", {{"height", 1}}},
      {"get_service_node_status", {{"pubkey", sn}}},
      {"get_registry_proof", {{"pubkey", sn}, {"height", 2}}},
  };
  int id = 0;
  for (const auto& [method, params] : calls) {
    json req{{"jsonrpc", "2.0"}, {"id", ++id}, {"method", method}, {"params", params}};
    put("fuzz_rpc", method, req.dump());
  }
  put("fuzz_rpc", "string_id_no_params", std::string_view(R"({"jsonrpc":"2.0","id":"x","method":"get_height"})"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  root = argv[1];
  txs_and_blocks();
  wire_messages();
  p2p_messages();
  p2p_sessions();
  keystore_and_texts();
  rpc_requests();
  std::printf("seed corpora written under %s\n", root.c_str());
  return 0;
}

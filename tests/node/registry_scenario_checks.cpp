// The registry scenario, phases 3 to 7, over JSON-RPC: the states and contributors of every
// node, the swarms (get_swarm against the brute-force reference), a registry proof checked by
// the light client, an unlock by a contributor, the supply, and a restart.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <utility>

#include "common/codec.h"
#include "common/commit.h"
#include "common/hex.h"
#include "common/merkle.h"
#include "registry/light_client.h"
#include "registry/service_node.h"
#include "tests/node/registry_scenario.h"

namespace swarmchain::test {

using namespace std::chrono_literals;

// ---- 3. registry and swarms over RPC ------------------------------------------------------

void RegistryScenario::check_states_and_contributors() {
  SCOPED_TRACE("step 3a: get_service_nodes: states and contributors");
  ASSERT_NO_FATAL_FAILURE(consistent_registry(nodes_, table_, registry_height_));
  ASSERT_EQ(nodes_.size(), plan_.size() + 1) << "40 registered nodes plus the genesis node";
  const std::string genesis_pk = genesis_["service_nodes"][0]["pubkey"].get<std::string>();
  ASSERT_TRUE(nodes_.count(genesis_pk));
  EXPECT_EQ(nodes_[genesis_pk]["state"], "active");
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    const PlannedNode& n = plan_[i];
    SCOPED_TRACE("node " + std::to_string(i) + " " + n.pubkey);
    ASSERT_TRUE(nodes_.count(n.pubkey));
    const json& e = nodes_[n.pubkey];
    const bool funded = n.kind != Kind::kAwaiting;
    EXPECT_EQ(e["state"], funded ? "active" : "awaiting");
    EXPECT_EQ(e["active"].get<bool>(), funded);
    EXPECT_EQ(e["funded"].get<bool>(), funded);
    EXPECT_EQ(e["pubkey_ed25519"], n.pubkey);
    EXPECT_EQ(e["operator_address"], accounts_[static_cast<std::size_t>(n.op)].address);
    EXPECT_EQ(e["operator_fee"].get<uint64_t>(), n.fee_bps);
    EXPECT_EQ(e["staking_requirement"].get<uint64_t>(), 100 * kCoin);
    EXPECT_EQ(e["requested_unlock_height"].get<uint64_t>(), 0u);
    EXPECT_EQ(e["registration_height"], tx(n.register_txid)["height"]);
    // x25519 key: the birational map of the ed25519 key, computed here with libsodium.
    std::array<uint8_t, 32> ed{}, x{};
    ASSERT_EQ(from_hex(n.pubkey)->size(), 32u);
    std::copy_n(from_hex(n.pubkey)->begin(), 32, ed.begin());
    ASSERT_EQ(crypto_sign_ed25519_pk_to_curve25519(x.data(), ed.data()), 0);
    EXPECT_EQ(e["pubkey_x25519"], hex_of(x.data(), 32));
    // Contributors: address -> (amount, reserved).
    std::map<std::string, std::pair<uint64_t, uint64_t>> want;
    want[accounts_[static_cast<std::size_t>(n.op)].address] = {n.operator_amount,
                                                               n.operator_amount};
    for (const PlannedStake& s : n.stakes)
      want[accounts_[static_cast<std::size_t>(s.account)].address] = {
          s.expected, s.account == n.reserved_account ? 30 * kCoin : 0};
    std::map<std::string, std::pair<uint64_t, uint64_t>> got;
    for (const json& c : e["contributors"])
      got[c["address"].get<std::string>()] = {c["amount"].get<uint64_t>(),
                                              c["reserved"].get<uint64_t>()};
    EXPECT_EQ(got, want);
    ASSERT_FALSE(e["contributors"].empty());
    EXPECT_EQ(e["contributors"][0]["address"], accounts_[static_cast<std::size_t>(n.op)].address)
        << "the operator is contributor 0";
    uint64_t total = n.operator_amount;
    for (const PlannedStake& s : n.stakes) total += s.expected;
    EXPECT_EQ(e["total_contributed"].get<uint64_t>(), total);
    if (n.kind == Kind::kSolo) {
      EXPECT_EQ(e["active_since_height"], e["registration_height"]);
    }
    if (n.kind == Kind::kAwaiting) {
      EXPECT_TRUE(e["active_since_height"].is_null());
    }
  }
}

void RegistryScenario::check_swarm_table() {
  SCOPED_TRACE("step 3b: get_swarms: every active node in one swarm, swarms >= 5");
  ASSERT_NO_FATAL_FAILURE(check_swarm_invariants(nodes_, table_));
  std::size_t members = 0;
  for (const auto& [id, m] : table_) members += m.size();
  std::size_t funded = 1;  // the genesis node
  for (const PlannedNode& n : plan_) funded += n.kind != Kind::kAwaiting;
  EXPECT_EQ(funded, 39u) << "the genesis node, 31 solo, 6 multi and 1 reserved-spot node";
  EXPECT_EQ(members, funded);
  std::cerr << "[scenario] " << table_.size() << " swarms over " << members
            << " active nodes at height " << registry_height_ << "\n";
}

void RegistryScenario::check_get_swarm_against_reference() {
  SCOPED_TRACE("step 3c: get_swarm for user pubkeys vs a brute-force reference");
  std::vector<uint64_t> ids;
  for (const auto& [id, m] : table_) ids.push_back(id);  // ascending (std::map)
  std::mt19937_64 rng(0x5eed5eedULL ^ static_cast<uint64_t>(port_));
  // Keys whose space is a chosen value: three random chunks, the fourth fixed by the XOR.
  auto key_with_space = [&](uint64_t space) {
    std::array<uint8_t, 32> k{};
    uint64_t x = space;
    for (int c = 0; c < 3; ++c) {
      uint64_t v = rng();
      x ^= v;
      for (int b = 0; b < 8; ++b)
        k[static_cast<std::size_t>(8 * c + b)] = uint8_t(v >> (56 - 8 * b));
    }
    for (int b = 0; b < 8; ++b) k[static_cast<std::size_t>(24 + b)] = uint8_t(x >> (56 - 8 * b));
    return k;
  };
  std::vector<std::array<uint8_t, 32>> keys;
  for (int i = 0; i < 220; ++i) {
    std::array<uint8_t, 32> k{};
    for (auto& b : k) b = static_cast<uint8_t>(rng());
    keys.push_back(k);
  }
  // The edges: each id, its neighbours, the midpoints between neighbouring ids (a tie when
  // the gap is even: it goes left), the wrap-around gap, and both ends of the ring.
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const uint64_t a = ids[i], b = ids[(i + 1) % ids.size()];
    const uint64_t mid = a + (b - a) / 2;  // mod 2^64, also across the wrap
    for (uint64_t s : {a, a - 1, a + 1, mid - 1, mid, mid + 1}) keys.push_back(key_with_space(s));
  }
  for (uint64_t s : {uint64_t{0}, UINT64_MAX}) keys.push_back(key_with_space(s));

  std::size_t ties = 0, checked = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    std::string text;
    switch (i % 4) {
      case 0:
        text = hex_of(k.data(), 32);
        break;
      case 1:
        text = "05" + hex_of(k.data(), 32);
        break;  // Session id
      case 2:
        text = hex_of(k.data(), 32, /*upper=*/true);
        break;  // one case is fine
      default:
        text = "05" + hex_of(k.data(), 32, true);
        break;
    }
    const uint64_t space = reference_space(k);
    bool tie = false;
    const uint64_t want = reference_swarm(space, ids, &tie);
    ties += tie;
    json r = call("get_swarm", {{"pubkey", text}});
    ASSERT_FALSE(r.is_null());
    ASSERT_EQ(r["swarm_id"].get<uint64_t>(), want)
        << "pubkey " << text << " space " << space << ": node says " << r["swarm_id"]
        << ", the reference says " << want;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(want));
    EXPECT_EQ(r["swarm"], std::string(hex));
    EXPECT_GE(r["height"].get<uint64_t>(), registry_height_);
    // snodes: exactly the swarm's members, with their x25519 keys; a node that never sent an
    // uptime proof (every registered one here: they are never run) has the Oxen-shaped "no
    // contact yet" values, never null (design §8).
    std::multiset<std::string> got;
    for (const json& s : r["snodes"]) {
      const std::string pk = s["pubkey_ed25519"].get<std::string>();
      got.insert(pk);
      ASSERT_TRUE(nodes_.count(pk)) << pk;
      EXPECT_EQ(s["pubkey_x25519"], nodes_[pk]["pubkey_x25519"]);
      ASSERT_TRUE(s["ip"].is_string() && s["port_https"].is_number_unsigned() &&
                  s["port_omq"].is_number_unsigned())
          << s;
      if (nodes_[pk].value("last_uptime_proof", uint64_t{0}) == 0) {
        EXPECT_EQ(s["ip"], "0.0.0.0") << s;
        EXPECT_EQ(s["port_https"], 0) << s;
        EXPECT_EQ(s["port_omq"], 0) << s;
      }
    }
    const auto& members = table_[want];
    EXPECT_EQ(got, std::multiset<std::string>(members.begin(), members.end()))
        << "snodes of swarm " << want;
    ++checked;
  }
  EXPECT_GE(checked, 200u);
  // An even gap between two neighbours makes an exact tie; with random ids about half of
  // them are even, so a table of a few swarms almost always has one. Not required.
  std::cerr << "[scenario] get_swarm checked for " << checked << " pubkeys (" << ties
            << " exact ties) at " << elapsed() << "\n";

  // The wallet's `swarm` command shows the same answer.
  RunResult w = wallet(3, {"swarm", "05" + hex_of(keys[0].data(), 32)});
  auto j = json_line(w.out);
  ASSERT_TRUE(w.exit_code == 0 && j) << w.out;
  EXPECT_EQ((*j)["swarm_id"].get<uint64_t>(), reference_swarm(reference_space(keys[0]), ids));
  // The swarm table did not move while we asked (nothing was changing the active set).
  uint64_t h_after = 0;
  EXPECT_EQ(swarms(&h_after), table_);
}

// ---- 4. a registry proof, checked by the light client -------------------------------------

void RegistryScenario::check_registry_proof() {
  SCOPED_TRACE("step 4: get_registry_proof + verify_registry_answer");
  const PlannedNode& n = plan_[first_multi_index() + 1];  // two contributors besides the operator
  json r = call("get_registry_proof", {{"pubkey", n.pubkey}});
  ASSERT_FALSE(r.is_null());
  auto record = decode_exact<ServiceNode>(hex_bytes(r["record_hex"]));
  ASSERT_TRUE(record) << record.error().message();
  auto proof = decode_exact<MerkleProof>(hex_bytes(r["proof_hex"]));
  ASSERT_TRUE(proof) << proof.error().message();
  const Bytes header = hex_bytes(r["header_hex"]);
  ASSERT_FALSE(r["certificate_hex"].is_null())
      << "the tip is past genesis, so it has a certificate";
  auto cert = decode_exact<CommitCertificate>(hex_bytes(r["certificate_hex"]));
  ASSERT_TRUE(cert) << cert.error().message();
  // Trust anchors a light client would hold: the chain id and the committee. In the dev net
  // the committee is the genesis node; check the answer's against genesis.json, not itself.
  json info = call("get_info");
  EXPECT_EQ(r["chain_id"], info["chain_id"]);
  auto chain_id = fixed_from_hex<Hash>(r["chain_id"].get<std::string>());
  ASSERT_TRUE(chain_id);
  std::vector<PubKey> committee;
  for (const json& m : r["committee"])
    committee.push_back(*fixed_from_hex<PubKey>(m.get<std::string>()));
  ASSERT_EQ(committee.size(), 1u);
  EXPECT_EQ(to_hex(committee[0]), genesis_["service_nodes"][0]["pubkey"].get<std::string>());
  // The decoded record is the node we asked for, as get_service_nodes shows it.
  EXPECT_EQ(to_hex(record->pubkey), n.pubkey);
  EXPECT_EQ(record->contributors.size(), 3u);
  EXPECT_EQ(record->total_contributed.atomic(), 100 * kCoin);
  EXPECT_EQ(r["record"]["swarm_id"], nodes_[n.pubkey]["swarm_id"]);
  EXPECT_EQ(to_hex(record->to_bytes()), r["record_hex"]);

  Status ok = verify_registry_answer(*record, *proof, header, *cert, *chain_id, committee);
  EXPECT_TRUE(ok) << ok.message();

  // One flipped byte anywhere in the record: it either no longer decodes or no longer verifies.
  const Bytes bytes = record->to_bytes();
  std::size_t decodable = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    Bytes changed = bytes;
    changed[i] ^= 0x01;
    auto other = decode_exact<ServiceNode>(changed);
    if (!other) continue;
    ++decodable;
    EXPECT_FALSE(verify_registry_answer(*other, *proof, header, *cert, *chain_id, committee))
        << "a record with byte " << i << " flipped still verifies";
  }
  EXPECT_GT(decodable, bytes.size() / 2);
  // And a flipped byte of the header (its registry_root) or of a proof step.
  Bytes bad_header = header;
  bad_header[144] ^= 0x80;
  EXPECT_FALSE(verify_registry_answer(*record, *proof, bad_header, *cert, *chain_id, committee));
  ASSERT_FALSE(proof->steps.empty());
  MerkleProof bad_proof = *proof;
  bad_proof.steps[0].sibling.data[0] ^= 1;
  EXPECT_FALSE(verify_registry_answer(*record, bad_proof, header, *cert, *chain_id, committee));
}

// ---- 5. a contributor unlocks a multi-contributor node ------------------------------------

void RegistryScenario::unlock_and_see_the_node_leave() {
  SCOPED_TRACE("step 5: sn unlock by a contributor, then the node leaves");
  const PlannedNode& n = plan_[first_multi_index()];  // operator + three 25% contributors
  ASSERT_EQ(n.stakes.size(), 3u);
  const int contributor = n.stakes[1].account;
  ASSERT_NE(contributor, n.op);
  const std::size_t unlock_tx = txs_.size();
  ASSERT_TRUE(send(contributor, {"sn", "unlock", n.pubkey}, "unlock node " + n.pubkey));
  ASSERT_NO_FATAL_FAILURE(wait_confirmed(unlock_tx, 30s));
  const uint64_t tx_height = tx(txs_[unlock_tx].txid)["height"].get<uint64_t>();
  json e =
      call("get_service_nodes", {{"service_node_pubkeys", {n.pubkey}}})["service_node_states"][0];
  const uint64_t unlock_at = e["requested_unlock_height"].get<uint64_t>();
  EXPECT_EQ(unlock_at, tx_height + 40)
      << "request_unlock applies at the tx's height + unlock delay";
  ASSERT_NE(unlock_at, 0u);
  EXPECT_EQ(e["state"], "active") << "it keeps serving until the unlock height";
  // Once per node: another contributor's request is refused, in one line, and not sent.
  RunResult again = wallet(n.stakes[2].account, {"sn", "unlock", n.pubkey}, false);
  EXPECT_NE(again.exit_code, 0) << again.out;
  EXPECT_EQ(nonempty_lines(again.out).size(), 1u) << again.out;
  EXPECT_NE(again.out.find(std::to_string(unlock_at)), std::string::npos) << again.out;
  // Everyone's locked_stakes shows the date.
  for (const json& c : e["contributors"]) {
    json acct = call("get_account", {{"address", c["address"]}});
    bool listed = false;
    for (const json& s : acct["locked_stakes"])
      if (s["sn_pubkey"] == n.pubkey) {
        listed = true;
        EXPECT_EQ(s["requested_unlock_height"].get<uint64_t>(), unlock_at);
        EXPECT_EQ(s["amount"], c["amount"]);
      }
    EXPECT_TRUE(listed) << c["address"];
  }

  ASSERT_TRUE(wait_until([&] { return height() >= unlock_at; }, 60s))
      << "height " << height() << " never reached " << unlock_at;
  std::map<std::string, json> after;
  std::map<uint64_t, std::vector<std::string>> after_table;
  uint64_t h = 0;
  ASSERT_NO_FATAL_FAILURE(consistent_registry(after, after_table, h));
  EXPECT_GE(h, unlock_at);
  EXPECT_EQ(after.count(n.pubkey), 0u) << "the node is still registered at height " << h;
  EXPECT_EQ(after.size(), plan_.size());
  ASSERT_NO_FATAL_FAILURE(check_swarm_invariants(after, after_table));
  for (const json& c : e["contributors"]) {
    json acct = call("get_account", {{"address", c["address"]}});
    for (const json& s : acct["locked_stakes"])
      EXPECT_NE(s["sn_pubkey"], n.pubkey) << c["address"] << " still lists the unlocked node";
  }
  nodes_ = std::move(after);
  table_ = std::move(after_table);
  std::cerr << "[scenario] unlocked node left at height " << unlock_at << " (" << elapsed()
            << ")\n";
}

// ---- 6. every coin accounted for ----------------------------------------------------------

void RegistryScenario::check_every_coin_accounted_for() {
  SCOPED_TRACE("step 6: supply invariant");
  const uint64_t h = check_supply();
  EXPECT_GT(h, 40u);
  std::cerr << "[scenario] supply adds up at height " << h << " over " << txs_.size() << " txs ("
            << elapsed() << ")\n";
}

// ---- 7. SIGTERM, restart, same registry ---------------------------------------------------

void RegistryScenario::restart_with_the_same_registry() {
  SCOPED_TRACE("step 7: SIGTERM and restart");
  auto before = service_nodes();
  auto before_table = swarms();
  node_->signal(SIGTERM);
  ASSERT_EQ(node_->wait(30s), 0) << tail(read_text(dir_ / "node.log"), 20);
  const std::string log = read_text(dir_ / "node.log");
  EXPECT_NE(log.find("stopped cleanly"), std::string::npos) << tail(log, 20);
  uint64_t last = 0;
  std::string last_hash;
  // Empty blocks are logged at debug; the clean stop says where the chain stopped.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex("stopped cleanly at height (\\d+) hash ([0-9a-f]{64})")))
      << tail(log, 20);
  last = std::stoull(m[1]);
  last_hash = m[2];
  ASSERT_GT(last, 0u);

  ASSERT_NO_FATAL_FAILURE(start_node("node2.log"));
  json block = call("get_block", {{"height", last}});
  EXPECT_EQ(block["header"]["hash"], last_hash)
      << "block " << last << " changed across the restart";
  auto again = service_nodes();
  auto again_table = swarms();
  ASSERT_EQ(again.size(), before.size());
  for (const auto& [pk, e] : before) {
    ASSERT_TRUE(again.count(pk)) << pk << " lost across the restart";
    const json& a = again[pk];
    for (const char* field : {"state", "contributors", "swarm_id", "total_contributed",
                              "operator_address", "operator_fee", "registration_height",
                              "requested_unlock_height", "pubkey_x25519", "active_since_height"})
      EXPECT_EQ(a[field], e[field]) << pk << " field " << field;
    EXPECT_GE(a["rewards_earned"].get<uint64_t>(), e["rewards_earned"].get<uint64_t>()) << pk;
  }
  EXPECT_EQ(again_table, before_table);
  ASSERT_TRUE(wait_until([&] { return height() >= last + 3; }, 20s))
      << "the chain did not go on after the restart: height " << height();
  // And the books still balance on the restarted node.
  EXPECT_GE(check_supply(), last + 3);
}

void RegistryScenario::stop_node() {
  node_->signal(SIGTERM);
  EXPECT_EQ(node_->wait(30s), 0);
  std::cerr << "[scenario] done in " << elapsed() << "\n";
}

}  // namespace swarmchain::test

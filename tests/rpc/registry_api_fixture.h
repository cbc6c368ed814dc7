// The fixture of the registry JSON-RPC tests (registry_api_*test.cpp): a real Blockchain in a
// temp dir whose genesis has 40 service nodes (enough for several swarms at height 0), the
// chain and registry methods on one Dispatcher, and helpers to call them, to commit blocks and
// to register a node that stays awaiting.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/commit.h"
#include "rpc/chain_api.h"
#include "rpc/json_rpc.h"
#include "rpc/registry_api.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {

inline constexpr std::size_t kGenesisNodes = 40;  // enough for several swarms at height 0

inline KeyPair sn_key(std::size_t i) { return test_key(static_cast<uint8_t>(100 + i)); }
// Genesis node i is operated by account 1, 2 or 3 (all funded).
inline KeyPair operator_key(std::size_t i) { return test_key(static_cast<uint8_t>(1 + i % 3)); }

inline Genesis registry_genesis() {
  Genesis g = test_genesis(6, Amount::coins(1000));
  g.service_nodes.clear();
  for (std::size_t i = 0; i < kGenesisNodes; ++i)
    g.service_nodes.push_back(
        {sn_key(i).pubkey(), operator_key(i).pubkey(), g.params.staking_requirement});
  return g;
}

class RegistryApiTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  RegistryApiTest() {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    chain = std::move(*bc);
    mempool = std::make_unique<Mempool>(chain->chain_id(), MempoolLimits{},
                                        chain->executor().registry_params());
    rpc::register_chain_methods(d, *chain, *mempool);
    rpc::register_registry_methods(d, *chain, std::nullopt, {}, mempool.get());
  }

  // The whole response; the test reads "result" or "error".
  json call(const std::string& method, const json& params = json::object()) const {
    json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return json::parse(d.handle(req.dump()));
  }
  json result(const std::string& method, const json& params = json::object()) const {
    json r = call(method, params);
    EXPECT_TRUE(r.contains("result")) << method << " " << params.dump() << " -> " << r.dump();
    return r.contains("result") ? r["result"] : json();
  }
  // Asserts a -32004 (not found) whose message contains `needle`; returns its data.
  json expect_not_found(const std::string& method, const json& params,
                        const std::string& needle) const {
    json r = call(method, params);
    EXPECT_TRUE(r.contains("error")) << method << " " << params.dump() << " -> " << r.dump();
    if (!r.contains("error")) return json();
    EXPECT_EQ(r["error"]["code"], rpc::kNotFound) << r.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find(needle), std::string::npos)
        << "message '" << r["error"]["message"].get<std::string>() << "' lacks '" << needle
        << "'";
    return r["error"].value("data", json());
  }
  // Asserts a -32602 whose message contains `needle`.
  void expect_invalid(const std::string& method, const json& params,
                      const std::string& needle) const {
    json r = call(method, params);
    ASSERT_TRUE(r.contains("error")) << method << " " << params.dump() << " -> " << r.dump();
    EXPECT_EQ(r["error"]["code"], rpc::kInvalidParams) << r.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find(needle), std::string::npos)
        << "message '" << r["error"]["message"].get<std::string>() << "' lacks '" << needle
        << "'";
  }

  // Commits the next block with `txs` (all must apply), certified by the whole committee.
  void commit(const std::vector<Tx>& txs = {}) {
    const std::vector<PubKey> committee = chain->committee(chain->tip().header.height.next());
    Block b;
    chain->with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = chain->executor().build(state, tip.header, tip.cert, txs,
                                           tip.header.time_ms + 500, committee.front());
      EXPECT_TRUE(built.skipped.empty());
      b = std::move(built.block);
    });
    const Hash digest =
        vote_digest(chain->chain_id(), VoteType::kPrecommit, b.header.height, 0, b.hash());
    CommitCertificate cert{b.header.height, 0, b.hash(), {}};
    for (std::size_t i = 0; i < committee.size(); ++i) {
      std::optional<KeyPair> key;
      for (std::size_t k = 0; k < kGenesisNodes && !key; ++k)
        if (sn_key(k).pubkey() == committee[i]) key = sn_key(k);
      ASSERT_TRUE(key);
      cert.sigs.push_back({static_cast<uint16_t>(i), key->sign(digest)});
    }
    Status s = chain->commit(b, cert);
    ASSERT_TRUE(s) << s.message();
  }

  uint64_t nonce_of(const KeyPair& k) const {
    return chain->account(k.pubkey()).value_or(Account{}).nonce;
  }

  // Account 4 registers a new node (key 150) for 40 coins, reserving 20 for account 5; the
  // node stays awaiting (60 of 100 reserved). Returns its pubkey.
  PubKey register_awaiting_node() {
    commit({awaiting_registration_tx()});
    return test_key(150).pubkey();
  }
  // The tx register_awaiting_node() commits.
  Tx awaiting_registration_tx() const {
    const KeyPair op = test_key(4), node = test_key(150);
    Registration reg;
    reg.sn_pubkey = node.pubkey();
    reg.operator_address = op.pubkey();
    reg.fee_bps = 500;
    reg.reserved = {{op.pubkey(), Amount::coins(40)}, {test_key(5).pubkey(), Amount::coins(20)}};
    reg.expiry_height = Height(100);
    reg.sign(node, chain->chain_id());
    Tx tx;
    tx.chain_id = chain->chain_id();
    tx.sender = op.pubkey();
    tx.nonce = nonce_of(op);
    tx.fee = Amount(100'000);
    tx.payload = RegisterNodePayload{reg, Amount::coins(40)};
    tx.sign(op);
    return tx;
  }

  ServiceNode record(const PubKey& pk) const {
    std::optional<ServiceNode> out;
    chain->with_state([&](const ChainState& s, const ChainTip&) {
      if (const ServiceNode* sn = s.registry.get(pk)) out = *sn;
    });
    EXPECT_TRUE(out);
    return out.value_or(ServiceNode{});
  }

  std::vector<PubKey> sorted_genesis_keys() const {
    std::vector<PubKey> keys;
    for (std::size_t i = 0; i < kGenesisNodes; ++i) keys.push_back(sn_key(i).pubkey());
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  Genesis genesis = registry_genesis();
  TempDir dir{"swarmchain-registry-api-test"};
  std::unique_ptr<Blockchain> chain;
  std::unique_ptr<Mempool> mempool;
  rpc::Dispatcher d;
};

}  // namespace swarmchain::test

// The chain RPC over a damaged store: a block, certificate, transaction or history entry that
// cannot be read is the node's failure (-32603, "the node's chain store is damaged"), never
// "no block at height 16" or "unknown transaction" (not found, -32004) (issue 8).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/address.h"
#include "common/hex.h"
#include "rpc/chain_api.h"
#include "rpc/json_rpc.h"
#include "tests/chain/raw_store.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

using nlohmann::json;
using test::test_key;

std::string raw_key(const Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data.data()), 32);
}

class ChainApiStoreDamageTest : public ::testing::Test {
 protected:
  Genesis genesis = test::test_genesis(4, Amount::coins(1000));
  test::TempDir dir{"swarmchain-rpc-damage"};
  std::vector<Block> blocks;  // 0..3
  std::unique_ptr<Blockchain> chain;
  std::unique_ptr<Mempool> mempool;
  rpc::Dispatcher d;

  // Commits blocks 1..3, closes, lets `damage` write to the closed store, reopens and serves.
  void SetUpWith(const std::function<void(test::RawStore&)>& damage) {
    {
      auto bc = Blockchain::open(dir.path(), genesis);
      ASSERT_TRUE(bc) << bc.error().message();
      for (int i = 0; i < 3; ++i) test::commit_transfer_block(**bc);
      for (uint64_t h = 0; h <= 3; ++h) blocks.push_back(*(*bc)->store().block_at(Height(h)));
    }
    {
      test::RawStore raw(dir.path());
      damage(raw);
    }
    auto bc = Blockchain::open(dir.path(), genesis);
    ASSERT_TRUE(bc) << bc.error().message();
    chain = std::move(*bc);
    mempool = std::make_unique<Mempool>(chain->chain_id(), MempoolLimits{},
                                        chain->executor().registry_params());
    rpc::register_chain_methods(d, *chain, *mempool);
  }

  json call(const std::string& method, const json& params) const {
    json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return json::parse(d.handle(req.dump()));
  }
  void expect_damaged(const std::string& method, const json& params) const {
    json r = call(method, params);
    ASSERT_TRUE(r.contains("error")) << method << " " << params.dump() << " -> " << r.dump();
    EXPECT_EQ(r["error"]["code"], rpc::kInternalError) << r.dump();
    EXPECT_NE(r["error"]["message"].get<std::string>().find("chain store is damaged"),
              std::string::npos)
        << r.dump();
  }
  // A block or tx that is simply not there: the common not-found code, not a store failure.
  void expect_not_found(const std::string& method, const json& params) const {
    json r = call(method, params);
    ASSERT_TRUE(r.contains("error")) << r.dump();
    EXPECT_EQ(r["error"]["code"], rpc::kNotFound) << r.dump();
  }
};

TEST_F(ChainApiStoreDamageTest, UnreadableBlockIsAnInternalErrorNotNoBlock) {
  SetUpWith([](test::RawStore& raw) { raw.put("blocks", test::height_key(2), "garbage"); });
  expect_damaged("get_block", {{"height", 2}});
  expect_damaged("get_block", {{"hash", to_hex(blocks[2].hash())}});
  // Its transaction, and the history that lists it, cannot be served either.
  expect_damaged("get_transaction", {{"txid", to_hex(blocks[2].txs[0].id())}});
  expect_damaged("get_account_history", {{"address", address_from_pubkey(test_key(1).pubkey())}});
  // Blocks that really are not there, and the intact ones, answer as before.
  expect_not_found("get_block", {{"height", 9}});
  EXPECT_TRUE(call("get_block", {{"height", 1}}).contains("result"));
}

TEST_F(ChainApiStoreDamageTest, UnreadableCertificateIsAnInternalError) {
  SetUpWith([](test::RawStore& raw) { raw.put("certs", test::height_key(1), "garbage"); });
  expect_damaged("get_block", {{"height", 1}});
}

TEST_F(ChainApiStoreDamageTest, UnreadableIndexesAreInternalErrorsNotUnknown) {
  // `blocks` is filled before the damage is done.
  SetUpWith([&](test::RawStore& raw) {
    raw.put("txs", raw_key(blocks[1].txs[0].id()), "short");
    raw.put("block_index", raw_key(blocks[1].hash()), "x");
  });
  expect_damaged("get_transaction", {{"txid", to_hex(blocks[1].txs[0].id())}});
  expect_damaged("get_block", {{"hash", to_hex(blocks[1].hash())}});
  expect_not_found("get_transaction", {{"txid", to_hex(Hash{})}});
}

}  // namespace
}  // namespace swarmchain

// send_raw_transaction and send_raw_transactions through the dispatcher: what is admitted, the
// per-tx errors of a batch call, its params, and what the node is told (on_txs_added).
#include <gtest/gtest.h>

#include "common/hex.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::test {
namespace {

using json = nlohmann::json;

class SendTxTest : public RegistryApiTest {
 protected:
  SendTxTest() {
    rpc::register_chain_methods(sending, *chain, *mempool, [this](std::span<const Tx> txs) {
      told.emplace_back(txs.begin(), txs.end());
    });
  }
  json send(const std::string& method, const json& params) {
    json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return json::parse(sending.handle(req.dump()));
  }
  Tx transfer(uint8_t from, uint64_t nonce) const {
    return make_transfer(chain->chain_id(), test_key(from), nonce, test_key(5).pubkey(),
                         Amount::coins(1));
  }
  static std::string hex(const Tx& tx) { return to_hex(tx.to_bytes()); }

  rpc::Dispatcher sending;
  std::vector<std::vector<Tx>> told;  // each on_txs_added call's txs
};

TEST_F(SendTxTest, OneCallAdmitsASendersNoncesInOrderAndTellsTheNodeOnce) {
  const std::vector<Tx> txs{transfer(1, 0), transfer(1, 1), transfer(1, 2), transfer(2, 0)};
  json params{{"txs_hex", json::array()}};
  for (const Tx& tx : txs) params["txs_hex"].push_back(hex(tx));
  const json r = send("send_raw_transactions", params);
  ASSERT_TRUE(r.contains("result")) << r.dump();
  const json& results = r["result"]["results"];
  ASSERT_EQ(results.size(), txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    EXPECT_EQ(results[i]["txid"], to_hex(txs[i].id())) << i;
    EXPECT_EQ(results[i]["status"], "pending");
    EXPECT_TRUE(mempool->contains(txs[i].id()));
  }
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0], txs);
}

TEST_F(SendTxTest, EachBadTxGetsItsOwnErrorAndTheOthersAreStillAdmitted) {
  Tx forged = transfer(2, 0);
  forged.signature.data[3] ^= 1;
  const json r = send("send_raw_transactions",
                      {{"txs_hex", {hex(transfer(1, 0)), "zz", hex(forged), hex(transfer(1, 5)),
                                    hex(transfer(1, 1)), hex(transfer(1, 0))}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  const json& res = r["result"]["results"];
  ASSERT_EQ(res.size(), 6u);
  EXPECT_EQ(res[0]["status"], "pending");
  const char* reasons[] = {"bad_hex", "bad_signature", "nonce_too_high"};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(res[i + 1].contains("error")) << res[i + 1].dump();
    EXPECT_EQ(res[i + 1]["error"]["code"], rpc::kRejected);
    EXPECT_EQ(res[i + 1]["error"]["data"]["reason"], reasons[i]);
    EXPECT_FALSE(res[i + 1]["error"]["message"].get<std::string>().empty());
  }
  EXPECT_EQ(res[4]["status"], "pending");  // nonce 1 follows nonce 0 of the same call
  EXPECT_EQ(res[5]["error"]["data"]["reason"], "duplicate");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0], (std::vector<Tx>{transfer(1, 0), transfer(1, 1)}));
  EXPECT_EQ(mempool->size(), 2u);
}

TEST_F(SendTxTest, BadParamsFailTheWholeCallAndAdmitNothing) {
  expect_invalid("send_raw_transactions", json::object(), "txs_hex");
  expect_invalid("send_raw_transactions", {{"txs_hex", json::array()}}, "1 to 1000");
  expect_invalid("send_raw_transactions", {{"txs_hex", "00"}}, "txs_hex");
  expect_invalid("send_raw_transactions", {{"txs_hex", {1, 2}}}, "txs_hex");
  expect_invalid("send_raw_transactions", {{"txs_hex", {hex(transfer(1, 0))}}, {"x", 1}}, "'x'");
  json many{{"txs_hex", json::array()}};
  for (int i = 0; i < 1001; ++i) many["txs_hex"].push_back(hex(transfer(1, 0)));
  expect_invalid("send_raw_transactions", many, "1 to 1000");
  EXPECT_EQ(mempool->size(), 0u);
  EXPECT_TRUE(told.empty());
}

TEST_F(SendTxTest, TheOneTxCallAnswersAsBeforeAndTellsTheNodeOfItsTx) {
  const Tx tx = transfer(3, 0);
  const json ok = send("send_raw_transaction", {{"tx_hex", hex(tx)}});
  ASSERT_TRUE(ok.contains("result")) << ok.dump();
  EXPECT_EQ(ok["result"]["txid"], to_hex(tx.id()));
  const json dup = send("send_raw_transaction", {{"tx_hex", hex(tx)}});
  EXPECT_EQ(dup["error"]["data"]["reason"], "duplicate");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0], std::vector<Tx>{tx});
}

}  // namespace
}  // namespace swarmchain::test

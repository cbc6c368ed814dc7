// The wallet waits for finality (issue 12): transfer and sn register/stake/unlock return once
// the tx is in a block (BFT: final), with its height and how long it took, so what they did is
// visible at once; --no-wait returns after the node accepted it; a refusal prints the chain's
// reason and exits 1. Against a real `swarmchaind --dev`.
#include <gtest/gtest.h>

#include <regex>

#include "common/amount.h"
#include "tests/wallet/wallet_itest_fixture.h"

namespace swarmchain::test {
namespace {

TEST_F(WalletDevNodeTest, TransferReturnsOnceCommittedSoTheReceiverSeesItAtOnce) {
  const std::string alice = create_alice();
  auto sent = dev({"transfer", alice, "12.5"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out;
  auto j = last_json(sent.out);
  ASSERT_TRUE(j) << sent.out;
  EXPECT_EQ((*j)["status"], "committed");
  ASSERT_TRUE((*j)["height"].is_number_unsigned()) << sent.out;
  EXPECT_GE((*j)["elapsed_ms"].get<int64_t>(), 0);
  // No polling here: the wallet's answer means it is in a block.
  const json acct = account(alice);
  EXPECT_EQ(acct["balance"], 12'500'000'000ULL);
  EXPECT_GE(acct["height"].get<uint64_t>(), (*j)["height"].get<uint64_t>());
  auto tx = rpc().call("get_transaction", {{"txid", (*j)["txid"]}});
  ASSERT_TRUE(tx);
  EXPECT_EQ((*tx)["status"], "confirmed");
  EXPECT_EQ((*tx)["height"], (*j)["height"]);
}

TEST_F(WalletDevNodeTest, TransferTextSaysTheHeightAndHowLongItTook) {
  const std::string alice = create_alice();
  auto sent = dev({"transfer", alice, "1"}, /*json_out=*/false);
  ASSERT_EQ(sent.exit_code, 0) << sent.out;
  EXPECT_NE(sent.out.find("transfer 1 to " + alice), std::string::npos) << sent.out;
  EXPECT_TRUE(std::regex_search(sent.out, std::regex("txid: [0-9a-f]{64}"))) << sent.out;
  EXPECT_TRUE(std::regex_search(sent.out, std::regex("committed at height \\d+ in \\d+\\.\\d+ s")))
      << sent.out;
  EXPECT_EQ(sent.out.find("sent "), std::string::npos) << "no 'sent' while only pending";
}

TEST_F(WalletDevNodeTest, NoWaitReturnsAcceptedAndPending) {
  const std::string alice = create_alice();
  auto text = dev({"transfer", alice, "2", "--no-wait"}, /*json_out=*/false);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("accepted, pending"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("committed at height"), std::string::npos) << text.out;
  auto j = dev({"transfer", alice, "3", "--no-wait"});
  ASSERT_EQ(j.exit_code, 0) << j.out;
  auto parsed = last_json(j.out);
  ASSERT_TRUE(parsed) << j.out;
  EXPECT_EQ((*parsed)["status"], "pending");
  EXPECT_FALSE(parsed->contains("height"));
}

TEST_F(WalletDevNodeTest, ATxTheNodeRefusesPrintsTheChainsReasonAndExitsOne) {
  const std::string alice = create_alice();
  // Below the mempool's fee floor: only the node knows its floor, so the wallet sends it.
  auto refused = dev({"transfer", alice, "1", "--fee", "0.000000001"}, /*json_out=*/false);
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("node refused the transaction"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("fee_too_low"), std::string::npos) << refused.out;
  EXPECT_EQ(account(alice)["balance"], 0);
}

TEST_F(WalletDevNodeTest, SnRegisterThenSnStatusWorksAndHistoryNamesTheNode) {
  const std::filesystem::path sn_dir = dir_ / "sn1";
  RunResult k = run({bin_path("swarmchaind"), "keygen", "--datadir", sn_dir.string()});
  ASSERT_EQ(k.exit_code, 0) << k.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(k.out, m, std::regex("public key: ([0-9a-f]{64})"))) << k.out;
  const std::string pubkey = m[1];
  auto addr = dev({"address"});
  auto dev_addr = last_json(addr.out);
  ASSERT_TRUE(dev_addr) << addr.out;
  RunResult p = run({bin_path("swarmchaind"), "prepare-registration", "--datadir", sn_dir.string(),
                     "--node", url_, "--operator", (*dev_addr)["address"].get<std::string>(),
                     "--operator-stake", "50"});
  ASSERT_EQ(p.exit_code, 0) << p.out;
  std::smatch r;
  ASSERT_TRUE(std::regex_search(p.out, r, std::regex("swreg1[0-9a-f]+"))) << p.out;

  auto reg = dev({"sn", "register", r[0]}, /*json_out=*/false);
  ASSERT_EQ(reg.exit_code, 0) << reg.out;
  EXPECT_NE(reg.out.find("committed at height"), std::string::npos) << reg.out;
  // Straight after: the node is in the registry.
  auto status = dev({"sn", "status", pubkey});
  ASSERT_EQ(status.exit_code, 0) << status.out;
  auto st = last_json(status.out);
  ASSERT_TRUE(st) << status.out;
  EXPECT_EQ((*st)["state"], "awaiting");

  auto stake = dev({"sn", "stake", pubkey, "10"});
  ASSERT_EQ(stake.exit_code, 0) << stake.out;
  EXPECT_EQ((*last_json(stake.out))["status"], "committed");
  auto unlock = dev({"sn", "unlock", pubkey}, /*json_out=*/false);
  ASSERT_EQ(unlock.exit_code, 0) << unlock.out;
  EXPECT_NE(unlock.out.find("committed at height"), std::string::npos) << unlock.out;

  auto hist = dev({"history", "--limit", "1000"}, /*json_out=*/false);
  ASSERT_EQ(hist.exit_code, 0) << hist.out;
  for (const std::string& type : {std::string("register_node  out 50  to service node "),
                                  std::string("stake  out 10  to service node "),
                                  std::string("request_unlock  service node ")})
    EXPECT_NE(hist.out.find(type + pubkey), std::string::npos) << type << " in:\n" << hist.out;
  EXPECT_EQ(hist.out.find("to ?"), std::string::npos) << hist.out;
  // The dev wallet operates the dev node: its rewards are in the history too.
  EXPECT_TRUE(std::regex_search(hist.out, std::regex("reward( x\\d+)?  in [0-9.]+  from service node [0-9a-f]{64}")))
      << hist.out;
}

TEST_F(WalletDevNodeTest, HistoryJsonPagesWithACursorAndKeepsTheTransactionsList) {
  const std::string alice = create_alice();
  ASSERT_EQ(dev({"transfer", alice, "1"}).exit_code, 0);
  auto page = dev({"history", "--limit", "2"});
  ASSERT_EQ(page.exit_code, 0) << page.out;
  auto j = last_json(page.out);
  ASSERT_TRUE(j) << page.out;
  EXPECT_EQ((*j)["history"].size(), 2u);
  ASSERT_TRUE((*j)["next_before"].is_string()) << page.out;
  auto older = dev({"history", "--limit", "2", "--before", (*j)["next_before"]});
  ASSERT_EQ(older.exit_code, 0) << older.out;
  auto o = last_json(older.out);
  ASSERT_TRUE(o);
  ASSERT_FALSE((*o)["history"].empty());
  EXPECT_LE((*o)["history"][0]["height"].get<uint64_t>(),
            (*j)["history"][1]["height"].get<uint64_t>())
      << "older entries follow";
  EXPECT_NE((*o)["history"][0], (*j)["history"][1]);
  auto alice_hist = wallet(alice_keystore(), alice_pw(), {"history"});
  auto a = last_json(alice_hist.out);
  ASSERT_TRUE(a) << alice_hist.out;
  ASSERT_EQ((*a)["transactions"].size(), 1u);
  EXPECT_EQ((*a)["transactions"][0]["direction"], "in");
}

}  // namespace
}  // namespace swarmchain::test

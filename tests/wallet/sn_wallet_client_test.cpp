// WalletClient's service-node methods (sn register | stake | unlock) against a fake node that
// serves canned JSON-RPC answers on 127.0.0.1 (no chain, no registry: only the shapes the real
// node sends): what is sent, and what is refused before anything is sent.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/tx.h"
#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "registry/service_node.h"
#include "rpc/http_server.h"
#include "rpc/json_rpc.h"
#include "tests/wallet/sn_wallet_test_util.h"
#include "wallet/sn_commands.h"
#include "wallet/wallet.h"

namespace swarmchain {
namespace {

using nlohmann::json;
using test::coins;
using test::signed_registration;
using test::status_with_limits;

// --- WalletClient against a fake node ---------------------------------------------------------

// Serves get_info, get_fee_estimate, get_account, get_service_node_status and
// send_raw_transaction from fields a test sets before the calls. Handlers run on server threads.
class FakeNode {
 public:
  FakeNode() {
    d_.add("get_info", [this](const json&) -> rpc::RpcResult {
      std::lock_guard lock(mu_);
      return json{{"chain_id", to_hex(chain_id)}, {"height", height}};
    });
    d_.add("get_fee_estimate", [this](const json&) -> rpc::RpcResult {
      std::lock_guard lock(mu_);
      return json{{"fee", fee.atomic()}};
    });
    d_.add("get_account", [this](const json& p) -> rpc::RpcResult {
      std::lock_guard lock(mu_);
      return json{{"address", p.at("address")},
                  {"balance", balance.atomic()},
                  {"nonce", 3},
                  {"pending_nonce", pending_nonce},
                  {"height", height},
                  {"locked_stakes", json::array()}};
    });
    d_.add("get_service_node_status", [this](const json& p) -> rpc::RpcResult {
      std::lock_guard lock(mu_);
      status_params.push_back(p);
      if (status.is_null()) return unexpected(rpc::RpcError::rejected("unknown service node"));
      return status;
    });
    d_.add("send_raw_transaction", [this](const json& p) -> rpc::RpcResult {
      std::lock_guard lock(mu_);
      auto tx = Tx::from_bytes(*from_hex(p.at("tx_hex").get<std::string>()));
      if (!tx) return unexpected(rpc::RpcError::rejected("undecodable"));
      if (reject_with) return unexpected(*reject_with);
      sent.push_back(*tx);
      return json{{"txid", to_hex(tx->id())}};
    });
    rpc::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    server_ = std::make_unique<rpc::HttpServer>(o, d_);
    Status s = server_->start();
    EXPECT_TRUE(s) << s.message();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Tx> sent_txs() {
    std::lock_guard lock(mu_);
    return sent;
  }

  // Set before the calls (the wallet's calls are synchronous, so reading them after is safe).
  std::mutex mu_;
  Hash chain_id = random_fixed<Hash>();
  uint64_t height = 50;
  Amount fee = Amount(1000);
  Amount balance = coins(20000);
  uint64_t pending_nonce = 5;
  json status;  // null: "unknown service node"
  std::optional<rpc::RpcError> reject_with;
  std::vector<json> status_params;
  std::vector<Tx> sent;

 private:
  rpc::Dispatcher d_;
  std::unique_ptr<rpc::HttpServer> server_;
};

class WalletSnClient : public ::testing::Test {
 protected:
  json awaiting_status(Amount min, Amount max) const {
    json st = status_with_limits(min, max);
    st["requested_unlock_height"] = 0;
    st["contributors"] = json::array({{{"address", address_from_pubkey(op.pubkey())},
                                       {"amount", coins(3750).atomic()},
                                       {"reserved", coins(3750).atomic()}}});
    return st;
  }
  FakeNode node;
  WalletClient wallet{node.url()};
  KeyPair op = KeyPair::generate();
  KeyPair staker = KeyPair::generate();
  PubKey sn = KeyPair::generate().pubkey();
};

TEST_F(WalletSnClient, StakeByPercentSendsTheShareWithTheNextNonce) {
  node.status = awaiting_status(coins(1250), coins(11250));
  auto sent = wallet.stake(staker, sn, *parse_stake_amount("25%"));
  ASSERT_TRUE(sent) << sent.error().message();
  EXPECT_EQ(sent->amount, coins(3750));
  EXPECT_EQ(sent->fee, Amount(1000));
  auto txs = node.sent_txs();
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].id(), sent->txid);
  EXPECT_EQ(txs[0].nonce, 5u);
  EXPECT_EQ(txs[0].chain_id, node.chain_id);
  EXPECT_TRUE(txs[0].signature_valid());
  EXPECT_EQ(std::get<StakePayload>(txs[0].payload), (StakePayload{sn, coins(3750)}));
  ASSERT_EQ(node.status_params.size(), 1u);
  EXPECT_EQ(node.status_params[0],
            (json{{"pubkey", to_hex(sn)}, {"contributor", address_from_pubkey(staker.pubkey())}}));
}

TEST_F(WalletSnClient, StakeBelowTheMinimumIsRefusedBeforeSending) {
  node.status = awaiting_status(coins(1250), coins(11250));
  auto sent = wallet.stake(staker, sn, *parse_stake_amount("3"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message(), "stake 3 is below the minimum 1250 for this node");
  EXPECT_TRUE(node.sent_txs().empty());
}

TEST_F(WalletSnClient, StakeBeyondTheBalanceIsRefusedBeforeSending) {
  node.status = awaiting_status(coins(1250), coins(11250));
  node.balance = coins(2000);
  auto sent = wallet.stake(staker, sn, *parse_stake_amount("2000"), Amount(1));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message(),
            "insufficient funds: balance 2000, need 2000.000000001 (2000 + fee 0.000000001)");
  EXPECT_TRUE(node.sent_txs().empty());
}

TEST_F(WalletSnClient, UnknownNodeErrorIsShownAsTheNodeSaidIt) {
  auto sent = wallet.stake(staker, sn, *parse_stake_amount("10"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message(), "unknown service node");
}

TEST_F(WalletSnClient, NodeRejectionIsOneLineWithItsReason) {
  node.status = awaiting_status(coins(1250), coins(11250));
  node.reject_with = rpc::RpcError::rejected("stake below the minimum contribution",
                                             {{"reason", "below_min_contribution"}});
  auto sent = wallet.stake(staker, sn, *parse_stake_amount("1250"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message(),
            "node refused the transaction: stake below the minimum contribution "
            "(below_min_contribution)");
}

TEST_F(WalletSnClient, RegisterSendsTheReservedOperatorStake) {
  KeyPair sn_key = KeyPair::generate();
  const Registration reg =
      signed_registration(sn_key, op.pubkey(), 500, Height(node.height + 10), node.chain_id);
  auto sent = wallet.register_node(op, reg, std::nullopt);
  ASSERT_TRUE(sent) << sent.error().message();
  auto txs = node.sent_txs();
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(std::get<RegisterNodePayload>(txs[0].payload), (RegisterNodePayload{reg, coins(3750)}));
  EXPECT_TRUE(txs[0].signature_valid());

  // Someone else's wallet cannot send it; an expired one is refused too. Nothing more is sent.
  EXPECT_FALSE(wallet.register_node(staker, reg, std::nullopt));
  node.height = reg.expiry_height.value;
  auto expired = wallet.register_node(op, reg, std::nullopt);
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message().find("expired"), std::string::npos);
  EXPECT_EQ(node.sent_txs().size(), 1u);
}

TEST_F(WalletSnClient, UnlockSendsRequestUnlockForAContributor) {
  node.status = awaiting_status(coins(1250), coins(11250));
  auto sent = wallet.request_unlock(op, sn);
  ASSERT_TRUE(sent) << sent.error().message();
  auto txs = node.sent_txs();
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(std::get<RequestUnlockPayload>(txs[0].payload).sn_pubkey, sn);

  auto refused = wallet.request_unlock(staker, sn);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("is not a contributor"), std::string::npos);
  EXPECT_EQ(node.sent_txs().size(), 1u);
}

TEST_F(WalletSnClient, TransferToAnAddressThatIsNotAPublicKeyIsRefusedBeforeSending) {
  PubKey not_a_point;  // y = 2: no x satisfies the curve equation
  not_a_point.data[0] = 2;
  const std::string bad = address_from_pubkey(not_a_point);  // a right checksum
  auto refused = wallet.transfer(staker, bad, coins(1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message().rfind(
                "address " + bad + " is not a valid public key (not a point on the curve)", 0),
            0u)
      << refused.error().message();
  EXPECT_TRUE(node.sent_txs().empty());
  ASSERT_TRUE(wallet.transfer(staker, address_from_pubkey(op.pubkey()), coins(1)));
  EXPECT_EQ(node.sent_txs().size(), 1u);
}

TEST(WalletSnClientUnreachable, ErrorNamesTheUrl) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  WalletClient wallet("http://127.0.0.1:1");
  auto sent =
      wallet.stake(KeyPair::generate(), KeyPair::generate().pubkey(), *parse_stake_amount("10"));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message().find("http://127.0.0.1:1"), std::string::npos)
      << sent.error().message();
}

}  // namespace
}  // namespace swarmchain

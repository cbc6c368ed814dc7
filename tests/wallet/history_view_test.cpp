// How `history` shows entries (wallet/history_view.h): every tx type with its amount and
// service node, events with their cause, and a run of one node's rewards as one line.
#include "wallet/history_view.h"

#include <gtest/gtest.h>

namespace swarmchain {
namespace {

using nlohmann::json;

const std::string kSn(64, 'c');

json tx(const std::string& type, const std::string& dir, uint64_t height, json fields) {
  json j{{"kind", "tx"}, {"type", type}, {"direction", dir}, {"height", height},
         {"fee", 100'000}, {"txid", std::string(64, 'f')}, {"from", "sw1from"}};
  j.update(fields);
  return json::parse(j.dump());  // numbers as a node's answer parses them (unsigned)
}
json event(const std::string& kind, uint64_t height, uint64_t amount, const std::string& sn,
           const std::string& cause = "") {
  json j{{"kind", kind}, {"height", height}, {"amount", amount}, {"sn_pubkey", sn}};
  if (!cause.empty()) j["cause"] = cause;
  return json::parse(j.dump());
}

TEST(HistoryView, AStakeNamesItsAmountAndServiceNode) {
  const auto lines = history_lines(json::array(
      {tx("stake", "out", 9, {{"amount", 25'000'000'000}, {"sn_pubkey", kSn}}),
       tx("register_node", "out", 8, {{"amount", 100'000'000'000}, {"sn_pubkey", kSn}}),
       tx("request_unlock", "out", 7, {{"amount", 0}, {"sn_pubkey", kSn}})}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "height 9  stake  out 25  to service node " + kSn + "  fee 0.0001  txid " +
                          std::string(64, 'f'));
  EXPECT_EQ(lines[1].find("height 8  register_node  out 100  to service node " + kSn), 0u);
  EXPECT_EQ(lines[2].find("height 7  request_unlock  service node " + kSn + "  fee 0.0001"), 0u);
  for (const auto& l : lines) EXPECT_EQ(l.find('?'), std::string::npos) << l;
}

TEST(HistoryView, TransfersShowTheirDirectionAndCounterparty) {
  const auto lines = history_lines(json::array(
      {tx("transfer", "in", 5, {{"amount", 12'500'000'000}, {"to", "sw1me"}}),
       tx("transfer", "out", 4, {{"amount", 1'000'000'000}, {"to", "sw1you"}}),
       tx("transfer", "self", 3, {{"amount", 1}, {"to", "sw1me"}})}));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "height 5  transfer  in 12.5  from sw1from  txid " + std::string(64, 'f'));
  EXPECT_EQ(lines[1].find("height 4  transfer  out 1  to sw1you  fee 0.0001"), 0u);
  EXPECT_EQ(lines[2].find("height 3  transfer  self 0.000000001  to itself"), 0u);
}

TEST(HistoryView, ARunOfOneNodesRewardsIsOneLineAndReturnedStakesSayWhy) {
  const std::string other(64, 'd');
  const auto lines = history_lines(json::array(
      {event("reward", 12, 1'000'000'000, kSn), event("reward", 11, 1'000'000'000, kSn),
       event("reward", 10, 500'000'000, kSn), event("reward", 9, 1'000'000'000, other),
       event("stake_returned", 8, 100'000'000'000, kSn, "unlock"),
       event("stake_returned", 7, 50'000'000'000, other, "deregistration")}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "heights 10-12  reward x3  in 2.5  from service node " + kSn);
  EXPECT_EQ(lines[1], "height 9  reward  in 1  from service node " + other);
  EXPECT_EQ(lines[2], "height 8  stake returned (unlock)  in 100  from service node " + kSn);
  EXPECT_EQ(lines[3], "height 7  stake returned (deregistration)  in 50  from service node " + other);
}

TEST(HistoryView, NothingOrNotAListShowsNothing) {
  EXPECT_TRUE(history_lines(json::array()).empty());
  EXPECT_TRUE(history_lines(json::object()).empty());
}

TEST(PendingSummary, NamesOnlyTheDirectionsThatHoldSomething) {
  const auto coins = [](uint64_t atomic) { return Amount(atomic); };
  EXPECT_EQ(pending_summary(coins(0), 0, coins(0), 0), "") << "nothing pending: no line at all";
  EXPECT_EQ(pending_summary(coins(12'500'000'000), 1, coins(0), 0), "+12.5 incoming (1 tx)");
  EXPECT_EQ(pending_summary(coins(0), 0, coins(3'000'100'000), 2),
            "-3.0001 outgoing with fees (2 tx)")
      << "no '+0 incoming (0 tx)' beside it";
  EXPECT_EQ(pending_summary(coins(1'000'000'000), 1, coins(2'000'000'000), 1),
            "+1 incoming (1 tx), -2 outgoing with fees (1 tx)");
}

}  // namespace
}  // namespace swarmchain

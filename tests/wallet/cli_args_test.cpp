// What the wallet says about a command line it cannot use (wallet/cli_args.h): "did you mean"
// by edit distance (common/did_you_mean.h, tested in tests/common), amounts too large for the
// type, and the Session id rule.
#include "wallet/cli_args.h"

#include <gtest/gtest.h>

#include "wallet/sn_commands.h"

namespace swarmchain {
namespace {

const std::vector<std::string> kCommands{"create", "restore", "address", "balance", "transfer",
                                         "history", "sn", "stakes", "swarm"};

TEST(DidYouMean, AMistypedCommandNamesTheClosestOne) {
  EXPECT_EQ(unknown_command_message("blance", "", kCommands),
            "unknown command 'blance' (did you mean balance?)");
  EXPECT_EQ(unknown_command_message("trasnfer", "", kCommands),
            "unknown command 'trasnfer' (did you mean transfer?)");
  EXPECT_EQ(unknown_command_message("hist", "", kCommands),
            "unknown command 'hist' (did you mean history?)");
  EXPECT_EQ(unknown_command_message("stak", "sn", {"register", "stake", "unlock", "status"}),
            "unknown command 'sn stak' (did you mean sn stake?)");
}

TEST(DidYouMean, NothingCloseListsTheCommandsInstead) {
  EXPECT_EQ(closest_command("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(closest_command("x", kCommands), std::nullopt) << "short words need a close match";
  const std::string msg = unknown_command_message("frobnicate", "", kCommands);
  EXPECT_EQ(msg.rfind("unknown command 'frobnicate' (commands: create, restore, ", 0), 0u) << msg;
}

TEST(AmountArg, AnAmountTooLargeForTheTypeSaysSoAndGivesTheMaximum) {
  for (const char* big : {"18446744074", "99999999999999999999", "18446744073.709551616"}) {
    auto a = parse_amount_arg(big, "amount");
    ASSERT_FALSE(a) << big;
    EXPECT_EQ(a.error().message(), std::string("amount ") + big +
                                       " is too large: the maximum is 18446744073.709551615 coins");
  }
  auto max = parse_amount_arg("18446744073.709551615", "amount");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->atomic(), UINT64_MAX);
}

TEST(AmountArg, AMalformedAmountSaysHowToWriteOne) {
  for (const char* bad : {"", "abc", "-5", "1e3", "12.", ".5", "1.0000000001", "1,5"}) {
    auto a = parse_amount_arg(bad, "fee");
    ASSERT_FALSE(a) << bad;
    EXPECT_EQ(a.error().message(), std::string("invalid fee \"") + bad +
                                       "\": use a decimal number of coins with at most 9 "
                                       "decimals, e.g. 12.5");
  }
  EXPECT_EQ(parse_amount_arg("12.5", "amount")->atomic(), 12'500'000'000u);
}

TEST(AmountArg, AStakeTooLargeSaysSoToo) {
  auto spec = parse_stake_amount("20000000000");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().message(),
            "stake 20000000000 is too large: the maximum is 18446744073.709551615 coins");
}

TEST(SessionId, SixtySixDigitsWithThe05PrefixOrSixtyFourWithout) {
  const std::string hex64(64, 'a');
  EXPECT_EQ(*normalize_user_pubkey("05" + hex64), "05" + hex64);
  EXPECT_EQ(*normalize_user_pubkey("05" + std::string(64, 'A')), "05" + hex64);
  EXPECT_EQ(*normalize_user_pubkey(hex64), hex64);
}

TEST(SessionId, AnythingElseIsRefusedWithTheRule) {
  const std::string hex64(64, 'a');
  for (const std::string& bad : {"03" + hex64, "15" + hex64, std::string(65, 'a'),
                                 std::string(63, 'a'), std::string(67, 'a'), "05" + hex64 + "00",
                                 std::string(63, 'a') + "z", std::string(), "05" + std::string(64, 'g')}) {
    auto r = normalize_user_pubkey(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message().rfind(
                  "a Session id must be exactly 66 hex digits with the 05 prefix, or 64 without (got ",
                  0),
              0u)
        << r.error().message();
  }
  EXPECT_NE(normalize_user_pubkey("03" + hex64).error().message().find("prefix 03"),
            std::string::npos);
}

}  // namespace
}  // namespace swarmchain

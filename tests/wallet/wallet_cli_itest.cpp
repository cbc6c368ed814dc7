// The real swarmchain-wallet's answers to command lines it cannot use (issue 12): "did you
// mean", exit code 2 for usage errors and 1 for failures, amounts too large for the type, and
// the Session id rule. No node is needed: each is refused before anything is sent.
#include <gtest/gtest.h>

#include "common/address.h"
#include "common/crypto.h"
#include "tests/node/process.h"

namespace swarmchain::test {
namespace {

// A valid address (checksum and key), so that what is refused is what each test names.
const std::string kAddress = [] {
  crypto_init();
  Seed s;
  s.data.fill(7);
  return address_from_pubkey(KeyPair::from_seed(s).pubkey());
}();

RunResult wallet(std::vector<std::string> args) {
  // A node URL where nothing listens: a command that got as far as the network fails with 1.
  std::vector<std::string> argv{bin_path("swarmchain-wallet"), "--node",
                                "http://127.0.0.1:" + std::to_string(free_port()),
                                "--keystore", "/nonexistent/wallet.json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

TEST(WalletCli, AMistypedCommandSaysWhichOneWasMeantAndExitsTwo) {
  auto r = wallet({"blance"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown command 'blance' (did you mean balance?)"), std::string::npos)
      << r.out;
  auto sn = wallet({"sn", "stak", std::string(64, 'a'), "10"});
  EXPECT_EQ(sn.exit_code, 2) << sn.out;
  EXPECT_NE(sn.out.find("unknown command 'sn stak' (did you mean sn stake?)"), std::string::npos)
      << sn.out;
  // Global options before the command are skipped with their values.
  auto opts = wallet({"--json", "--password-file", "/tmp/x", "trasnfer", kAddress, "1"});
  EXPECT_EQ(opts.exit_code, 2) << opts.out;
  EXPECT_NE(opts.out.find("did you mean transfer?"), std::string::npos) << opts.out;
}

TEST(WalletCli, OtherUsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {"transfer"}, {"transfer", kAddress}, {"balance", "--frob"},
        {"history", "--limit", "0"}, {"transfer", kAddress, "1", "--timeout", "0"},
        {"transfer", kAddress, "one"}, {"sn", "status", "xyz"}, {"sn"}}) {
    auto r = wallet(args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    EXPECT_EQ(r.exit_code, 2) << line << "-> " << r.out;
    EXPECT_NE(r.out.find("error: "), std::string::npos) << line << "-> " << r.out;
  }
}

TEST(WalletCli, AFailureAfterTheCommandLineWasFineExitsOne) {
  auto r = wallet({"balance"});  // no keystore there
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto swarm = wallet({"swarm", "05" + std::string(64, 'a')});  // nothing listens at --node
  EXPECT_EQ(swarm.exit_code, 1) << swarm.out;
  EXPECT_NE(swarm.out.find("127.0.0.1"), std::string::npos) << swarm.out;
}

TEST(WalletCli, AnAmountTooLargeForTheTypeSaysSoAndGivesTheMaximum) {
  auto r = wallet({"transfer", kAddress, "99999999999"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("amount 99999999999 is too large: the maximum is 18446744073.709551615 coins"),
            std::string::npos)
      << r.out;
  auto fee = wallet({"transfer", kAddress, "1", "--fee", "18446744074"});
  EXPECT_EQ(fee.exit_code, 2) << fee.out;
  EXPECT_NE(fee.out.find("fee 18446744074 is too large"), std::string::npos) << fee.out;
}

TEST(WalletCli, ASessionIdMustBe66HexDigitsWith05Or64Without) {
  const std::string rule =
      "a Session id must be exactly 66 hex digits with the 05 prefix, or 64 without";
  for (const std::string& bad : {"03" + std::string(64, 'a'), std::string(65, 'a'),
                                 std::string(68, 'a'), "05" + std::string(63, 'a') + "x"}) {
    auto r = wallet({"swarm", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.out;
    EXPECT_NE(r.out.find(rule), std::string::npos) << bad << ": " << r.out;
  }
}

TEST(WalletCli, HelpDocumentsTheExitCodesAndWaiting) {
  auto r = wallet({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Exit codes: 0 done; 1 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 usage"), std::string::npos) << r.out;
  auto t = wallet({"transfer", "--help"});
  EXPECT_EQ(t.exit_code, 0) << t.out;
  EXPECT_NE(t.out.find("--no-wait"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("--timeout"), std::string::npos) << t.out;
}

}  // namespace
}  // namespace swarmchain::test

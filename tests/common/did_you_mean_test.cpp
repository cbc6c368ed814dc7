// common/did_you_mean.h: the closest command to a mistyped one.
#include "common/did_you_mean.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmchain {
namespace {

const std::vector<std::string> kCommands{"create", "restore", "address", "balance",  "transfer",
                                         "history", "sn",     "stakes",  "swarm",   "keygen"};

TEST(EditDistance, CountsTheFourTypingSlips) {
  EXPECT_EQ(edit_distance("balance", "balance"), 0u);
  EXPECT_EQ(edit_distance("blance", "balance"), 1u);   // a letter left out
  EXPECT_EQ(edit_distance("balannce", "balance"), 1u); // one too many
  EXPECT_EQ(edit_distance("balancf", "balance"), 1u);  // a wrong one
  EXPECT_EQ(edit_distance("blaance", "balance"), 1u);  // two swapped
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(DidYouMean, SuggestsTheClosestCommand) {
  EXPECT_EQ(did_you_mean("blance", kCommands), "balance");
  EXPECT_EQ(did_you_mean("kegen", kCommands), "keygen");
  EXPECT_EQ(did_you_mean("histroy", kCommands), "history");
}

TEST(DidYouMean, SuggestsNothingForAWordUnlikeEveryCommand) {
  EXPECT_EQ(did_you_mean("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(did_you_mean("x", kCommands), std::nullopt);
}

TEST(DidYouMean, TheMessageNamesTheWordAndTheSuggestion) {
  EXPECT_EQ(unknown_command_message("blance", kCommands),
            "unknown command 'blance' (did you mean balance?)");
  EXPECT_EQ(unknown_command_message("frobnicate", kCommands), "unknown command 'frobnicate'");
}

}  // namespace
}  // namespace swarmchain

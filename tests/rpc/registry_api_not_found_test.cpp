// A service node that is not in the registry is -32004 (kNotFound), never -32602, and the answer
// says why: its registration is pending (with the txid), it expired or was deregistered, or the
// key is unknown (issue 12, "Errors that say what to do").
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "rpc/registry_api.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::rpc {
namespace {

using nlohmann::json;
using test::RegistryApiTest;
using test::test_key;

TEST_F(RegistryApiTest, AnUnknownNodeIsNotFoundNamingTheKeyAndWhatToDo) {
  const std::string unknown = to_hex(test_key(222).pubkey());
  for (const char* method : {"get_service_node_status", "get_registry_proof"}) {
    const json data = expect_not_found(method, {{"pubkey", unknown}},
                                       "no service node with pubkey " + unknown);
    EXPECT_EQ(data["what"], "service_node") << method;
    EXPECT_EQ(data["status"], "unknown") << method;
    EXPECT_EQ(data["pubkey"], unknown) << method;
    EXPECT_EQ(data["height"], 0) << method;
  }
  expect_not_found("get_service_node_status", {{"pubkey", unknown}}, "sn register");
}

TEST_F(RegistryApiTest, ANodeWhoseRegistrationIsInTheMempoolIsNotFoundWithItsTxid) {
  const Tx reg = awaiting_registration_tx();
  chain->with_state([&](const ChainState& state, const ChainTip&) {
    auto added = mempool->add(reg, state);
    ASSERT_TRUE(added) << added.error().message();
  });
  const std::string pk = to_hex(test_key(150).pubkey());
  const std::string txid = to_hex(reg.id());
  for (const char* method : {"get_service_node_status", "get_registry_proof"}) {
    const json data = expect_not_found(method, {{"pubkey", pk}},
                                       "its registration " + txid + " is pending in the mempool");
    EXPECT_EQ(data["status"], "pending") << method;
    EXPECT_EQ(data["txid"], txid) << method;
  }
  // Once a block includes it, the same call answers.
  mempool->clear();
  commit({reg});
  EXPECT_EQ(result("get_service_node_status", {{"pubkey", pk}})["state"], "awaiting");
}

TEST_F(RegistryApiTest, ANodeWhoseRecordLeftTheRegistryIsNotFoundSayingWhenAndWhy) {
  const PubKey gone = test_key(223).pubkey();
  Dispatcher with_changes;
  register_registry_methods(
      with_changes, *chain, std::nullopt,
      [&](const PubKey& asked) -> std::optional<std::pair<Height, LivenessChange>> {
        if (asked != gone) return std::nullopt;
        return std::pair{Height(12), LivenessChange{gone, LivenessEvent::kExpired,
                                                    "unlock completed: stakes returned to 1 "
                                                    "contributor(s)"}};
      },
      mempool.get());
  const json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "get_service_node_status"},
                    {"params", {{"pubkey", to_hex(gone)}}}};
  const json r = json::parse(with_changes.handle(req.dump()));
  ASSERT_TRUE(r.contains("error")) << r.dump();
  EXPECT_EQ(r["error"]["code"], kNotFound);
  EXPECT_NE(r["error"]["message"].get<std::string>().find(
                "is no longer in the registry: expired at height 12 (unlock completed"),
            std::string::npos)
      << r.dump();
  EXPECT_EQ(r["error"]["data"]["status"], "expired");
  EXPECT_EQ(r["error"]["data"]["left_at_height"], 12);
}

TEST_F(RegistryApiTest, AMalformedPubkeyIsStillInvalidParamsNotNotFound) {
  expect_invalid("get_service_node_status", {{"pubkey", "abc"}}, "'pubkey' must be 64 hex digits");
  expect_invalid("get_registry_proof", {{"pubkey", "abc"}}, "'pubkey' must be 64 hex digits");
}

}  // namespace
}  // namespace swarmchain::rpc

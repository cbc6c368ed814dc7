// Fuzz target: a JSON-RPC request body through the node's Dispatcher (rpc/json_rpc.h) with
// every chain and registry method registered over a real Blockchain (RocksDB in a temp dir,
// three committed blocks), as node/node.cpp builds it. The HTTP layer is not fuzzed here.
// Properties: the answer is one JSON-RPC 2.0 response object with a result or an error, never
// -32603 (a handler that threw something other than a params type error: a bug), and it
// echoes a valid id.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include <nlohmann/json.hpp>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "rpc/chain_api.h"
#include "rpc/json_rpc.h"
#include "rpc/registry_api.h"
#include "tests/fuzz/fuzz_support.h"

using namespace swarmchain;
using nlohmann::json;

namespace {

struct World {
  std::filesystem::path dir;
  std::unique_ptr<Blockchain> chain;
  std::unique_ptr<Mempool> mempool;
  rpc::Dispatcher dispatcher;
};

World* world = nullptr;

void remove_dir() {
  std::error_code ec;
  if (world) std::filesystem::remove_all(world->dir, ec);
}

// Commits the next block with `txs`, certified by the fuzz genesis's whole committee.
void commit(Blockchain& chain, const std::vector<Tx>& txs) {
  const std::vector<PubKey> committee = chain.committee(chain.tip().header.height.next());
  Block b;
  chain.with_state([&](const ChainState& state, const ChainTip& tip) {
    b = chain.executor()
            .build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500, committee.front())
            .block;
  });
  const Hash digest = vote_digest(chain.chain_id(), VoteType::kPrecommit, b.header.height, 0, b.hash());
  CommitCertificate cert{b.header.height, 0, b.hash(), {}};
  for (std::size_t i = 0; i < committee.size(); ++i)
    for (uint8_t k = 100; k <= 103; ++k)
      if (fuzz::key(k).pubkey() == committee[i])
        cert.sigs.push_back({static_cast<uint16_t>(i), fuzz::key(k).sign(digest)});
  if (Status s = chain.commit(b, cert); !s) fuzz::setup_failed("commit: " + s.message());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // SWARMCHAIN_FUZZ_LOG=1 shows the node's log (to see what an input does when reproducing it).
  spdlog::set_level(std::getenv("SWARMCHAIN_FUZZ_LOG") ? spdlog::level::debug : spdlog::level::off);
  world = new World;  // reachable until exit; remove_dir cleans the store up
  world->dir = std::filesystem::temp_directory_path() /
               ("swarmchain-fuzz-rpc-" + std::to_string(std::random_device{}()));
  std::atexit(remove_dir);
  auto chain = Blockchain::open(world->dir, fuzz::genesis());
  if (!chain) fuzz::setup_failed("chain: " + chain.error().message());
  world->chain = std::move(*chain);
  const Hash id = world->chain->chain_id();
  for (uint64_t n = 0; n < 3; ++n)
    commit(*world->chain, {fuzz::transfer(id, fuzz::key(1), n, fuzz::key(2).pubkey(), Amount::coins(1))});
  world->mempool = std::make_unique<Mempool>(id, MempoolLimits{},
                                             world->chain->executor().registry_params());
  rpc::register_chain_methods(world->dispatcher, *world->chain, *world->mempool);
  rpc::register_registry_methods(world->dispatcher, *world->chain, fuzz::key(100).pubkey());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string body(fuzz::text(data, size));
  const std::string answer = world->dispatcher.handle(body);
  const json response = json::parse(answer, nullptr, /*allow_exceptions=*/false);
  fuzz::check(response.is_object(), "the answer is not a JSON object");
  fuzz::check(response.value("jsonrpc", "") == "2.0", "the answer lacks \"jsonrpc\":\"2.0\"");
  fuzz::check(response.contains("result") != response.contains("error"),
              "the answer has not exactly one of result and error");
  if (response.contains("error")) {
    const json& e = response["error"];
    fuzz::check(e.is_object() && e.contains("code") && e["code"].is_number_integer() &&
                    e.contains("message") && e["message"].is_string(),
                "the error is not {code, message}");
    fuzz::check(e["code"] != rpc::kInternalError, "a request ended in -32603 internal error");
  }
  const json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_object() && request.contains("id") &&
      (request["id"].is_string() || request["id"].is_number()) && response.contains("result"))
    fuzz::check(response["id"] == request["id"], "the answer does not echo the request's id");
  return 0;
}

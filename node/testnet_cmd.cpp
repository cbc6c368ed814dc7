#include "node/testnet_cmd.h"

#include "chain/params.h"
#include "common/address.h"
#include "common/file_util.h"
#include "common/hex.h"
#include "common/private_file.h"
#include "node/dev_setup.h"
#include "node/node_key.h"
#include "wallet/keystore.h"

namespace swarmchain {

namespace fs = std::filesystem;

std::vector<std::string> testnet_node_args(const TestnetOptions& o, std::size_t i) {
  auto port = [](uint16_t base, std::size_t k) { return std::to_string(base + k); };
  std::vector<std::string> a = {
      "--datadir",          (o.dir / ("node" + std::to_string(i))).string(),
      "--rpc-bind",         o.ip + ":" + port(o.rpc_base_port, i),
      "--p2p-bind",         o.ip + ":" + port(o.p2p_base_port, i),
      "--public-ip",        o.ip,
      "--storage-port",     port(o.storage_base_port, i),
      "--storage-lmq-port", port(o.storage_base_port, 100 + i),
  };
  for (std::size_t j = 0; j < o.nodes; ++j) {
    if (j == i) continue;
    a.push_back("--peer");
    a.push_back(o.ip + ":" + port(o.p2p_base_port, j));
  }
  return a;
}

Expected<Testnet> create_testnet(const TestnetOptions& o, uint64_t now_ms) {
  if (o.nodes < 1 || o.nodes > 100) return fail("--nodes must be between 1 and 100");
  if (std::size_t(o.rpc_base_port) + o.nodes > 65536 ||
      std::size_t(o.p2p_base_port) + o.nodes > 65536 ||
      std::size_t(o.storage_base_port) + 100 + o.nodes > 65536)
    return fail("the base ports leave no room for " + std::to_string(o.nodes) + " nodes");
  Testnet out;
  out.genesis_path = o.dir / "genesis.json";
  out.wallet_path = o.dir / "dev-wallet.json";
  std::error_code ec;
  if (fs::exists(out.genesis_path, ec))
    return fail(out.genesis_path.string() +
                " already exists: a testnet is never overwritten; remove " + o.dir.string() +
                " or choose another --dir");
  if (Status s = create_private_dir(o.dir, "testnet directory"); !s) return unexpected(std::move(s));

  KeyPair wallet = KeyPair::generate();
  if (Status s = Keystore::create(out.wallet_path, wallet.seed(), kDevPassword,
                                  KdfStrength::kInteractive);
      !s)
    return unexpected(std::move(s));
  out.wallet_address = address_from_pubkey(wallet.pubkey());

  Genesis g;
  g.network = "testnet";
  g.genesis_time_ms = now_ms;
  g.params = ChainParams::dev();
  g.params.committee_size = static_cast<uint32_t>(std::max<std::size_t>(o.nodes, 4));
  for (std::size_t i = 0; i < o.nodes; ++i) {
    const fs::path datadir = o.dir / ("node" + std::to_string(i));
    if (Status s = create_private_dir(datadir, "datadir"); !s) return unexpected(std::move(s));
    auto key = create_node_key(datadir / "node_key");
    if (!key) return unexpected(key.error());
    g.service_nodes.push_back({key->pubkey(), wallet.pubkey(), g.params.staking_requirement});
    // The public key in plain text too, for scripts (devnet.sh's nodes.json).
    if (Status s = write_file_atomic(datadir / "pubkey", to_hex(key->pubkey()) + "\n", 0644, false);
        !s)
      return unexpected(std::move(s));
    out.nodes.push_back(TestnetNode{datadir, to_hex(key->pubkey()), testnet_node_args(o, i)});
  }
  // The genesis stakes are locked from block 0 (they are not taken from an account); the dev
  // wallet, every node's operator, holds the spendable supply.
  g.accounts.push_back({wallet.pubkey(), Amount::coins(kDevWalletCoins)});
  if (Status s = g.validate(); !s) return unexpected(std::move(s));
  const std::string json = g.to_json();
  for (const auto& n : out.nodes)
    if (Status s = write_file_atomic(n.datadir / "genesis.json", json, 0644, false); !s)
      return unexpected(std::move(s));
  // Last: D/genesis.json marks the testnet complete.
  if (Status s = write_file_atomic(out.genesis_path, json, 0644, false); !s)
    return unexpected(std::move(s));
  return out;
}

}  // namespace swarmchain

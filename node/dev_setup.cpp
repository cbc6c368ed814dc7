#include "node/dev_setup.h"

#include "chain/params.h"
#include "common/address.h"
#include "common/file_util.h"
#include "node/node_key.h"
#include "wallet/keystore.h"

namespace swarmchain {

namespace fs = std::filesystem;

namespace {
Expected<PubKey> create_dev_keystore(const fs::path& path) {
  KeyPair kp = KeyPair::generate();
  Status s = Keystore::create(path, kp.seed(), kDevPassword, KdfStrength::kInteractive);
  if (!s) return unexpected(std::move(s));
  return kp.pubkey();
}
}  // namespace

Expected<DevSetup> ensure_dev_datadir(const fs::path& datadir, std::size_t dev_accounts,
                                      uint64_t now_ms) {
  DevSetup out;
  out.genesis_path = datadir / "genesis.json";
  out.wallet_path = datadir / "dev-wallet.json";
  out.password = kDevPassword;
  std::error_code ec;
  if (fs::exists(out.genesis_path, ec)) {
    auto addr = Keystore::read_address(out.wallet_path);
    if (!addr) return unexpected(addr.error());
    out.wallet_address = *addr;
    return out;
  }
  if (fs::exists(datadir / "chain", ec))
    return fail("dev datadir " + datadir.string() +
                " has a chain but no genesis.json; refusing to guess. Move it away to start a "
                "fresh devnet.");
  fs::create_directories(datadir, ec);
  if (ec) return fail("cannot create " + datadir.string() + ": " + ec.message());

  auto node_key = fs::exists(datadir / "node_key") ? load_node_key(datadir / "node_key")
                                                   : create_node_key(datadir / "node_key");
  if (!node_key) return unexpected(node_key.error());
  auto wallet = fs::exists(out.wallet_path) ? parse_address(*Keystore::read_address(out.wallet_path))
                                            : create_dev_keystore(out.wallet_path);
  if (!wallet) return unexpected(wallet.error());

  Genesis g;
  g.network = "dev";
  g.genesis_time_ms = now_ms;
  g.params = ChainParams::dev();
  g.accounts.push_back({*wallet, Amount::coins(kDevWalletCoins)});
  if (dev_accounts > 0) fs::create_directories(datadir / "dev-accounts", ec);
  for (std::size_t i = 1; i <= dev_accounts; ++i) {
    auto pk = create_dev_keystore(datadir / "dev-accounts" / ("account-" + std::to_string(i) + ".json"));
    if (!pk) return unexpected(pk.error());
    g.accounts.push_back({*pk, Amount::coins(kDevAccountCoins)});
  }
  g.service_nodes.push_back({node_key->pubkey(), *wallet, g.params.staking_requirement});
  if (Status s = g.validate(); !s) return unexpected(std::move(s));
  if (Status s = write_file_atomic(out.genesis_path, g.to_json(), 0644, false); !s)
    return unexpected(std::move(s));
  out.wallet_address = address_from_pubkey(*wallet);
  out.created = true;
  return out;
}

}  // namespace swarmchain

#include "node/dev_setup.h"

#include "chain/params.h"
#include "common/address.h"
#include "common/file_util.h"
#include "common/private_file.h"
#include "node/datadir_lock.h"
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

// A keystore left complete by an interrupted first start is reused; a missing one is created.
Expected<PubKey> reuse_or_create_keystore(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return create_dev_keystore(path);
  auto addr = Keystore::read_address(path);
  if (!addr) return unexpected(addr.error());
  return parse_address(*addr);
}

// write_file_atomic's temp files (".<name>.tmp-XXXXXX") that a kill left behind.
void remove_temp_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos)
      fs::remove(e.path(), ec);
  }
}
// The dev-account keystores an existing devnet has: account-1.json, account-2.json, ... up to
// the first one missing.
std::size_t count_dev_accounts(const fs::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  while (fs::exists(dir / dev_account_file(n + 1), ec)) ++n;
  return n;
}
}  // namespace

std::string dev_account_file(std::size_t i) { return "account-" + std::to_string(i) + ".json"; }

Expected<DevSetup> ensure_dev_datadir(const fs::path& datadir, std::size_t dev_accounts,
                                      uint64_t now_ms, const DevProgress& progress) {
  DevSetup out;
  out.genesis_path = datadir / "genesis.json";
  out.wallet_path = datadir / "dev-wallet.json";
  out.accounts_dir = datadir / "dev-accounts";
  out.password = kDevPassword;
  std::error_code ec;
  if (fs::exists(out.genesis_path, ec)) {
    auto addr = Keystore::read_address(out.wallet_path);
    if (!addr) return unexpected(addr.error());
    out.wallet_address = *addr;
    out.accounts = count_dev_accounts(out.accounts_dir);
    if (dev_accounts > 0)
      out.accounts_ignored =
          "--dev-accounts " + std::to_string(dev_accounts) + " is ignored: the devnet in " +
          datadir.string() + " already exists, with " + std::to_string(out.accounts) +
          " dev account(s), and its genesis is written once. For " +
          std::to_string(dev_accounts) + ", move " + datadir.string() +
          " away (or give another --datadir) and start again";
    return out;
  }
  if (fs::exists(datadir / "chain", ec))
    return fail("dev datadir " + datadir.string() +
                " has a chain but no genesis.json; refusing to guess. Move it away to start a "
                "fresh devnet.");
  if (Status s = create_private_dir(datadir, "dev datadir"); !s) return unexpected(std::move(s));
  // Anything here without genesis.json, besides the lock this process holds, is the work of an
  // interrupted first start.
  out.resumed = false;
  for (const auto& entry : fs::directory_iterator(datadir, ec))
    if (entry.path().filename() != kDatadirLockFile) out.resumed = true;
  if (out.resumed)
    out.note = "dev datadir " + datadir.string() +
               " was left half made by an interrupted first start (no genesis.json); completing "
               "it, reusing the keys already written";
  remove_temp_files(datadir);
  remove_temp_files(datadir / "dev-accounts");

  const fs::path key_path = datadir / "node_key";
  auto node_key = fs::exists(key_path, ec) ? load_node_key(key_path) : create_node_key(key_path);
  if (!node_key) return unexpected(node_key.error());
  auto wallet = reuse_or_create_keystore(out.wallet_path);
  if (!wallet) return unexpected(wallet.error());

  Genesis g;
  g.network = "dev";
  g.genesis_time_ms = now_ms;
  g.params = ChainParams::dev();
  g.accounts.push_back({*wallet, Amount::coins(kDevWalletCoins)});
  if (dev_accounts > 0) {
    if (Status s = create_dirs_0700(datadir / "dev-accounts"); !s) return unexpected(std::move(s));
  }
  for (std::size_t i = 1; i <= dev_accounts; ++i) {
    auto pk = reuse_or_create_keystore(out.accounts_dir / dev_account_file(i));
    if (!pk) return unexpected(pk.error());
    g.accounts.push_back({*pk, Amount::coins(kDevAccountCoins)});
    if (progress) progress(i, dev_accounts);
  }
  out.accounts = dev_accounts;
  g.service_nodes.push_back({node_key->pubkey(), *wallet, g.params.staking_requirement});
  if (Status s = g.validate(); !s) return unexpected(std::move(s));
  // Last: genesis.json marks the datadir complete.
  if (Status s = write_file_atomic(out.genesis_path, g.to_json(), 0644, false); !s)
    return unexpected(std::move(s));
  out.wallet_address = address_from_pubkey(*wallet);
  out.created = true;
  return out;
}

}  // namespace swarmchain

// `swarmchaind --dev`: a one-node devnet in a directory (default ./swarmchain-dev/).
//
// First start creates, in the datadir:
//   node_key          the node's key (the sole validator and an active service node)
//   dev-wallet.json   a keystore (password "dev", interactive KDF limits: it is a throwaway)
//                     holding the prefunded dev account, which is also the node's operator
//   dev-accounts/     with --dev-accounts N: N more funded keystores (password "dev")
//   genesis.json      dev preset params, the funded accounts and the node as the one SN
// Later starts reuse them, so the chain id stays the same and the chain resumes.
//
// The first start is made so that a kill at any instant leaves a datadir the next start
// completes, never one refused forever: every file appears whole (write_file_atomic), and
// genesis.json, written last, marks the datadir complete. Without it the datadir is half made:
// the files already there (each complete) are reused, the missing ones created, leftover temp
// files removed, and `note` says so. The chain store is created only after genesis.json, and
// atomically itself (chain/store.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "common/expected.h"

namespace swarmchain {

struct DevSetup {
  std::filesystem::path genesis_path;
  std::filesystem::path wallet_path;
  std::string wallet_address;
  std::string password;
  bool created = false;  // true on the first start (also one that completes a half-made datadir)
  bool resumed = false;  // the datadir was left half made by an interrupted first start
  std::string note;      // for the operator when resumed
  std::filesystem::path accounts_dir;  // <datadir>/dev-accounts: account-1.json .. account-N.json
  std::size_t accounts = 0;            // N: the dev-account keystores the devnet has
  // Set when --dev-accounts was given for a devnet that already exists: it is ignored (the
  // genesis, which funds them, is written once), and this says so and how to get them.
  std::string accounts_ignored;
};

// Called after each dev-account keystore is ready (done of total), for a progress line: each
// one runs a password KDF, so 1,000 of them take a while.
using DevProgress = std::function<void(std::size_t done, std::size_t total)>;

inline constexpr const char* kDevPassword = "dev";
inline constexpr uint64_t kDevWalletCoins = 1'000'000;
inline constexpr uint64_t kDevAccountCoins = 100'000;

Expected<DevSetup> ensure_dev_datadir(const std::filesystem::path& datadir,
                                      std::size_t dev_accounts, uint64_t now_ms,
                                      const DevProgress& progress = {});

// "account-<i>.json", the file name of dev account i (1-based) in DevSetup::accounts_dir.
std::string dev_account_file(std::size_t i);

}  // namespace swarmchain

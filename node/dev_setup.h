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

#include <filesystem>
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
};

inline constexpr const char* kDevPassword = "dev";
inline constexpr uint64_t kDevWalletCoins = 1'000'000;
inline constexpr uint64_t kDevAccountCoins = 100'000;

Expected<DevSetup> ensure_dev_datadir(const std::filesystem::path& datadir,
                                      std::size_t dev_accounts, uint64_t now_ms);

}  // namespace swarmchain

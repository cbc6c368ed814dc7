// `swarmchaind --dev`: a one-node devnet in a directory (default ./swarmchain-dev/).
//
// First start creates, in the datadir:
//   node_key          the node's key (the sole validator and an active service node)
//   dev-wallet.json   a keystore (password "dev", interactive KDF limits: it is a throwaway)
//                     holding the prefunded dev account, which is also the node's operator
//   dev-accounts/     with --dev-accounts N: N more funded keystores (password "dev")
//   genesis.json      dev preset params, the funded accounts and the node as the one SN
// Later starts reuse them, so the chain id stays the same and the chain resumes.
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
  bool created = false;  // true on the first start
};

inline constexpr const char* kDevPassword = "dev";
inline constexpr uint64_t kDevWalletCoins = 1'000'000;
inline constexpr uint64_t kDevAccountCoins = 100'000;

Expected<DevSetup> ensure_dev_datadir(const std::filesystem::path& datadir,
                                      std::size_t dev_accounts, uint64_t now_ms);

}  // namespace swarmchain

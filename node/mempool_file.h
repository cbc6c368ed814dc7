// The mempool saved at a clean shutdown and re-admitted at the next start (docs/operator.md
// "The mempool file").
//
// File grammar (`<datadir>/mempool.dat`, mode 0600, written atomically; common/codec.h rules):
//   mempool_file = version u8 (= 1) || chain_id[32] || count varint (<= kMaxSavedTxs) ||
//                  count * bytes<kMaxTxBytes> (each tx's canonical encoding) || checksum[32]
//   checksum     = H("swarmchain/mempool-file/v1" || every byte before it)
// The txs are in Mempool::pending() order, so that admitting them in file order works.
//
// Reload. The file is read and removed before anything is admitted: a crash later cannot
// re-admit the same (by then stale) txs a second time. Each tx goes through the normal
// admission (Mempool::add_batch against the current state), so what a block included since, or
// what no longer applies, is dropped and counted. A damaged, truncated or foreign file is moved
// aside to mempool.dat.bad with a warning; the node starts without it, never fails on it.
//
// Thread-safety: free functions; reload_mempool takes the chain's shared lock.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "chain/tx.h"
#include "common/bytes.h"
#include "common/expected.h"

namespace swarmchain {

inline constexpr const char* kMempoolFileName = "mempool.dat";
inline constexpr std::size_t kMaxSavedTxs = 1'000'000;

Bytes encode_mempool_file(const Hash& chain_id, std::span<const Tx> txs);
// Refuses a wrong checksum, version, chain id, count, a tx that does not decode, trailing bytes.
Expected<std::vector<Tx>> decode_mempool_file(ByteView bytes, const Hash& chain_id);

// Writes the file atomically (mode 0600), replacing an older one.
Status save_mempool_file(const std::filesystem::path& path, const Hash& chain_id,
                         std::span<const Tx> txs);

struct MempoolReload {
  bool found = false;         // there was a file
  std::size_t in_file = 0;    // txs it held
  std::vector<Tx> admitted;   // re-admitted, in file order
  std::map<std::string, std::size_t> dropped;  // refusal reason name -> count
  std::optional<std::string> warning;          // the file was damaged or could not be removed
};

// Reads, removes and re-admits the file at `path` (see above). No file: nothing happens.
MempoolReload reload_mempool(const std::filesystem::path& path, const Blockchain& chain,
                             Mempool& mempool);

}  // namespace swarmchain

// Internal to the chain store (chain/store.cpp, chain/store_indexes.cpp): the column families
// and the key and error helpers both files use. Not part of the store's interface.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include "chain/store.h"
#include "common/bytes.h"
#include "common/expected.h"

namespace swarmchain::store_internal {

enum Cf : std::size_t { kDefault, kMeta, kBlocks, kCerts, kBlockIndex, kTxs, kAccounts, kAccountTxs, kRegistry, kCommittees, kAccountEvents, kBlockStats, kSnEvents, kCfCount };
inline constexpr const char* kCfNames[kCfCount] = {"default", "meta", "blocks", "certs", "block_index", "txs", "accounts", "account_txs", "registry", "committees", "account_events", "block_stats", "sn_events"};
// The column families from kFirstLocalIndex on are the explorer's local indexes (store.h
// "Local indexes"): a store of this schema that lacks them gains them at open.
inline constexpr std::size_t kFirstLocalIndex = kBlockStats;
inline bool is_local_index(std::size_t cf) { return cf >= kFirstLocalIndex; }

inline std::string be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}
inline std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 3; i >= 0; --i, v >>= 8) s[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}
inline uint64_t read_be(std::string_view s, std::size_t off, std::size_t n) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(s[off + i]);
  return v;
}
inline rocksdb::Slice slice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
template <std::size_t N, typename T>
inline std::string key(const FixedBytes<N, T>& f) {
  return std::string(reinterpret_cast<const char*>(f.data.data()), N);
}
inline ByteView view(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

inline Status io_error(const rocksdb::Status& s, const std::string& what) {
  StoreError code = s.IsCorruption() ? StoreError::kCorrupt : StoreError::kIo;
  return Status::error(code, what + ": " + s.ToString());
}
// A read that failed: the store is damaged (Corruption) or the disk failed (IOError).
inline Status read_error(const rocksdb::Status& s, const std::string& what) {
  return io_error(s, "the node's chain store is damaged: " + what);
}
inline Status corrupt(const std::string& what) {
  return Status::error(StoreError::kCorrupt, "the node's chain store is damaged: " + what);
}

inline rocksdb::ReadOptions read_options() {
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  return ro;
}

}  // namespace swarmchain::store_internal

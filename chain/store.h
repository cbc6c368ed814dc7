// BlockStore: the chain on disk, in RocksDB (design §4.3).
//
// Column families (named here and nowhere else):
//   meta         "chain_id" -> 32 bytes; "genesis" -> encoded Genesis; "tip" -> height u64 BE;
//                "schema" -> u32 BE (kStoreSchema; another value is refused at open, see below)
//   blocks       height u64 BE -> encoded Block
//   certs        height u64 BE -> encoded CommitCertificate (the block's own certificate)
//   block_index  block hash -> height u64 BE
//   txs          txid -> height u64 BE || index u32 BE
//   accounts     pubkey -> encoded Account
//   account_txs  pubkey || height u64 BE || index u32 BE -> txid   (sender and recipient)
//   account_events pubkey || height u64 BE || (kEventSlotBase + i) u32 BE -> encoded AccountEvent
//                (chain/account_event.h; i = its index in the block's ExecutedBlock::events)
//   registry     sn pubkey -> encoded ServiceNode (registry/service_node.h)
//   committees   epoch u64 BE -> varint count || pubkey[32]... (the epoch's committee, in order;
//                chain/chain_state.h)
//   block_stats  height u64 BE -> encoded BlockStats (chain/block_stats.h: node counts by state,
//                swarms, rewards paid and txs after that block)          [local index, below]
//   sn_events    sn pubkey || height u64 BE || slot u32 BE -> encoded SnEvent (chain/sn_event.h;
//                slot: the tx's index, or kEventSlotBase + i for the block's i-th liveness
//                change)                                                  [local index, below]
//
// Every block is written in ONE WriteBatch with sync=true: block, certificate, indexes (the
// account events and the local indexes included), account changes, registry changes and the new tip. A crash leaves
// the store at height H or H+1, never between, so no block is ever stored without its events.
//
// Local indexes (block_stats, sn_events: the explorer's charts and node histories) are not
// consensus data and do not change the schema: a store of schema 5 that lacks them (written
// before they existed) gains them, empty, at open, once it has passed every check below, and
// from then on every block writes them in its batch. The blocks it held before have no entries:
// block_stats() answers an empty optional for them and a node's history starts at its first
// event after the upgrade (the genesis writes both for height 0). A swarmchaind older than these
// indexes refuses to open a store that has them (RocksDB: "column families not opened"), so
// going back to it means a resync.
//
// Schema: a store written by another version (schema 4 and older lack account_events, which
// cannot be filled in without replaying the chain) is refused at open with a message that says
// so and what to do (kOldSchema): nothing is written to it.
//
// A damaged store is refused, never silently served lower or shorter (the issue-8 attack:
// 8 flipped bytes in the WAL made RocksDB's default point-in-time recovery drop the last
// 12-22 blocks without a word, and the validator signed those heights again):
//   - open: wal_recovery_mode = kTolerateCorruptedTailRecords and paranoid_checks, so a
//     checksum mismatch anywhere in the WAL fails the open with a message naming the store
//     and what the operator can do. Only a record cut short at the very end (a write that a
//     kill -9 or power cut interrupted before its fsync, hence never acknowledged) is dropped.
//     What a lying disk could still hide this way (a length field damaged in the last
//     record) the node catches one level up: the sign state keeps the last committed height
//     and the node refuses to start below it (node/sign_state.h).
//   - reads: checksums verified; "not found" (an empty optional, StoreError::kMissing) is kept
//     apart from "could not read" (an error: RocksDB Corruption/IOError, or bytes that do not
//     decode), so a damaged store never answers "no block" or "unknown transaction".
//   - first start: a new store is built in a temporary sibling directory and renamed into
//     place only when complete, so a kill at any instant leaves no store (the next start
//     initialises again, removing the leftover) or a complete one.
//
// Thread-safety: reads are safe from any thread. commit() must be called by one writer thread
// at a time (the node's block producer / sync loop).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "chain/account_event.h"
#include "chain/block.h"
#include "chain/block_stats.h"
#include "chain/chain_state.h"
#include "chain/executor.h"
#include "chain/params.h"
#include "chain/sn_event.h"
#include "common/commit.h"
#include "common/expected.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Env;
}  // namespace rocksdb

namespace swarmchain {

// kNoSpace: a write failed because the disk is full (the store itself is fine).
// kOldSchema: the store was written by another version of swarmchaind (see "Schema" above).
enum class StoreError {
  kOk = 0, kIo, kCorrupt, kForeignChain, kNotADatadir, kMissing, kNoSpace, kOldSchema };

// The store layout this version reads and writes: 3 added committees, 4 liveness fields,
// 5 account_events.
inline constexpr uint32_t kStoreSchema = 5;

// A disk in memory (RocksDB's MemEnv) for the deterministic simulator: several opens of the
// same path on one MemoryDisk (after the previous store was closed) see the same data, which
// is how the simulator crashes and restarts a node. Opaque outside the store.
// Thread-safety: as RocksDB's Env (any thread).
class MemoryDisk {
 public:
  static std::shared_ptr<MemoryDisk> create();
  ~MemoryDisk();
  MemoryDisk(const MemoryDisk&) = delete;
  MemoryDisk& operator=(const MemoryDisk&) = delete;

 private:
  friend class BlockStore;
  MemoryDisk();
  std::unique_ptr<rocksdb::Env> env_;
};

struct StoreOptions {
  std::shared_ptr<MemoryDisk> memory;  // null = the real disk
  bool sync = true;                    // fsync every block's batch (off only in simulations)
};

// One page of a service node's events, newest first (see sn_events()).
struct SnEventPage {
  std::vector<SnEvent> events;
  std::optional<Height> next_before;  // the next page's `before`; nullopt on the last page
};

struct TxLocation {
  Height height;
  uint32_t index = 0;
};

// Where an entry sits in an account's history: its block, then its slot in that block: a tx's
// index, or kEventSlotBase + the event's index (chain/account_event.h: end-of-block events
// follow every tx). Entries are ordered by (height, slot); a page of history is read backwards
// from such a position.
struct HistoryPosition {
  Height height;
  uint32_t slot = 0;
  friend auto operator<=>(const HistoryPosition&, const HistoryPosition&) = default;
};

// One entry of an account's history: a tx that sent to or from it (by id), or an event.
struct AccountHistoryEntry {
  HistoryPosition position;
  std::variant<TxId, AccountEvent> what;
  const TxId* txid() const { return std::get_if<TxId>(&what); }
  const AccountEvent* event() const { return std::get_if<AccountEvent>(&what); }
};

// Whether a commit fsyncs the WAL itself (each consensus decision: the node may vote on what
// follows) or leaves it to a later sync_wal() (sync applying a run of blocks: one fsync per run).
enum class Durability { kSynced, kDeferred };

class BlockStore {
 public:
  // Opens the store at `path`. A missing or empty directory is initialised from `genesis`
  // (genesis block, its certificate-less state), atomically (see above); a leftover of an
  // interrupted initialisation is removed. An existing store must belong to the same chain id
  // and be undamaged; anything else is refused with a message, and nothing is written.
  static Expected<std::unique_ptr<BlockStore>> open(const std::filesystem::path& path,
                                                    const Genesis& genesis,
                                                    const Block& genesis_block,
                                                    const ChainState& genesis_state,
                                                    StoreOptions options = {});
  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  Height tip_height() const { return Height(tip_.load()); }
  const Hash& chain_id() const { return chain_id_; }

  // Reads: an error means the store could not be read (kIo, kCorrupt: the store is damaged);
  // "not there" is kMissing for block_at and an empty optional for the others.
  Expected<Block> block_at(Height h) const;
  Expected<std::optional<CommitCertificate>> certificate_at(Height h) const;
  Expected<std::optional<Height>> height_of(const BlockHash& hash) const;
  Expected<std::optional<TxLocation>> find_tx(const TxId& id) const;
  // An account's txs and events, newest first, at most `limit` entries, all strictly before
  // `before` when given (the position of the last entry of the previous page).
  Expected<std::vector<AccountHistoryEntry>> account_history(
      const PubKey& pk, std::size_t limit,
      std::optional<HistoryPosition> before = std::nullopt) const;
  // The stats after block h; an empty optional for a block committed before the index existed
  // (or above the tip).
  Expected<std::optional<BlockStats>> block_stats(Height h) const;
  // The stats of the blocks in [from, end) that have them, ascending by height.
  Expected<std::vector<std::pair<Height, BlockStats>>> block_stats_range(Height from,
                                                                         Height end) const;
  // A service node's events, newest first, of heights strictly below `before` when given:
  // `limit` events, or more when the last block's events go past it (a page holds whole blocks
  // only, so paging by height with next_before, that block's height, loses none).
  // A pubkey never seen gives an empty page. REQUIRES: limit > 0.
  Expected<SnEventPage> sn_events(const PubKey& pk, std::size_t limit,
                                  std::optional<Height> before = std::nullopt) const;

  // Loads every account, service-node record and epoch committee of the tip into `state` and
  // rebuilds their roots. REQUIRES: `state` is empty.
  Status load_state(ChainState& state) const;

  // Writes block tip+1 with its certificate and its executed changes (accounts, registry),
  // atomically; synced (the WAL fsynced before it returns) unless `durability` defers it to the
  // next sync_wal(). A deferred block survives a crash of the process, not of the machine.
  Status commit(const Block& block, const CommitCertificate& cert, const ExecutedBlock& executed,
                Durability durability = Durability::kSynced);
  // Makes every deferred commit durable (one fsync of the WAL).
  Status sync_wal();

 private:
  BlockStore() = default;
  Status load_accounts(AccountState& state) const;
  std::shared_ptr<MemoryDisk> memory_;  // outlives db_ (declared first, destroyed last)
  bool sync_ = true;
  std::filesystem::path path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;  // indexed by the Cf enum in chain/store_internal.h
  Hash chain_id_;
  std::atomic<uint64_t> tip_{0};
  std::mutex write_mu_;
};

}  // namespace swarmchain

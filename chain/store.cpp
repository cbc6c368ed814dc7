#include "chain/store.h"

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/write_batch.h>

#include "chain/sn_event.h"
#include "chain/store_internal.h"
#include "common/file_util.h"
#include "common/hex.h"

namespace swarmchain {

using namespace store_internal;

namespace {

std::string encode_committee(const std::vector<PubKey>& members) {
  Writer w;
  w.varint(members.size());
  for (const PubKey& pk : members) w.fixed(pk);
  return std::string(reinterpret_cast<const char*>(w.data().data()), w.data().size());
}

std::optional<std::vector<PubKey>> decode_committee(std::string_view v) {
  Reader r(ByteView(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
  std::vector<PubKey> out;
  const uint64_t n = r.count(CommitCertificate::kMaxSigs);
  for (uint64_t i = 0; i < n && r.ok(); ++i) out.push_back(r.fixed<PubKey>());
  if (!r.finish()) return std::nullopt;
  return out;
}

// A write that failed. A full disk says so in its own words (docs/operator.md "A full disk"):
// the operator's fix is space, not a repair of the store.
Status write_error(const rocksdb::Status& s, const std::string& what, const std::string& dir) {
  if (s.IsNoSpace() || s.ToString().find("No space left on device") != std::string::npos)
    return Status::error(StoreError::kNoSpace, "disk full " + what + " to " + dir +
                                                   ": No space left on device (" + s.ToString() +
                                                   ")");
  return io_error(s, what);
}
// What an operator reads when the store is refused at open.
std::string damaged_text(const std::filesystem::path& path, const std::string& what) {
  return "the chain store " + path.string() + " is damaged (" + what +
         "); refusing to open it rather than continue from a shorter or altered chain. Restore "
         "the datadir from a backup, or move " + path.string() +
         " away and let the node resync from its peers";
}

rocksdb::DBOptions db_options(rocksdb::Env* env, bool create) {
  rocksdb::DBOptions opts;
  opts.env = env;
  opts.create_if_missing = create;
  opts.create_missing_column_families = create;
  opts.error_if_exists = create;
  opts.paranoid_checks = true;
  // Damage in the WAL (a checksum mismatch anywhere) fails the open. The default
  // (kPointInTimeRecovery) silently stops replaying at the first bad record: the store came
  // back 12-22 blocks lower. A record cut short at the very end is tolerated: that is a write
  // a kill -9 interrupted, never acknowledged (each block's batch is acknowledged only after
  // its fsync), so dropping it loses nothing; kAbsoluteConsistency refused it and left a node
  // killed mid-commit unable to start ("truncated record body", tests/chain/crash_itest.cpp).
  opts.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  opts.max_open_files = 256;
  // One writer (the chain strand), and the index column families use a hash memtable, which
  // does not support concurrent inserts.
  opts.allow_concurrent_memtable_write = false;
  return opts;
}

// The tx index (txid -> where) takes an entry per tx at a random place: in a skip list
// memtable of a few hundred thousand entries each insert is a deep search (it was the largest
// part of a syncing node's CPU besides signatures). It is only read by point lookups (Get),
// so its memtable hashes the txid to a bucket instead. The account history (pubkey || height
// || index) is read backwards from a key (SeekForPrev), which a hash memtable does not
// support: it keeps the skip list, with an insert hint per account, since an account's next
// entry goes right after its last one (heights only grow).
rocksdb::ColumnFamilyOptions cf_options(std::size_t cf) {
  rocksdb::ColumnFamilyOptions opts;
  if (cf == kTxs) {
    opts.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(32));
    opts.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1u << 18));
  }
  if (cf == kAccountTxs || cf == kAccountEvents || cf == kSnEvents)
    opts.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(32));
  return opts;
}

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  Db() = default;
  Db(Db&&) = default;
  ~Db() {
    if (!db) return;
    for (auto* h : cfs)
      if (h) db->DestroyColumnFamilyHandle(h);
    db->Close().PermitUncheckedError();
  }
};

// Opens every column family; on an existing store (create false), a local index it lacks is
// left out and its handle is null (BlockStore::open adds it once the store is accepted).
Expected<Db> open_db(rocksdb::Env* env, const std::string& dir, bool create) {
  std::vector<std::string> present;
  if (!create) {
    rocksdb::DBOptions list_opts;
    list_opts.env = env;
    // A failure here is reported by the open below.
    rocksdb::DB::ListColumnFamilies(list_opts, dir, &present).PermitUncheckedError();
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  std::vector<std::size_t> opened;  // the Cf of each descriptor
  for (std::size_t cf = 0; cf < kCfCount; ++cf) {
    if (!create && is_local_index(cf) &&
        std::find(present.begin(), present.end(), kCfNames[cf]) == present.end())
      continue;
    descs.emplace_back(kCfNames[cf], cf_options(cf));
    opened.push_back(cf);
  }
  Db out;
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::Open(db_options(env, create), dir, descs, &handles, &raw);
  if (!s.ok()) {
    if (s.IsInvalidArgument() && !create)
      return fail(StoreError::kNotADatadir,
                  "cannot open chain store " + dir + ": " + s.ToString() +
                      " (not a swarmchain store, or from an incompatible version)");
    if (s.IsCorruption()) return fail(StoreError::kCorrupt, damaged_text(dir, s.ToString()));
    // Not "damaged": an IOError is also a lock held by another running node.
    return fail(StoreError::kIo, "cannot open chain store " + dir + ": " + s.ToString());
  }
  out.db.reset(raw);
  out.cfs.assign(kCfCount, nullptr);
  for (std::size_t i = 0; i < handles.size() && i < opened.size(); ++i) out.cfs[opened[i]] = handles[i];
  return out;
}

// What an operator reads when the store was written by another version (store.h "Schema").
std::string other_schema_text(const std::filesystem::path& path, std::optional<uint32_t> found) {
  const std::string was =
      found ? "store schema " + std::to_string(*found) : "an older store schema";
  const std::string needs = "this swarmchaind reads schema " + std::to_string(kStoreSchema);
  if (found && *found > kStoreSchema)
    return "the chain store " + path.string() + " was written by a newer swarmchaind (" + was +
           "; " + needs + "); run that newer version, or move " + path.string() +
           " away and let this one resync from its peers";
  return "the chain store " + path.string() + " was written by an older swarmchaind (" + was +
         "; " + needs + ", whose account-event index of rewards and returned stakes is built "
         "only as blocks are applied). Move " + path.string() +
         " away and let the node resync from its peers (a dev chain: remove its datadir and "
         "start again), or keep running the version that wrote it";
}

// The schema written in a store that lacks some of this version's column families (an older
// swarmchaind's), read through a read-only open of the ones it has; nullopt if unreadable.
std::optional<uint32_t> schema_of_older_store(rocksdb::Env* env, const std::string& dir,
                                              const std::vector<std::string>& names) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  rocksdb::DBOptions opts;
  opts.env = env;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(opts, dir, descs, &handles, &raw).ok()) return std::nullopt;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::optional<uint32_t> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string v;
    if (names[i] == "meta" && db->Get(read_options(), handles[i], "schema", &v).ok() &&
        v.size() == 4)
      out = static_cast<uint32_t>(read_be(v, 0, 4));
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close().PermitUncheckedError();
  return out;
}

// Refuses (kOldSchema) a store that lacks one of this version's column families (the local
// indexes aside: they are added at open); ok when it has them all or cannot be listed (open_db
// then says what is wrong).
Status check_column_families(rocksdb::Env* env, const std::filesystem::path& path) {
  rocksdb::DBOptions opts;
  opts.env = env;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(opts, path.string(), &names).ok()) return Status::ok();
  for (std::size_t cf = 0; cf < kFirstLocalIndex; ++cf)
    if (std::find(names.begin(), names.end(), kCfNames[cf]) == names.end())
      return Status::error(StoreError::kOldSchema,
                           other_schema_text(path, schema_of_older_store(env, path.string(), names)));
  return Status::ok();
}

// Writes a new store at `dir` (which must not hold one): genesis in one synced batch.
Status initialise(rocksdb::Env* env, const std::string& dir, const Genesis& genesis,
                  const Block& genesis_block, const ChainState& genesis_state) {
  auto opened = open_db(env, dir, /*create=*/true);
  if (!opened) return opened.error();
  auto* db = opened->db.get();
  auto& cf = opened->cfs;
  rocksdb::WriteBatch batch;
  batch.Put(cf[kMeta], "chain_id", key(genesis.chain_id()));
  batch.Put(cf[kMeta], "genesis", slice(encode(genesis)));
  batch.Put(cf[kMeta], "schema", be32(kStoreSchema));
  batch.Put(cf[kMeta], "tip", be64(0));
  batch.Put(cf[kBlocks], be64(0), slice(genesis_block.to_bytes()));
  batch.Put(cf[kBlockIndex], key(genesis_block.hash()), be64(0));
  genesis_state.accounts.for_each([&](const PubKey& pk, const Account& a) {
    batch.Put(cf[kAccounts], key(pk), slice(encode(a)));
  });
  genesis_state.registry.for_each([&](const ServiceNode& sn) {
    batch.Put(cf[kRegistry], key(sn.pubkey), slice(sn.to_bytes()));
  });
  for (const auto& [epoch, members] : genesis_state.committees)
    batch.Put(cf[kCommittees], be64(epoch), encode_committee(members));
  batch.Put(cf[kBlockStats], be64(0),
            slice(encode(registry_stats(genesis_state.registry, genesis_block.header.time_ms))));
  for (const SnEvent& e : genesis_sn_events(genesis_state.registry))
    batch.Put(cf[kSnEvents], key(e.sn_pubkey) + be64(0) + be32(e.slot), slice(encode(e)));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (auto ws = db->Write(wo, &batch); !ws.ok())
    return Status::error(StoreError::kIo, "cannot initialise chain store " + dir + ": " + ws.ToString());
  return Status::ok();
}

// First start on the real disk: build the store in `<parent>/.<name>.initialising`, then
// rename it to `path` and fsync the parent. A leftover of an interrupted start is removed.
Status initialise_atomically(const std::filesystem::path& path, const Genesis& genesis,
                             const Block& genesis_block, const ChainState& genesis_state) {
  namespace fs = std::filesystem;
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const fs::path tmp = parent / ("." + path.filename().string() + ".initialising");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (ec) return Status::error(StoreError::kIo, "cannot remove the leftover of an interrupted "
                                                "first start " + tmp.string() + ": " + ec.message());
  fs::create_directories(parent, ec);
  if (ec) return Status::error(StoreError::kIo, "cannot create " + parent.string() + ": " + ec.message());
  if (Status s = initialise(rocksdb::Env::Default(), tmp.string(), genesis, genesis_block,
                            genesis_state);
      !s)
    return s;
  if (Status s = fsync_directory(tmp); !s) return Status::error(StoreError::kIo, s.message());
  // rename(2) replaces an empty directory: a datadir made by hand with an empty chain/ is fine.
  fs::rename(tmp, path, ec);
  if (ec) return Status::error(StoreError::kIo, "cannot move the new chain store " + tmp.string() +
                                                     " to " + path.string() + ": " + ec.message());
  if (Status s = fsync_directory(parent); !s) return Status::error(StoreError::kIo, s.message());
  return Status::ok();
}

}  // namespace

MemoryDisk::MemoryDisk() : env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) {}
MemoryDisk::~MemoryDisk() = default;
std::shared_ptr<MemoryDisk> MemoryDisk::create() {
  return std::shared_ptr<MemoryDisk>(new MemoryDisk());
}

BlockStore::~BlockStore() {
  if (db_) {
    for (auto* h : cfs_)
      if (h) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }
}

Expected<std::unique_ptr<BlockStore>> BlockStore::open(const std::filesystem::path& path_in,
                                                       const Genesis& genesis,
                                                       const Block& genesis_block,
                                                       const ChainState& genesis_state,
                                                       StoreOptions options) {
  namespace fs = std::filesystem;
  const fs::path path = path_in.has_filename() ? path_in : path_in.parent_path();
  rocksdb::Env* env = options.memory ? options.memory->env_.get() : rocksdb::Env::Default();
  if (options.memory) {
    // In memory a simulated crash happens between calls, never inside this one: initialise in
    // place.
    if (env->FileExists((path / "CURRENT").string()).IsNotFound())
      if (Status s = initialise(env, path.string(), genesis, genesis_block, genesis_state); !s)
        return unexpected(std::move(s));
  } else {
    std::error_code ec;
    const bool fresh = !fs::exists(path, ec) || fs::is_empty(path, ec);
    if (fresh) {
      if (Status s = initialise_atomically(path, genesis, genesis_block, genesis_state); !s)
        return unexpected(std::move(s));
    } else if (!fs::exists(path / "CURRENT", ec)) {
      return fail(StoreError::kNotADatadir,
                  path.string() + " exists and is not a swarmchain chain store (no RocksDB "
                                  "CURRENT file); refusing to touch it");
    }
  }

  if (Status s = check_column_families(env, path); !s) return unexpected(std::move(s));
  auto opened = open_db(env, path.string(), /*create=*/false);
  if (!opened) return unexpected(opened.error());
  std::unique_ptr<BlockStore> store(new BlockStore());
  store->memory_ = std::move(options.memory);
  store->sync_ = options.sync;
  store->path_ = path;
  store->db_ = std::move(opened->db);
  store->cfs_ = std::move(opened->cfs);
  auto* db = store->db_.get();
  auto& cf = store->cfs_;
  const Hash chain_id = genesis.chain_id();

  std::string value;
  rocksdb::Status s = db->Get(read_options(), cf[kMeta], "chain_id", &value);
  if (s.IsNotFound() || (s.ok() && value.size() != 32))
    return fail(StoreError::kCorrupt, damaged_text(path, "no valid chain id"));
  if (!s.ok()) return fail(StoreError::kCorrupt, damaged_text(path, "meta: " + s.ToString()));
  Hash stored = Hash::from(view(value));
  std::string schema;
  s = db->Get(read_options(), cf[kMeta], "schema", &schema);
  if (!s.ok() && !s.IsNotFound())
    return fail(StoreError::kCorrupt, damaged_text(path, "meta: " + s.ToString()));
  if (s.IsNotFound() || schema.size() != 4 || read_be(schema, 0, 4) != kStoreSchema)
    return fail(StoreError::kOldSchema,
                other_schema_text(path, schema.size() == 4 && s.ok()
                                            ? std::optional<uint32_t>(read_be(schema, 0, 4))
                                            : std::nullopt));
  if (stored != chain_id)
    return fail(StoreError::kForeignChain,
                "datadir " + path.string() + " belongs to chain " + to_hex(stored) +
                    ", but the genesis file gives chain " + to_hex(chain_id) +
                    "; use another --datadir or the matching --genesis");
  s = db->Get(read_options(), cf[kMeta], "tip", &value);
  if (!s.ok() || value.size() != 8)
    return fail(StoreError::kCorrupt,
                damaged_text(path, "tip is missing or unreadable" +
                                       (s.ok() ? std::string() : ": " + s.ToString())));
  store->tip_ = read_be(value, 0, 8);
  store->chain_id_ = chain_id;
  // The tip block must be there and decode; otherwise the store is damaged.
  if (auto b = store->block_at(store->tip_height()); !b)
    return fail(StoreError::kCorrupt,
                damaged_text(path, "tip block " + std::to_string(store->tip_.load()) +
                                       " unreadable: " + b.error().message()));
  // Accepted: now, and only now, a store that lacks a local index gains it (empty: the blocks
  // it already holds have no entries there).
  for (std::size_t c = kFirstLocalIndex; c < kCfCount; ++c) {
    if (cf[c]) continue;
    rocksdb::ColumnFamilyHandle* h = nullptr;
    if (auto cs = db->CreateColumnFamily(cf_options(c), kCfNames[c], &h); !cs.ok())
      return fail(StoreError::kIo, "cannot add the index " + std::string(kCfNames[c]) +
                                       " to the chain store " + path.string() + ": " +
                                       cs.ToString());
    cf[c] = h;
  }
  return store;
}

Expected<Block> BlockStore::block_at(Height h) const {
  std::string v;
  auto s = db_->Get(read_options(), cfs_[kBlocks], be64(h.value), &v);
  if (s.IsNotFound()) return fail(StoreError::kMissing, "no block at height " + h.to_string());
  if (!s.ok()) return unexpected(read_error(s, "reading block " + h.to_string()));
  auto b = Block::from_bytes(view(v));
  if (!b) return unexpected(corrupt("stored block " + h.to_string() + " does not decode: " + b.error().message()));
  return b;
}

Expected<std::optional<CommitCertificate>> BlockStore::certificate_at(Height h) const {
  std::string v;
  auto s = db_->Get(read_options(), cfs_[kCerts], be64(h.value), &v);
  if (s.IsNotFound()) return std::optional<CommitCertificate>();
  if (!s.ok()) return unexpected(read_error(s, "reading the certificate of block " + h.to_string()));
  auto c = decode_exact<CommitCertificate>(view(v));
  if (!c)
    return unexpected(corrupt("stored certificate of block " + h.to_string() +
                              " does not decode: " + c.error().message()));
  return std::optional<CommitCertificate>(std::move(*c));
}

Expected<std::optional<Height>> BlockStore::height_of(const BlockHash& hash) const {
  std::string v;
  auto s = db_->Get(read_options(), cfs_[kBlockIndex], key(hash), &v);
  if (s.IsNotFound()) return std::optional<Height>();
  if (!s.ok()) return unexpected(read_error(s, "reading the block index"));
  if (v.size() != 8) return unexpected(corrupt("block index entry of " + to_hex(hash) + " is malformed"));
  return std::optional<Height>(Height(read_be(v, 0, 8)));
}

Expected<std::optional<TxLocation>> BlockStore::find_tx(const TxId& id) const {
  std::string v;
  auto s = db_->Get(read_options(), cfs_[kTxs], key(id), &v);
  if (s.IsNotFound()) return std::optional<TxLocation>();
  if (!s.ok()) return unexpected(read_error(s, "reading the transaction index"));
  if (v.size() != 12)
    return unexpected(corrupt("transaction index entry of " + to_hex(id) + " is malformed"));
  return std::optional<TxLocation>(
      TxLocation{Height(read_be(v, 0, 8)), static_cast<uint32_t>(read_be(v, 8, 4))});
}

Status BlockStore::load_state(ChainState& state) const {
  state.height = tip_height();
  if (Status s = load_accounts(state.accounts); !s) return s;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kRegistry]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto k = it->key();
    auto v = it->value();
    auto sn = decode_exact<ServiceNode>({reinterpret_cast<const uint8_t*>(v.data()), v.size()});
    if (!sn || k.size() != 32 || k.ToStringView() != key(sn->pubkey))
      return Status::error(StoreError::kCorrupt,
                           "corrupt service-node record in chain store" +
                               (sn ? std::string() : ": " + sn.error().message()));
    state.registry.load(*sn);
  }
  if (!it->status().ok()) return io_error(it->status(), "reading the registry");
  state.registry.rebuild();
  std::unique_ptr<rocksdb::Iterator> ci(db_->NewIterator(read_options(), cfs_[kCommittees]));
  for (ci->SeekToFirst(); ci->Valid(); ci->Next()) {
    auto members = decode_committee(ci->value().ToStringView());
    if (ci->key().size() != 8 || !members)
      return Status::error(StoreError::kCorrupt, "corrupt epoch committee in chain store");
    state.committees[read_be(ci->key().ToStringView(), 0, 8)] = std::move(*members);
  }
  if (!ci->status().ok()) return io_error(ci->status(), "reading the committees");
  return Status::ok();
}

Status BlockStore::load_accounts(AccountState& state) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[kAccounts]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto k = it->key();
    auto v = it->value();
    if (k.size() != 32)
      return Status::error(StoreError::kCorrupt, "corrupt account key in chain store");
    auto a = decode_exact<Account>({reinterpret_cast<const uint8_t*>(v.data()), v.size()});
    if (!a) return Status::error(StoreError::kCorrupt, "corrupt account record: " + a.error().message());
    state.load(PubKey::from({reinterpret_cast<const uint8_t*>(k.data()), 32}), *a);
  }
  if (!it->status().ok()) return io_error(it->status(), "reading accounts");
  state.rebuild();
  return Status::ok();
}

Status BlockStore::sync_wal() {
  // A store in memory (MemoryDisk: tests, the simulator) has nothing to fsync, and RocksDB's
  // in-memory environment does not implement SyncWAL.
  if (!sync_ || memory_) return Status::ok();
  if (auto s = db_->SyncWAL(); !s.ok()) return write_error(s, "syncing the WAL", path_.string());
  return Status::ok();
}

Status BlockStore::commit(const Block& block, const CommitCertificate& cert,
                          const ExecutedBlock& executed, Durability durability) {
  std::lock_guard lock(write_mu_);
  const Height h = block.header.height;
  if (h.value != tip_.load() + 1)
    return Status::error(StoreError::kIo, "commit of block " + h.to_string() +
                                              " out of order (tip is " + std::to_string(tip_.load()) + ")");
  rocksdb::WriteBatch batch;
  const BlockHash hash = block.hash();
  batch.Put(cfs_[kBlocks], be64(h.value), slice(block.to_bytes()));
  batch.Put(cfs_[kCerts], be64(h.value), slice(encode(cert)));
  batch.Put(cfs_[kBlockIndex], key(hash), be64(h.value));
  // The tx index goes to a hash memtable (cf_options): its order does not matter. The account
  // history goes to a skip list, which inserts a key after the one it inserted last much faster
  // than a random one: it is written in key order.
  std::vector<std::pair<std::string, std::string>> account_txs;
  account_txs.reserve(2 * block.txs.size());
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    const Tx& tx = block.txs[i];
    const std::string id = key(tx.id());
    const std::string where = be64(h.value) + be32(i);
    batch.Put(cfs_[kTxs], id, where);
    account_txs.emplace_back(key(tx.sender) + where, id);
    if (const auto* t = std::get_if<TransferPayload>(&tx.payload); t && t->to != tx.sender)
      account_txs.emplace_back(key(t->to) + where, id);
  }
  std::sort(account_txs.begin(), account_txs.end());
  for (const auto& [k, v] : account_txs) batch.Put(cfs_[kAccountTxs], k, v);
  // The block's events (rewards, returned stakes) in the same batch: a crash never leaves a
  // block without them. Sorted like the account history above.
  std::vector<std::pair<std::string, Bytes>> events;
  events.reserve(executed.events.size());
  for (uint32_t i = 0; i < executed.events.size(); ++i) {
    const AccountEvent& e = executed.events[i];
    events.emplace_back(key(e.account) + be64(h.value) + be32(kEventSlotBase + i), encode(e));
  }
  std::sort(events.begin(), events.end());
  for (const auto& [k, v] : events) batch.Put(cfs_[kAccountEvents], k, slice(v));
  // The explorer's local indexes (store.h "Local indexes"), in the same batch.
  batch.Put(cfs_[kBlockStats], be64(h.value), slice(encode(executed.stats)));
  std::vector<std::pair<std::string, Bytes>> sn_events;
  for (const SnEvent& e : sn_events_of(block, executed))
    sn_events.emplace_back(key(e.sn_pubkey) + be64(h.value) + be32(e.slot), encode(e));
  std::sort(sn_events.begin(), sn_events.end());
  for (const auto& [k, v] : sn_events) batch.Put(cfs_[kSnEvents], k, slice(v));
  for (const auto& [pk, a] : executed.changes) {
    if (a.is_empty()) batch.Delete(cfs_[kAccounts], key(pk));
    else batch.Put(cfs_[kAccounts], key(pk), slice(encode(a)));
  }
  for (const auto& [pk, sn] : executed.registry_changes) {
    if (!sn) batch.Delete(cfs_[kRegistry], key(pk));
    else batch.Put(cfs_[kRegistry], key(pk), slice(sn->to_bytes()));
  }
  if (executed.next_committee)
    batch.Put(cfs_[kCommittees], be64(executed.next_committee->first),
              encode_committee(executed.next_committee->second));
  batch.Put(cfs_[kMeta], "tip", be64(h.value));
  rocksdb::WriteOptions wo;
  wo.sync = sync_ && durability == Durability::kSynced;
  if (auto s = db_->Write(wo, &batch); !s.ok())
    return write_error(s, "writing block " + h.to_string(), path_.string());
  tip_ = h.value;
  return Status::ok();
}

}  // namespace swarmchain

// The chain store's per-account and explorer index reads (chain/store.h "Local indexes" and the
// account history): account_history, block_stats, block_stats_range, sn_events. The writes are
// in chain/store.cpp's commit, in the block's own batch.
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include "chain/sn_event.h"
#include "chain/store.h"
#include "chain/store_internal.h"

namespace swarmchain {

using namespace store_internal;

namespace {

// Walks one column family keyed pubkey[32] || height u64 BE || slot u32 BE backwards, from the
// last key strictly before `end` of one account's prefix.
class ReverseHistoryCursor {
 public:
  ReverseHistoryCursor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                       const std::string& end)
      : it_(db.NewIterator(read_options(), cf)), prefix_(prefix) {
    it_->SeekForPrev(end);
    if (it_->Valid() && it_->key().ToStringView() == end) it_->Prev();
  }
  // The current key, or empty when this account's entries are exhausted.
  std::string_view key() const {
    if (!it_->Valid()) return {};
    auto k = it_->key().ToStringView();
    if (k.size() != 44 || k.substr(0, 32) != prefix_) return {};
    return k;
  }
  std::string_view value() const { return it_->value().ToStringView(); }
  void prev() { it_->Prev(); }
  rocksdb::Status status() const { return it_->status(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
};

}  // namespace

Expected<std::vector<AccountHistoryEntry>> BlockStore::account_history(
    const PubKey& pk, std::size_t limit, std::optional<HistoryPosition> before) const {
  std::vector<AccountHistoryEntry> out;
  const std::string prefix = key(pk);
  // Keys are compared as bytes, so "strictly before `before`" is "strictly before its key";
  // without one, before everything of this prefix (12 bytes 0xff sort after every suffix).
  const std::string end = before ? prefix + be64(before->height.value) + be32(before->slot)
                                 : prefix + std::string(13, '\xff');
  ReverseHistoryCursor txs(*db_, cfs_[kAccountTxs], prefix, end);
  ReverseHistoryCursor events(*db_, cfs_[kAccountEvents], prefix, end);
  // Two sorted lists merged, newest (largest key) first.
  while (out.size() < limit) {
    const std::string_view tk = txs.key(), ek = events.key();
    if (tk.empty() && ek.empty()) break;
    const bool take_event = tk.empty() || (!ek.empty() && ek > tk);
    const std::string_view k = take_event ? ek : tk;
    const HistoryPosition pos{Height(read_be(k, 32, 8)), static_cast<uint32_t>(read_be(k, 40, 4))};
    if (take_event) {
      auto v = events.value();
      auto e = decode_exact<AccountEvent>({reinterpret_cast<const uint8_t*>(v.data()), v.size()});
      if (!e || pos.slot < kEventSlotBase)
        return unexpected(corrupt("account event entry is malformed" +
                                  (e ? std::string() : ": " + e.error().message())));
      e->account = pk;
      out.push_back({pos, std::move(*e)});
      events.prev();
    } else {
      auto v = txs.value();
      if (v.size() != 32) return unexpected(corrupt("account history entry is malformed"));
      out.push_back({pos, Hash::from({reinterpret_cast<const uint8_t*>(v.data()), 32})});
      txs.prev();
    }
  }
  for (const ReverseHistoryCursor* c : {&txs, &events})
    if (!c->status().ok())
      return unexpected(read_error(c->status(), "reading the account history"));
  return out;
}

namespace {

Expected<BlockStats> decode_stats(std::string_view v, uint64_t h) {
  auto st = decode_exact<BlockStats>({reinterpret_cast<const uint8_t*>(v.data()), v.size()});
  if (!st)
    return unexpected(corrupt("the stats of block " + std::to_string(h) +
                              " do not decode: " + st.error().message()));
  return st;
}

}  // namespace

Expected<std::optional<BlockStats>> BlockStore::block_stats(Height h) const {
  std::string v;
  auto s = db_->Get(read_options(), cfs_[kBlockStats], be64(h.value), &v);
  if (s.IsNotFound()) return std::optional<BlockStats>();
  if (!s.ok()) return unexpected(read_error(s, "reading the stats of block " + h.to_string()));
  auto st = decode_stats(v, h.value);
  if (!st) return unexpected(st.error());
  return std::optional<BlockStats>(*st);
}

Expected<std::vector<std::pair<Height, BlockStats>>> BlockStore::block_stats_range(
    Height from, Height end) const {
  std::vector<std::pair<Height, BlockStats>> out;
  if (end <= from) return out;
  const std::string last = be64(end.value);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options(), cfs_[kBlockStats]));
  for (it->Seek(be64(from.value)); it->Valid() && it->key().ToStringView() < last; it->Next()) {
    if (it->key().size() != 8) return unexpected(corrupt("a block_stats key is malformed"));
    const uint64_t h = read_be(it->key().ToStringView(), 0, 8);
    auto st = decode_stats(it->value().ToStringView(), h);
    if (!st) return unexpected(st.error());
    out.emplace_back(Height(h), *st);
  }
  if (!it->status().ok()) return unexpected(read_error(it->status(), "reading the block stats"));
  return out;
}

Expected<SnEventPage> BlockStore::sn_events(const PubKey& pk, std::size_t limit,
                                            std::optional<Height> before) const {
  SnEventPage page;
  const std::string prefix = key(pk);
  // Strictly below height `before`: before its slot 0, the smallest key of that height.
  const std::string end =
      before ? prefix + be64(before->value) + be32(0) : prefix + std::string(13, '\xff');
  ReverseHistoryCursor cursor(*db_, cfs_[kSnEvents], prefix, end);
  for (std::string_view k = cursor.key(); !k.empty(); cursor.prev(), k = cursor.key()) {
    const Height h(read_be(k, 32, 8));
    // Whole blocks only: a page never ends inside one, so paging by height loses nothing.
    if (page.events.size() >= limit && (page.events.empty() || h != page.events.back().height)) {
      if (!page.events.empty()) page.next_before = page.events.back().height;
      break;
    }
    auto v = cursor.value();
    auto e = decode_exact<SnEvent>({reinterpret_cast<const uint8_t*>(v.data()), v.size()});
    if (!e)
      return unexpected(corrupt("a service-node event entry is malformed: " + e.error().message()));
    e->sn_pubkey = pk;
    e->height = h;
    e->slot = static_cast<uint32_t>(read_be(k, 40, 4));
    page.events.push_back(std::move(*e));
  }
  if (!cursor.status().ok())
    return unexpected(read_error(cursor.status(), "reading the service-node events"));
  return page;
}

}  // namespace swarmchain

// ServiceNodeSnapshot: the service-node list of one registry state, each entry's fields
// serialised once, from which get_service_nodes answers without the chain lock and without
// building JSON per request (design §8; issue 9: every storage server polls it on every block).
//
// A snapshot is made in two steps so that the chain's read lock is held only for copying:
// collect() (under the lock) walks the registry against the previous snapshot and copies only
// the records that changed, keeping the previous entries of the others; the constructor
// (outside the lock) serialises the changed records. A block changes a handful of records, so
// a new snapshot costs O(n) record comparisons plus a few entries' serialisation.
//
// An answer is then a concatenation of the entries' prepared "name":value pieces. The whole
// list for a given (fields, active_only) is kept as text too (a few field sets are asked for:
// the storage server's, Session's seed request, all fields), so a repeated request is a copy.
//
// Thread-safety: immutable after construction, except the per-field-set text cache, which is
// guarded by a private mutex; share it through shared_ptr<const ServiceNodeSnapshot>.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/crypto.h"
#include "registry/registry_state.h"
#include "registry/service_node.h"
#include "rpc/service_node_json.h"

namespace swarmchain::rpc {

class ServiceNodeSnapshot {
 public:
  using FieldMask = std::bitset<kServiceNodeFieldCount>;  // bit i = service_node_fields()[i]
  static FieldMask all_fields() { return FieldMask().set(); }

  // One record with each field written as `"name":value`.
  struct Entry {
    explicit Entry(ServiceNode sn);
    ServiceNode record;
    std::array<std::string, kServiceNodeFieldCount> pieces;
    // Appends {"name":value,...} with the fields of `fields`, in table order.
    void write(std::string& out, const FieldMask& fields) const;
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  // What collect() copies: per record, ascending by pubkey, either the previous snapshot's
  // entry (record unchanged) or a copy of the record (to serialise).
  struct Source {
    Hash registry_root;
    std::vector<std::variant<EntryPtr, ServiceNode>> nodes;
  };
  // Under the chain's read lock. `previous` may be null (then every record is copied).
  static Source collect(const RegistryState& registry, const ServiceNodeSnapshot* previous);

  explicit ServiceNodeSnapshot(Source source);
  explicit ServiceNodeSnapshot(const RegistryState& registry)
      : ServiceNodeSnapshot(collect(registry, nullptr)) {}

  const Hash& registry_root() const { return registry_root_; }
  std::size_t size() const { return entries_.size(); }
  // How many entries were taken over from the previous snapshot unchanged.
  std::size_t reused() const { return reused_; }
  // Every entry, ascending by pubkey.
  const std::vector<EntryPtr>& entries() const { return entries_; }
  // The entry of `pk`; null if there is no such record.
  const Entry* find(const PubKey& pk) const;

  // Appends the JSON array of `entries`, each with `fields`.
  static void write_array(std::string& out, const std::vector<const Entry*>& entries,
                          const FieldMask& fields);
  // The JSON array of every entry (only active nodes if `active_only`), each with `fields`.
  // Made on first use and kept for the snapshot's lifetime (at most kCachedFieldSets sets).
  std::shared_ptr<const std::string> all_entries(const FieldMask& fields, bool active_only) const;

  static constexpr std::size_t kCachedFieldSets = 8;

 private:
  Hash registry_root_;
  std::vector<EntryPtr> entries_;
  std::size_t reused_ = 0;
  mutable std::mutex mu_;  // guards cache_
  mutable std::map<std::pair<unsigned long long, bool>, std::shared_ptr<const std::string>>
      cache_;
};

}  // namespace swarmchain::rpc

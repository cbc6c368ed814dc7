#include "rpc/service_node_snapshot.h"

#include <algorithm>

namespace swarmchain::rpc {

static_assert(kServiceNodeFieldCount <= 64, "FieldMask::to_ullong keys the text cache");

ServiceNodeSnapshot::Entry::Entry(ServiceNode sn) : record(std::move(sn)) {
  const auto& fields = service_node_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string& piece = pieces[i];
    piece.reserve(fields[i].name.size() + 3 + 64);
    piece += '"';
    piece += fields[i].name;  // plain ASCII names: no escaping needed
    piece += "\":";
    // error_handler replace: a value can never make the dump throw (as the dispatcher does).
    piece += fields[i].value(record).dump(-1, ' ', false,
                                          nlohmann::json::error_handler_t::replace);
  }
}

void ServiceNodeSnapshot::Entry::write(std::string& out, const FieldMask& fields) const {
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (!fields.test(i)) continue;
    if (!first) out += ',';
    first = false;
    out += pieces[i];
  }
  out += '}';
}

ServiceNodeSnapshot::Source ServiceNodeSnapshot::collect(const RegistryState& registry,
                                                         const ServiceNodeSnapshot* previous) {
  Source src;
  src.registry_root = registry.root();
  src.nodes.reserve(registry.size());
  // Both sides ascend by pubkey: one merge walk.
  const std::vector<EntryPtr>* prev = previous ? &previous->entries_ : nullptr;
  std::size_t j = 0;
  registry.for_each([&](const ServiceNode& sn) {
    if (prev) {
      while (j < prev->size() && (*prev)[j]->record.pubkey < sn.pubkey) ++j;
      if (j < prev->size() && (*prev)[j]->record == sn) {
        src.nodes.emplace_back((*prev)[j]);
        return;
      }
    }
    src.nodes.emplace_back(sn);
  });
  return src;
}

ServiceNodeSnapshot::ServiceNodeSnapshot(Source source) : registry_root_(source.registry_root) {
  entries_.reserve(source.nodes.size());
  for (auto& node : source.nodes) {
    if (auto* kept = std::get_if<EntryPtr>(&node)) {
      entries_.push_back(std::move(*kept));
      ++reused_;
    } else {
      entries_.push_back(std::make_shared<const Entry>(std::move(std::get<ServiceNode>(node))));
    }
  }
}

const ServiceNodeSnapshot::Entry* ServiceNodeSnapshot::find(const PubKey& pk) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), pk,
                             [](const EntryPtr& e, const PubKey& k) { return e->record.pubkey < k; });
  return it != entries_.end() && (*it)->record.pubkey == pk ? it->get() : nullptr;
}

void ServiceNodeSnapshot::write_array(std::string& out, const std::vector<const Entry*>& entries,
                                      const FieldMask& fields) {
  out += '[';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    entries[i]->write(out, fields);
  }
  out += ']';
}

std::shared_ptr<const std::string> ServiceNodeSnapshot::all_entries(const FieldMask& fields,
                                                                    bool active_only) const {
  const std::pair<unsigned long long, bool> key{fields.to_ullong(), active_only};
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::vector<const Entry*> chosen;
  chosen.reserve(entries_.size());
  for (const EntryPtr& e : entries_)
    if (!active_only || e->record.is_active()) chosen.push_back(e.get());
  auto text = std::make_shared<std::string>();
  // One pass to size the text, so that a 10 MB answer is not reallocated ~20 times.
  std::size_t size = 2;
  for (const Entry* e : chosen) {
    size += 2 + fields.count();
    for (std::size_t i = 0; i < e->pieces.size(); ++i)
      if (fields.test(i)) size += e->pieces[i].size();
  }
  text->reserve(size);
  write_array(*text, chosen, fields);
  // A client cycling through field sets must not grow the cache without bound.
  if (cache_.size() >= kCachedFieldSets) cache_.erase(cache_.begin());
  cache_.emplace(key, text);
  return text;
}

}  // namespace swarmchain::rpc

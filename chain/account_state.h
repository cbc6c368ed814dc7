// AccountState: every account (balance, nonce) plus the state_root commitment (design §4.4).
//
// state_root layout (docs/protocol.md §state_root):
//   accounts are split into 2^16 buckets by the first two bytes of the pubkey;
//   bucket leaf = H("swarmchain/accounts/bucket/v1" || varint n || n * (pubkey || balance u64 ||
//                  nonce u64)), accounts ascending by pubkey (an empty bucket has n = 0);
//   state_root  = the complete binary Merkle tree (merkle_parent) over the 65,536 leaves.
// A block that changes k accounts rehashes k buckets and at most k * 16 inner nodes, so the cost
// is O(changed * log n) whatever the number of accounts; nothing is rehashed in full.
//
// Thread-safety: none; owned by the chain's single writer. Const methods may run concurrently
// with each other but not with apply().
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/codec.h"

namespace swarmchain {

struct Account {
  Amount balance;
  uint64_t nonce = 0;  // number of txs this account has sent; the next tx must carry it
  void encode(Writer& w) const {
    w.amount(balance);
    w.u64(nonce);
  }
  static Account decode(Reader& r) {
    Account a;
    a.balance = r.amount();
    a.nonce = r.u64();
    return a;
  }
  bool is_empty() const { return balance.atomic() == 0 && nonce == 0; }
  friend bool operator==(const Account&, const Account&) = default;
};

// New values of the accounts a block touched. An account whose new value is empty (balance 0,
// nonce 0) is removed.
using AccountChanges = std::map<PubKey, Account>;

class AccountState {
 public:
  static constexpr unsigned kBucketBits = 16;
  static constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;

  AccountState();

  std::optional<Account> get(const PubKey& pk) const;
  Hash root() const { return tree_[1]; }

  // The tree work of `changes` against this state, done once: `root` is the root the state
  // would have after them, and apply(changes, update) installs the nodes without hashing again
  // (a block is validated, then committed under the writer's lock).
  struct Update {
    std::vector<std::pair<std::size_t, Hash>> nodes;  // children before parents
    Hash root;
  };
  Update prepare(const AccountChanges& changes) const;
  // The root the state would have after `changes`, without applying them.
  Hash root_with(const AccountChanges& changes) const { return prepare(changes).root; }
  void apply(const AccountChanges& changes) { apply(changes, prepare(changes)); }
  // REQUIRES: `update` is prepare(changes) on this state, and the state has not changed since.
  void apply(const AccountChanges& changes, const Update& update);
  std::size_t size() const { return count_; }
  void for_each(const std::function<void(const PubKey&, const Account&)>& fn) const;

  // Bulk load (startup): insert without hashing, then rebuild() once.
  void load(const PubKey& pk, const Account& a);
  void rebuild();

 private:
  using Bucket = std::map<PubKey, Account>;
  static std::size_t bucket_of(const PubKey& pk) {
    return (std::size_t{pk.data[0]} << 8) | pk.data[1];
  }
  static Hash hash_bucket(const Bucket& b);

  std::vector<Bucket> buckets_;
  std::vector<Hash> tree_;  // heap layout: root at 1, children of i at 2i and 2i+1,
                            // leaf of bucket b at kBuckets + b
  std::size_t count_ = 0;
};

}  // namespace swarmchain

// AccountState and its state_root (design §4.4, layout in chain/account_state.h): the root kept
// up to date incrementally must always equal the root rebuilt from scratch, whatever the order
// and batching of the changes, and must follow the documented bucket layout.
#include "chain/account_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "common/crypto.h"
#include "common/merkle.h"

namespace swarmchain {
namespace {

[[maybe_unused]] const bool kCryptoReady = crypto_init();

using Model = std::map<PubKey, Account>;

// Pubkeys whose first byte is 0 or 1, so that thousands of accounts crowd into ~512 buckets and
// most buckets hold several accounts (insert/erase in the middle of a bucket, not only alone).
PubKey crowded_key(std::mt19937_64& rng) {
  PubKey pk;
  for (auto& b : pk.data) b = static_cast<uint8_t>(rng());
  pk.data[0] &= 1;
  return pk;
}

PubKey key_of(uint8_t a, uint8_t b, uint8_t c) {
  PubKey pk;
  pk.data[0] = a;
  pk.data[1] = b;
  pk.data[2] = c;
  return pk;
}

Account random_account(std::mt19937_64& rng) {
  return Account{Amount(1 + rng() % 1'000'000'000'000ULL), rng() % 50};
}

AccountState rebuilt_from(const Model& model) {
  AccountState s;
  for (const auto& [pk, a] : model) s.load(pk, a);
  s.rebuild();
  return s;
}

// One round of random changes against `model`: updates, new accounts, and emptied accounts.
AccountChanges random_changes(std::mt19937_64& rng, const Model& model, std::size_t n) {
  AccountChanges changes;
  std::vector<PubKey> existing;
  existing.reserve(model.size());
  for (const auto& [pk, a] : model) existing.push_back(pk);
  for (std::size_t i = 0; i < n; ++i) {
    switch (rng() % 4) {
      case 0:  // a new account
        changes[crowded_key(rng)] = random_account(rng);
        break;
      case 1:  // emptied: removed from the state
        if (!existing.empty()) changes[existing[rng() % existing.size()]] = Account{};
        break;
      default:  // an existing account changes
        if (!existing.empty()) changes[existing[rng() % existing.size()]] = random_account(rng);
        break;
    }
  }
  return changes;
}

void apply_to_model(Model& model, const AccountChanges& changes) {
  for (const auto& [pk, a] : changes) {
    if (a.is_empty()) model.erase(pk);
    else model[pk] = a;
  }
}

TEST(AccountState, IncrementalRootEqualsAFullRebuildOverManyRandomRounds) {
  std::mt19937_64 rng(20240611);
  Model model;
  for (int i = 0; i < 4000; ++i) model[crowded_key(rng)] = random_account(rng);
  AccountState state = rebuilt_from(model);
  for (int round = 0; round < 8; ++round) {
    const AccountChanges changes = random_changes(rng, model, 1 + rng() % 1200);
    state.apply(changes);
    apply_to_model(model, changes);
    const AccountState fresh = rebuilt_from(model);
    ASSERT_EQ(state.root(), fresh.root()) << "round " << round;
    ASSERT_EQ(state.size(), model.size()) << "round " << round;
  }
}

TEST(AccountState, IncrementalStateHoldsExactlyTheModelAccounts) {
  std::mt19937_64 rng(7);
  Model model;
  for (int i = 0; i < 2000; ++i) model[crowded_key(rng)] = random_account(rng);
  AccountState state = rebuilt_from(model);
  for (int round = 0; round < 4; ++round) {
    const AccountChanges changes = random_changes(rng, model, 600);
    state.apply(changes);
    apply_to_model(model, changes);
  }
  Model seen;
  state.for_each([&](const PubKey& pk, const Account& a) { seen[pk] = a; });
  EXPECT_EQ(seen, model);
  for (const auto& [pk, a] : model) ASSERT_EQ(state.get(pk), a);
}

TEST(AccountState, EmptiedAccountIsRemovedAndTheRootIsAsIfItNeverExisted) {
  const PubKey a = key_of(5, 5, 1), b = key_of(5, 5, 2);  // same bucket
  AccountState with_both;
  with_both.apply({{a, Account{Amount(10), 1}}, {b, Account{Amount(20), 0}}});
  AccountState only_b;
  only_b.apply({{b, Account{Amount(20), 0}}});
  with_both.apply({{a, Account{}}});
  EXPECT_EQ(with_both.get(a), std::nullopt);
  EXPECT_EQ(with_both.size(), 1u);
  EXPECT_EQ(with_both.root(), only_b.root());
}

TEST(AccountState, EmptyingAnAccountThatDoesNotExistChangesNothing) {
  AccountState s;
  s.apply({{key_of(1, 2, 3), Account{Amount(10), 0}}});
  const Hash before = s.root();
  s.apply({{key_of(1, 2, 4), Account{}}, {key_of(9, 9, 9), Account{}}});
  EXPECT_EQ(s.root(), before);
  EXPECT_EQ(s.size(), 1u);
}

TEST(AccountState, RootWithEqualsTheRootAfterApply) {
  std::mt19937_64 rng(99);
  Model model;
  for (int i = 0; i < 1500; ++i) model[crowded_key(rng)] = random_account(rng);
  AccountState state = rebuilt_from(model);
  for (int round = 0; round < 5; ++round) {
    const AccountChanges changes = random_changes(rng, model, 300);
    const Hash predicted = state.root_with(changes);
    state.apply(changes);
    apply_to_model(model, changes);
    ASSERT_EQ(predicted, state.root()) << "round " << round;
  }
}

TEST(AccountState, RootWithDoesNotModifyTheState) {
  std::mt19937_64 rng(3);
  Model model;
  for (int i = 0; i < 500; ++i) model[crowded_key(rng)] = random_account(rng);
  const AccountState state = rebuilt_from(model);
  const Hash root = state.root();
  const AccountChanges changes = random_changes(rng, model, 200);
  ASSERT_NE(state.root_with(changes), root);
  EXPECT_EQ(state.root(), root);
  EXPECT_EQ(state.size(), model.size());
  Model seen;
  state.for_each([&](const PubKey& pk, const Account& a) { seen[pk] = a; });
  EXPECT_EQ(seen, model);
}

TEST(AccountState, RootWithNoChangesIsTheCurrentRoot) {
  AccountState s;
  s.apply({{key_of(1, 1, 1), Account{Amount(1), 0}}});
  EXPECT_EQ(s.root_with({}), s.root());
}

TEST(AccountState, EmptyStateRootIsStableAndFollowsTheBucketLayout) {
  // Independent of AccountState: 65,536 leaves H(tag || varint 0), complete binary tree.
  Hash expected = hash_tagged("swarmchain/accounts/bucket/v1", Bytes{0x00});
  for (unsigned level = 0; level < AccountState::kBucketBits; ++level)
    expected = merkle_parent(expected, expected);
  EXPECT_EQ(AccountState().root(), expected);
  EXPECT_EQ(AccountState().root(), AccountState().root());
  AccountState rebuilt;
  rebuilt.rebuild();
  EXPECT_EQ(rebuilt.root(), expected);
}

TEST(AccountState, RemovingEveryAccountReturnsToTheEmptyRoot) {
  const Hash empty = AccountState().root();
  AccountState s;
  s.apply({{key_of(1, 0, 0), Account{Amount(5), 2}}, {key_of(200, 7, 0), Account{Amount(9), 0}}});
  ASSERT_NE(s.root(), empty);
  s.apply({{key_of(1, 0, 0), Account{}}, {key_of(200, 7, 0), Account{}}});
  EXPECT_EQ(s.root(), empty);
  EXPECT_EQ(s.size(), 0u);
}

TEST(AccountState, RootFollowsTheDocumentedBucketLayout) {
  // Two accounts in bucket 0x0102 (ascending by pubkey), one in bucket 0xfffe.
  const PubKey a = key_of(1, 2, 0x10), b = key_of(1, 2, 0x20), c = key_of(0xff, 0xfe, 0);
  const Account acc_a{Amount(1000), 3}, acc_b{Amount(7), 0}, acc_c{Amount(0), 4};
  AccountState s;
  s.apply({{b, acc_b}, {c, acc_c}, {a, acc_a}});

  auto leaf = [](const std::vector<std::pair<PubKey, Account>>& entries) {
    Writer w;
    w.varint(entries.size());
    for (const auto& [pk, acc] : entries) {
      w.raw(pk.view());
      w.u64(acc.balance.atomic());
      w.u64(acc.nonce);
    }
    return hash_tagged("swarmchain/accounts/bucket/v1", w.data());
  };
  std::vector<Hash> leaves(AccountState::kBuckets, leaf({}));
  leaves[0x0102] = leaf({{a, acc_a}, {b, acc_b}});
  leaves[0xfffe] = leaf({{c, acc_c}});
  EXPECT_EQ(s.root(), merkle_root(leaves));
}

TEST(AccountState, OrderAndBatchingOfChangesDoNotMatter) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<PubKey, Account>> accounts;
  for (int i = 0; i < 3000; ++i) accounts.emplace_back(crowded_key(rng), random_account(rng));

  AccountState all_at_once;
  all_at_once.apply(AccountChanges(accounts.begin(), accounts.end()));

  std::shuffle(accounts.begin(), accounts.end(), rng);
  AccountState in_batches;
  for (std::size_t i = 0; i < accounts.size();) {
    const std::size_t n = std::min<std::size_t>(accounts.size() - i, 1 + rng() % 97);
    in_batches.apply(AccountChanges(accounts.begin() + static_cast<std::ptrdiff_t>(i),
                                    accounts.begin() + static_cast<std::ptrdiff_t>(i + n)));
    i += n;
  }
  EXPECT_EQ(in_batches.root(), all_at_once.root());
  EXPECT_EQ(in_batches.size(), all_at_once.size());
}

TEST(AccountState, SettingTheSameValueTwiceDoesNotChangeTheRoot) {
  AccountState s;
  const AccountChanges changes{{key_of(4, 4, 4), Account{Amount(44), 4}}};
  s.apply(changes);
  const Hash root = s.root();
  s.apply(changes);
  EXPECT_EQ(s.root(), root);
  EXPECT_EQ(s.size(), 1u);
}

}  // namespace
}  // namespace swarmchain

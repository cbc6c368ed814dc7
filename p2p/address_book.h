// The p2p address book: the listen addresses ("ip:port") of peers we know, bounded, and its
// file. The file is text, one address a line after a header line:
//   # swarmchain p2p address book v1
//   127.0.0.1:22022
// It is written atomically (temp file + rename, common/file_util.h); a file that does not
// parse is refused as a whole (the Host logs it and starts with an empty book).
//
// Thread-safety: a single-thread value; the Host guards it with its mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/expected.h"

namespace swarmchain::p2p {

inline constexpr std::size_t kAddressBookCapacity = 1000;
inline constexpr const char* kAddressBookHeader = "# swarmchain p2p address book v1";

class AddressBook {
 public:
  explicit AddressBook(std::size_t capacity = kAddressBookCapacity) : cap_(capacity) {}

  // Adds a canonical "ip:port" (PeerAddress::parse); false if invalid or already there. When
  // full, a random entry makes room (an attacker's list cannot pin the book).
  bool add(const std::string& address, std::mt19937_64& rng);
  void remove(const std::string& address);
  bool contains(const std::string& address) const { return index_.count(address) != 0; }
  const std::vector<std::string>& all() const { return list_; }
  std::size_t size() const { return list_.size(); }

  std::string serialize() const;
  static Expected<AddressBook> parse(const std::string& text, std::size_t capacity = kAddressBookCapacity);
  static Expected<AddressBook> load(const std::filesystem::path& path,
                                    std::size_t capacity = kAddressBookCapacity);
  Status save(const std::filesystem::path& path) const;

 private:
  bool insert(const std::string& address);
  std::size_t cap_;
  std::vector<std::string> list_;
  std::unordered_map<std::string, std::size_t> index_;  // address -> position in list_
};

}  // namespace swarmchain::p2p

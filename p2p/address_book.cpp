#include "p2p/address_book.h"

#include <sstream>

#include "common/file_util.h"
#include "p2p/message.h"

namespace swarmchain::p2p {

bool AddressBook::insert(const std::string& address) {
  if (index_.count(address)) return false;
  index_[address] = list_.size();
  list_.push_back(address);
  return true;
}

bool AddressBook::add(const std::string& address, std::mt19937_64& rng) {
  auto parsed = PeerAddress::parse(address);
  if (!parsed || parsed->to_string() != address || index_.count(address)) return false;
  if (cap_ == 0) return false;
  if (list_.size() >= cap_)
    remove(list_[std::uniform_int_distribution<std::size_t>(0, list_.size() - 1)(rng)]);
  return insert(address);
}

void AddressBook::remove(const std::string& address) {
  auto it = index_.find(address);
  if (it == index_.end()) return;
  const std::size_t pos = it->second;
  index_.erase(it);
  if (pos + 1 != list_.size()) {
    list_[pos] = std::move(list_.back());
    index_[list_[pos]] = pos;
  }
  list_.pop_back();
}

std::string AddressBook::serialize() const {
  std::string out = std::string(kAddressBookHeader) + "\n";
  for (const auto& a : list_) out += a + "\n";
  return out;
}

Expected<AddressBook> AddressBook::parse(const std::string& text, std::size_t capacity) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kAddressBookHeader)
    return fail("address book: the first line is not '" + std::string(kAddressBookHeader) + "'");
  AddressBook book(capacity);
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto a = PeerAddress::parse(line);
    if (!a || a->to_string() != line)
      return fail("address book: line " + std::to_string(n) + " is not an ip:port");
    if (book.size() >= capacity) return fail("address book: more than " + std::to_string(capacity) + " entries");
    book.insert(line);
  }
  return book;
}

Expected<AddressBook> AddressBook::load(const std::filesystem::path& path, std::size_t capacity) {
  auto text = read_file(path, 1 << 20);
  if (!text) return unexpected(text.error());
  return parse(*text, capacity);
}

Status AddressBook::save(const std::filesystem::path& path) const {
  return write_file_atomic(path, serialize(), 0644, /*overwrite=*/true);
}

}  // namespace swarmchain::p2p

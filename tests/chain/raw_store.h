// Test helpers that damage a closed chain store the way a failing disk would: RocksDB opened
// directly (every column family) to write a value the store would never write or to flush the
// memtables into SST files, and byte flips in a file.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace swarmchain::test {

// 8-byte big-endian height, as the store keys blocks and certificates.
inline std::string height_key(uint64_t h) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, h >>= 8) s[static_cast<std::size_t>(i)] = static_cast<char>(h & 0xff);
  return s;
}

class RawStore {
 public:
  explicit RawStore(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), descs, &handles_, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(raw);
    names_ = names;
  }
  ~RawStore() {
    if (!db_) return;
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }
  // Drops a column family, as a store written before it existed has none.
  void drop(const std::string& cf) {
    rocksdb::Status s = db_->DropColumnFamily(handle(cf));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void put(const std::string& cf, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = db_->Put(wo, handle(cf), key, value);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void flush_all() {
    rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), handles_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  // The SST files holding column family `cf` (full paths).
  std::vector<std::filesystem::path> sst_files(const std::string& cf) const {
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::vector<std::filesystem::path> out;
    for (const auto& f : files)
      if (f.column_family_name == cf)
        out.push_back(std::filesystem::path(f.directory) / f.relative_filename);
    return out;
  }

 private:
  rocksdb::ColumnFamilyHandle* handle(const std::string& cf) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == cf) return handles_[i];
    ADD_FAILURE() << "no column family " << cf;
    return handles_[0];
  }
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> names_;
};

// A RocksDB with nothing in it, as a first start killed before it wrote genesis leaves it.
inline void create_empty_rocksdb(const std::filesystem::path& dir) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir.string(), &raw);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  db->Close().PermitUncheckedError();
}

// Flips (xor 0xff) `n` bytes of `file` starting at `offset`.
inline void flip_bytes(const std::filesystem::path& file, std::size_t offset, std::size_t n) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f) << "cannot open " << file;
  std::string buf(n, '\0');
  f.seekg(static_cast<std::streamoff>(offset));
  f.read(buf.data(), static_cast<std::streamsize>(n));
  ASSERT_EQ(f.gcount(), static_cast<std::streamsize>(n)) << file << " is too short";
  for (char& c : buf) c = static_cast<char>(c ^ 0xff);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(buf.data(), static_cast<std::streamsize>(n));
  ASSERT_TRUE(f.good());
}

}  // namespace swarmchain::test

// One swarmchaind per datadir: <datadir>/swarmchaind.lock, held with flock(2) for the life of
// the process and holding its pid. The kernel drops the lock when the process dies however it
// dies, so a lock file left by a killed node never blocks a restart (the file stays; the lock
// does not). Taken before anything is printed or written, so a second node says "datadir D is
// in use by another swarmchaind (pid N)" and nothing else (RocksDB's own LOCK would only say so
// after the banner, in its words).
//
// Thread-safety: a value type; acquire() from one thread.
#pragma once

#include <filesystem>

#include "common/expected.h"

namespace swarmchain {

inline constexpr const char* kDatadirLockFile = "swarmchaind.lock";

enum class DatadirLockError { kInUse = 1, kIo };

class DatadirLock {
 public:
  // REQUIRES: `datadir` exists. kInUse when another process holds it (the message names its
  // pid as written in the file), kIo when the file cannot be opened or locked.
  static Expected<DatadirLock> acquire(const std::filesystem::path& datadir);

  DatadirLock(DatadirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DatadirLock& operator=(DatadirLock&& other) noexcept;
  DatadirLock(const DatadirLock&) = delete;
  DatadirLock& operator=(const DatadirLock&) = delete;
  ~DatadirLock();  // releases the lock; the file stays (see above)

 private:
  explicit DatadirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace swarmchain

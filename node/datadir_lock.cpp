#include "node/datadir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace swarmchain {

namespace {

// The pid the holder wrote, or "unknown" (it may be between its flock and its write).
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Expected<DatadirLock> DatadirLock::acquire(const std::filesystem::path& datadir) {
  const auto path = datadir / kDatadirLockFile;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return fail(DatadirLockError::kIo, "cannot open the lock file " + path.string() + ": " +
                                           std::strerror(errno));
  DatadirLock lock(fd);  // closes fd on every return below
  int rc = 0;
  do rc = ::flock(fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EWOULDBLOCK)
      return fail(DatadirLockError::kInUse,
                  "datadir " + datadir.string() + " is in use by another swarmchaind (pid " +
                      holder_pid(fd) + "); stop that node first, or give another --datadir");
    return fail(DatadirLockError::kIo,
                "cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    return fail(DatadirLockError::kIo,
                "cannot write the lock file " + path.string() + ": " + std::strerror(errno));
  return lock;
}

DatadirLock& DatadirLock::operator=(DatadirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DatadirLock::~DatadirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace swarmchain

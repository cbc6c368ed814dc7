#include "common/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace swarmchain {

namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string named(std::string_view what, const std::filesystem::path& path) {
  return std::string(what) + " " + path.string();
}

// The owner and permission rule shared by files and directories: ours, and `forbidden` bits
// (group/other) clear. `fix` is the chmod that clears them.
Status check_owner_and_mode(const struct stat& st, std::string_view what,
                            const std::filesystem::path& path, mode_t forbidden,
                            const std::string& fix) {
  const uid_t me = ::geteuid();
  if (st.st_uid != me)
    return Status::error(PrivateFileError::kNotPrivate,
                         named(what, path) + " is owned by uid " + std::to_string(st.st_uid) +
                             ", not by uid " + std::to_string(me) +
                             " that runs this program; run it as that user, or: chown " +
                             std::to_string(me) + " " + path.string());
  if ((st.st_mode & forbidden) != 0) {
    const mode_t open_bits = st.st_mode & forbidden;
    const char* how = (open_bits & 044) ? "readable" : (open_bits & 022) ? "writable" : "usable";
    return Status::error(PrivateFileError::kNotPrivate,
                         named(what, path) + " is " + how + " by others (mode " +
                             octal_mode(st.st_mode) + "); run: " + fix + " " + path.string());
  }
  return Status::ok();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Status write_private_file(const std::filesystem::path& path, std::string_view data,
                          bool overwrite, DirSync sync_dir) {
  return write_file_atomic(path, data, 0600, overwrite, sync_dir);
}

Expected<std::string> read_private_file(const std::filesystem::path& path, std::size_t max_bytes,
                                        std::string_view what) {
  // O_NONBLOCK: a FIFO at the path must be refused below, not block us waiting for a writer.
  const int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (raw < 0) {
    const int err = errno;
    if (err == ENOENT) return fail(PrivateFileError::kNotFound, "no " + named(what, path));
    if (err == ELOOP)
      return fail(PrivateFileError::kSymlink,
                  named(what, path) +
                      " is a symlink; swarmchain reads key files only directly; replace the "
                      "link with the file it points to (mode 0600)");
    return fail(PrivateFileError::kIo, "cannot open " + named(what, path) + ": " + errno_text(err));
  }
  Fd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return fail(PrivateFileError::kIo, "cannot stat " + named(what, path) + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode))
    return fail(PrivateFileError::kNotRegular, named(what, path) + " is not a regular file");
  if (Status s = check_owner_and_mode(st, what, path, 077, "chmod 600"); !s)
    return unexpected(std::move(s));
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return fail(PrivateFileError::kTooLarge, named(what, path) + " is " +
                                                 std::to_string(st.st_size) + " bytes, more than the " +
                                                 std::to_string(max_bytes) + " expected");
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(PrivateFileError::kIo, "cannot read " + named(what, path) + ": " + errno_text(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_bytes)  // it grew since the fstat
      return fail(PrivateFileError::kTooLarge, named(what, path) + " is more than the " +
                                                   std::to_string(max_bytes) + " bytes expected");
  }
  return text;
}

Status check_private_dir(const std::filesystem::path& dir, std::string_view what) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return Status::error(PrivateFileError::kNotFound, named(what, dir) + " does not exist");
    return Status::error(PrivateFileError::kIo, "cannot stat " + named(what, dir) + ": " + errno_text(err));
  }
  if (!S_ISDIR(st.st_mode))
    return Status::error(PrivateFileError::kNotRegular, named(what, dir) + " is not a directory");
  return check_owner_and_mode(st, what, dir, 022, "chmod 700");
}

Status create_dirs_0700(const std::filesystem::path& dir) {
  if (dir.empty()) return Status::error(PrivateFileError::kIo, "cannot create a directory with an empty name");
  std::filesystem::path prefix;
  for (const auto& part : dir) {
    prefix /= part;
    if (::mkdir(prefix.c_str(), 0700) == 0) {
      // mkdir's mode is cut by the umask; the created directory gets exactly 0700.
      if (::chmod(prefix.c_str(), 0700) != 0)
        return Status::error(PrivateFileError::kIo, "cannot chmod 700 " + prefix.string() + ": " +
                                                        errno_text(errno));
      continue;
    }
    const int err = errno;
    if (err == EEXIST) continue;  // exists already (a file here fails at the next mkdir or below)
    return Status::error(PrivateFileError::kIo, "cannot create directory " + prefix.string() + ": " +
                                                    errno_text(err));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Status::error(PrivateFileError::kNotRegular,
                         "cannot create directory " + dir.string() + ": a file of that name exists");
  return Status::ok();
}

Status create_private_dir(const std::filesystem::path& dir, std::string_view what) {
  if (Status s = create_dirs_0700(dir); !s) return s;
  return check_private_dir(dir, what);
}

}  // namespace swarmchain

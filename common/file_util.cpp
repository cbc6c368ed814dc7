#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace swarmchain {

std::string errno_text(int err) { return std::strerror(err); }

Status fsync_directory(const std::filesystem::path& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::error("cannot open directory " + dir.string() + ": " + errno_text(errno));
  if (fsync(dfd) != 0) {
    std::string msg = "fsync of directory " + dir.string() + " failed: " + errno_text(errno);
    ::close(dfd);
    return Status::error(msg);
  }
  ::close(dfd);
  return Status::ok();
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode,
                         bool overwrite, DirSync sync_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec))
    return Status::error("refusing to overwrite existing file " + path.string());
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = mkstemp(tmp.data());
  if (fd < 0) return Status::error("cannot create a file in " + dir.string() + ": " + errno_text(errno));
  auto cleanup = [&](const std::string& what) {
    std::string msg = what + ": " + errno_text(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::error(msg);
  };
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) return cleanup("chmod " + tmp);
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup("write " + tmp);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) return cleanup("fsync " + tmp);
  ::close(fd);
  if (overwrite ? std::rename(tmp.c_str(), path.c_str()) != 0
                : ::link(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = "cannot create " + path.string() + ": " + errno_text(errno);
    ::unlink(tmp.c_str());
    return Status::error(msg);
  }
  if (!overwrite) ::unlink(tmp.c_str());  // link() made `path`; drop the temp name
  if (Status s = sync_dir(dir); !s) {
    if (!overwrite) ::unlink(path.c_str());
    return Status::error("cannot make " + path.string() + " durable: " + s.message());
  }
  return Status::ok();
}

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes)
    return fail(path.string() + " is " + std::to_string(size) + " bytes, more than the " +
                std::to_string(max_bytes) + " expected");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace swarmchain

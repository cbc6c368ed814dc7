// Files at rest that only the user running swarmchain may read: the node key, the sign state,
// wallet keystores (and the RPC cookie). docs/operator.md "Files at rest" is the user's view.
//
// The rules, and why:
// - Written 0600 whatever the umask, atomically (write_file_atomic): a crash leaves the old
//   file or the new one, never a half key.
// - Read only directly: the last path component must not be a symlink (O_NOFOLLOW). A link
//   lets whoever can write the directory it lives in point the node at a key of their choice.
// - Read only when private: the opened file (fstat of the fd, not the path, so nothing can be
//   swapped between the check and the read) must be a regular file owned by the effective uid
//   with no group or other permission bit. A key others could read is a key others may hold;
//   refusing it is the only way the operator learns of it.
// - Data directories are created 0700 (each missing component), whatever the umask, and an
//   existing data directory must be ours and writable by nobody else: whoever can write it can
//   replace the files in it. The data directory itself may be a symlink (moved to another
//   disk is common and safe as long as the target passes the same checks).
//
// Every refusal says what is wrong and the command that fixes it, e.g.
//   "node key /x/node_key is readable by others (mode 0644); run: chmod 600 /x/node_key"
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "common/file_util.h"

namespace swarmchain {

// Status codes of read_private_file and check_private_dir (Status::code_as<PrivateFileError>()).
enum class PrivateFileError {
  kOk = 0,
  kNotFound,    // nothing at the path
  kSymlink,     // the path is a symlink
  kNotRegular,  // a directory, FIFO, device...: not a plain file (or, for a dir, not a dir)
  kNotPrivate,  // group/other permission bits, or owned by another user
  kTooLarge,    // more than max_bytes
  kIo,          // the operating system refused open/stat/read
};

// Writes `data` to `path` with mode 0600 (whatever the umask), atomically and durably (see
// write_file_atomic). Refuses to replace an existing file unless `overwrite`. With
// `overwrite`, a symlink at `path` is replaced by the file, never followed.
Status write_private_file(const std::filesystem::path& path, std::string_view data,
                          bool overwrite, DirSync sync_dir = fsync_directory);

// Reads the whole file at `path` if it is private (see the rules above); refuses more than
// `max_bytes`. `what` names the file in messages ("node key", "keystore", "sign state").
// A FIFO at the path is refused, not waited on.
Expected<std::string> read_private_file(const std::filesystem::path& path, std::size_t max_bytes,
                                        std::string_view what);

// Refuses `dir` unless it is a directory (following a symlink), owned by the effective uid
// and not writable by group or others. `what` names it in messages ("datadir").
Status check_private_dir(const std::filesystem::path& dir, std::string_view what);

// Creates `dir` and its missing parents, each with mode 0700 whatever the umask. Existing
// directories are left as they are (a wallet may live in /tmp or $HOME).
Status create_dirs_0700(const std::filesystem::path& dir);

// create_dirs_0700, then check_private_dir: a data directory ready for keys.
Status create_private_dir(const std::filesystem::path& dir, std::string_view what);

}  // namespace swarmchain

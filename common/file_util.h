// Small file helpers for the node and the wallet (not for the pure cores).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace swarmchain {

// fsync of a directory, so that the names created, renamed or removed in it are durable.
Status fsync_directory(const std::filesystem::path& dir);

// How write_file_atomic makes the directory durable: fsync_directory, or (in a test) a step
// that fails, since no real file system can be made to fail a directory fsync on demand.
using DirSync = Status (*)(const std::filesystem::path& dir);

// Writes `data` to `path` atomically: a temp file in the same directory (mode `mode` whatever
// the umask), fsync, then link (no overwrite) or rename (overwrite), then fsync of the
// directory. After a crash there is either the old file (or none) or the complete new one.
// Refuses to replace an existing file unless `overwrite`.
// Returns ok only once the new file is durable. If the directory fsync fails the write is
// reported failed: without `overwrite` the new name is removed again (so a retry can create
// it); with `overwrite` the new content stays in place but may not survive a crash.
Status write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode,
                         bool overwrite, DirSync sync_dir = fsync_directory);

// The text of an errno value, e.g. "No such file or directory".
std::string errno_text(int err);

// Reads a whole (small) file; refuses files above max_bytes.
Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 16 << 20);

}  // namespace swarmchain

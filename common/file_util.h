// Small file helpers for the node and the wallet (not for the pure cores).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace swarmchain {

// Writes `data` to `path` atomically: a temp file in the same directory (mode `mode` whatever
// the umask), fsync, then link (no overwrite) or rename (overwrite), then fsync of the
// directory. After a crash there is either the old file (or none) or the complete new one.
// Refuses to replace an existing file unless `overwrite`.
Status write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode,
                         bool overwrite);

// The text of an errno value, e.g. "No such file or directory".
std::string errno_text(int err);

// Reads a whole (small) file; refuses files above max_bytes.
Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = 16 << 20);

}  // namespace swarmchain

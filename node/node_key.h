// The node's ed25519 key (service node + validator identity), in `<datadir>/node_key`:
// one line of 64 lowercase hex digits (the seed), mode 0600. It never leaves the node:
// registrations are signed on the node (`swarmchaind prepare-registration`).
#pragma once

#include <filesystem>

#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain {

// Refuses a key file that is a symlink, readable by others or another user's
// (common/private_file.h), saying how to fix it.
Expected<KeyPair> load_node_key(const std::filesystem::path& path);
// Creates a new key file; refuses to overwrite an existing one.
Expected<KeyPair> create_node_key(const std::filesystem::path& path);

}  // namespace swarmchain

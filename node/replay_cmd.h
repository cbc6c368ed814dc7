// `swarmchaind replay --datadir D`: checks a stopped node's chain store by replaying it. Every
// stored block 1..tip is committed again, with its certificate, into a fresh chain in memory
// started from the genesis (so each block, signature, certificate and state root is checked
// as a peer's would be), and the replayed tip and roots must equal what the store holds. It
// also reads the sign state and refuses a store below the height this node already committed.
// The crash-loop tests run it after every kill -9 (docs/testing.md); an operator can run it
// after a crash or a disk problem.
//
// Thread-safety: main thread only (a CLI command). The node must be stopped (RocksDB's lock).
#pragma once

#include <filesystem>

namespace swarmchain {

struct ReplayOptions {
  std::filesystem::path datadir;
  std::filesystem::path genesis;  // empty: <datadir>/genesis.json
};

// 0 when the store replays to the same tip and roots (one summary line on stdout); 1 with a
// message on stderr otherwise.
int run_replay(const ReplayOptions& o);

}  // namespace swarmchain

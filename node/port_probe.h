// Is a listen address free? Asked before `--dev` writes anything and before the node opens its
// chain, so a busy RPC or p2p port is one clear line, not a half-made datadir or a failure
// after the banner. A probe, not a reservation: the real listener binds later and still reports
// a port taken in between.
//
// Thread-safety: a pure function of the host's sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace swarmchain {

// Binds a TCP socket to host:port (SO_REUSEADDR, as the real listeners do) and closes it.
// Port 0 is always free. The error names `flag` (e.g. "--rpc-bind"), the address as a user
// writes it, and what to do.
Status check_listen_address(const std::string& host, uint16_t port, std::string_view flag);

}  // namespace swarmchain

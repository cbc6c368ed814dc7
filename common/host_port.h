// "host:port" as users type it on a command line: a name, an IPv4 address, or an IPv6 address
// in brackets ("[::1]:22023", as in a URL). The host is kept without the brackets (what a
// socket API takes) and printed with them again, so a user reads back what they wrote.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace swarmchain {

struct HostPort {
  std::string host;  // without brackets: "::1", "127.0.0.1", "localhost"
  uint16_t port = 0;
};

// Errors name the flag (`what`, e.g. "--rpc-bind") and the text, and say the form expected;
// an IPv6 address without brackets ("::1:22023" is ambiguous) is refused saying so.
Expected<HostPort> parse_host_port(std::string_view text, std::string_view what);

// "host:port", with brackets around an IPv6 host: "[::1]:22023".
std::string format_host_port(std::string_view host, uint16_t port);

}  // namespace swarmchain

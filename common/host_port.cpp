#include "common/host_port.h"

#include <charconv>

namespace swarmchain {

Expected<HostPort> parse_host_port(std::string_view text, std::string_view what) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const std::string usage = std::string(what) + " must be host:port (an IPv6 address in "
                                                "brackets: [::1]:22023), got " + quoted;
  HostPort out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail(usage);
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return fail(usage);
    if (text.substr(0, colon).find(':') != std::string_view::npos)
      return fail(std::string(what) + ": " + quoted +
                  " looks like an IPv6 address; put it in brackets: [" +
                  std::string(text.substr(0, colon)) + "]:" + std::string(text.substr(colon + 1)));
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (out.host.empty()) return fail(usage);
  unsigned long port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    return fail(std::string(what) + ": the port in " + quoted + " must be a number from 0 to 65535");
  out.port = static_cast<uint16_t>(port);
  return out;
}

std::string format_host_port(std::string_view host, uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

}  // namespace swarmchain

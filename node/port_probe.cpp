#include "node/port_probe.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/host_port.h"

namespace swarmchain {

Status check_listen_address(const std::string& host, uint16_t port, std::string_view flag) {
  if (port == 0) return Status::ok();
  const std::string where = format_host_port(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return Status::error(std::string(flag) + " " + where + ": cannot resolve '" + host +
                         "': " + ::gai_strerror(rc));
  int err = 0;
  const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    err = errno;
  } else {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (err == 0) return Status::ok();
  if (err == EADDRINUSE)
    return Status::error(std::string(flag) + " " + where +
                         ": the address is in use (another swarmchaind, or another program: `ss "
                         "-ltnp 'sport = :" + service + "'` shows which); stop it or give " +
                         std::string(flag) + " another port");
  if (err == EADDRNOTAVAIL)
    return Status::error(std::string(flag) + " " + where + ": " + host +
                         " is not an address of this machine");
  if (err == EACCES)
    return Status::error(std::string(flag) + " " + where +
                         ": permission denied (ports below 1024 need root)");
  return Status::error(std::string(flag) + " " + where + ": " + std::strerror(err));
}

}  // namespace swarmchain

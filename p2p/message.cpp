#include "p2p/message.h"

#include <arpa/inet.h>

#include <charconv>

#include "common/codec.h"

namespace swarmchain::p2p {

std::optional<PeerAddress> PeerAddress::parse(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return std::nullopt;
  PeerAddress a;
  a.port = static_cast<uint16_t>(port);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    const std::string h(host.substr(1, host.size() - 2));
    if (inet_pton(AF_INET6, h.c_str(), a.ip.data()) != 1) return std::nullopt;
    a.v6 = true;
  } else {
    const std::string h(host);
    if (inet_pton(AF_INET, h.c_str(), a.ip.data()) != 1) return std::nullopt;
  }
  return a;
}

std::string PeerAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, ip.data(), buf, sizeof(buf));
  return v6 ? "[" + std::string(buf) + "]:" + std::to_string(port)
            : std::string(buf) + ":" + std::to_string(port);
}

namespace {

void write_address(Writer& w, const PeerAddress& a) {
  w.u8(a.v6 ? 6 : 4);
  w.raw(ByteView(a.ip.data(), a.v6 ? 16 : 4));
  w.u16(a.port);
}

PeerAddress read_address(Reader& r) {
  PeerAddress a;
  const uint8_t family = r.u8();
  if (r.ok() && family != 4 && family != 6)
    r.fail(DecodeError::kBadEnum, "unknown address family " + std::to_string(family));
  a.v6 = family == 6;
  for (std::size_t i = 0; i < (a.v6 ? 16u : 4u); ++i) a.ip[i] = r.u8();
  a.port = r.u16();
  if (r.ok() && a.port == 0) r.fail(DecodeError::kBadValue, "address with port 0");
  return a;
}

struct Encoder {
  Writer& w;
  void operator()(const Auth& m) { w.u8(0); w.fixed(m.signature); }
  void operator()(const Hello& m) {
    w.u8(1);
    w.u32(m.protocol_version);
    w.fixed(m.chain_id);
    w.fixed(m.genesis_hash);
    w.u64(m.height);
    w.u16(m.listen_port);
  }
  void operator()(const Payload& m) { w.u8(2); w.raw(m.data); }
  void operator()(const Ping& m) { w.u8(3); w.u64(m.height); }
  void operator()(const Pong& m) { w.u8(4); w.u64(m.height); }
  void operator()(const GetPeers&) { w.u8(5); }
  void operator()(const Peers& m) {
    w.u8(6);
    w.varint(m.addresses.size());
    for (const auto& a : m.addresses) write_address(w, a);
  }
};

}  // namespace

Bytes encode_message(const Message& m) {
  Writer w;
  std::visit(Encoder{w}, m);
  return w.take();
}

Bytes encode_payload(ByteView data) {
  Bytes out;
  out.reserve(data.size() + 1);
  out.push_back(static_cast<uint8_t>(MessageKind::kPayload));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Expected<Message> decode_message(ByteView in) {
  Reader r(in);
  const auto kind = r.enumeration<MessageKind>(static_cast<uint8_t>(MessageKind::kPeers));
  if (!r.ok()) return unexpected(r.status());
  Message m;
  switch (kind) {
    case MessageKind::kAuth: m = Auth{r.fixed<Signature>()}; break;
    case MessageKind::kHello: {
      Hello h;
      h.protocol_version = r.u32();
      h.chain_id = r.fixed<Hash>();
      h.genesis_hash = r.fixed<Hash>();
      h.height = r.u64();
      h.listen_port = r.u16();
      m = h;
      break;
    }
    case MessageKind::kPayload: return Message(Payload{Bytes(in.begin() + 1, in.end())});
    case MessageKind::kPing: m = Ping{r.u64()}; break;
    case MessageKind::kPong: m = Pong{r.u64()}; break;
    case MessageKind::kGetPeers: m = GetPeers{}; break;
    case MessageKind::kPeers: {
      Peers p;
      const uint64_t n = r.count(kMaxPeersPerMessage);
      for (uint64_t i = 0; i < n && r.ok(); ++i) p.addresses.push_back(read_address(r));
      m = std::move(p);
      break;
    }
  }
  Status s = r.finish();
  if (!s) return unexpected(std::move(s));
  return m;
}

const char* kind_name(const Message& m) {
  static const char* const kNames[] = {"auth", "hello", "payload", "ping", "pong", "get_peers", "peers"};
  return kNames[m.index()];
}

}  // namespace swarmchain::p2p

// p2p control messages, the plaintext inside a frame. One kind byte, then the body.
//
// Grammar (docs/p2p.md; u16/u32/u64 little-endian, varint as common/codec.h):
//   0 Auth     signature fixed<64>                   first frame each way, only there
//   1 Hello    version u32 || chain_id fixed<32> || genesis fixed<32> || height u64 || listen_port u16
//                                                     second frame each way, only there
//   2 Payload  the node's opaque bytes to the end of the frame (may be empty)
//   3 Ping     height u64
//   4 Pong     height u64
//   5 GetPeers (no body)
//   6 Peers    varint n (n <= 64) || n * address
//      address = family u8 (4 or 6) || ip (4 or 16 bytes) || port u16 (1..65535)
// Decoders reject unknown kinds and families, port 0, over-long lists and trailing bytes.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"

namespace swarmchain::p2p {

inline constexpr std::size_t kMaxPeersPerMessage = 64;

enum class MessageKind : uint8_t {
  kAuth = 0,
  kHello = 1,
  kPayload = 2,
  kPing = 3,
  kPong = 4,
  kGetPeers = 5,
  kPeers = 6,
};

// An IP literal and a port: what peers tell each other (no host names on the wire).
struct PeerAddress {
  bool v6 = false;
  std::array<uint8_t, 16> ip{};  // v4 uses the first 4 bytes
  uint16_t port = 0;

  // "1.2.3.4:5" or "[::1]:5"; nullopt for anything else (host names, port 0, junk).
  static std::optional<PeerAddress> parse(std::string_view text);
  std::string to_string() const;
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

struct Auth {
  Signature signature;
  friend bool operator==(const Auth&, const Auth&) = default;
};
struct Hello {
  uint32_t protocol_version = 0;
  Hash chain_id;
  Hash genesis_hash;
  uint64_t height = 0;
  uint16_t listen_port = 0;  // 0: it accepts no connections
  friend bool operator==(const Hello&, const Hello&) = default;
};
struct Payload {
  Bytes data;
  friend bool operator==(const Payload&, const Payload&) = default;
};
struct Ping {
  uint64_t height = 0;
  friend bool operator==(const Ping&, const Ping&) = default;
};
struct Pong {
  uint64_t height = 0;
  friend bool operator==(const Pong&, const Pong&) = default;
};
struct GetPeers {
  friend bool operator==(const GetPeers&, const GetPeers&) = default;
};
struct Peers {
  std::vector<PeerAddress> addresses;  // at most kMaxPeersPerMessage
  friend bool operator==(const Peers&, const Peers&) = default;
};

using Message = std::variant<Auth, Hello, Payload, Ping, Pong, GetPeers, Peers>;

Bytes encode_message(const Message& m);
// The plaintext of a Payload message without building a Payload (no copy of a large body).
Bytes encode_payload(ByteView data);
// Errors carry a DecodeError code (common/codec.h).
Expected<Message> decode_message(ByteView in);
const char* kind_name(const Message& m);

}  // namespace swarmchain::p2p

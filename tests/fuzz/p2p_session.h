// The input format of fuzz_p2p_frames, shared with the seed-corpus generator: one TCP session
// against a p2p::Host, as bytes.
//
//   session = flags u8 || record*
//   flags   bit 0: we send an honest first message (the handshake completes, records after it
//                  are sealed with the session keys); clear: every byte after the flags is
//                  written raw to the socket before any handshake (the 72-byte message parser)
//           bit 1: then an honest Auth frame;  bit 2: then an honest Hello on the host's chain
//   record  = op u8 || length u16 (little-endian) || length bytes
//           op even: one frame sealed around the bytes (a plaintext message of our choosing)
//           op odd:  the bytes raw (broken lengths, tampered ciphertext, partial frames)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"

namespace swarmchain::fuzz {

inline constexpr uint8_t kHonestFirstMessage = 1;
inline constexpr uint8_t kHonestAuth = 2;
inline constexpr uint8_t kHonestHello = 4;

struct SessionRecord {
  bool raw = false;
  Bytes bytes;
};

// Records until the input ends (a cut record takes what is left).
inline std::vector<SessionRecord> parse_records(ByteView in) {
  std::vector<SessionRecord> out;
  std::size_t i = 0;
  while (i < in.size()) {
    SessionRecord r;
    r.raw = (in[i] & 1) != 0;
    std::size_t len = 0;
    if (i + 1 < in.size()) len |= in[i + 1];
    if (i + 2 < in.size()) len |= static_cast<std::size_t>(in[i + 2]) << 8;
    i += 3;
    const std::size_t start = std::min(i, in.size());
    const std::size_t end = std::min(start + len, in.size());
    r.bytes.assign(in.begin() + static_cast<std::ptrdiff_t>(start),
                   in.begin() + static_cast<std::ptrdiff_t>(end));
    out.push_back(std::move(r));
    i = end;
  }
  return out;
}

inline void append_record(Bytes& session, bool raw, ByteView bytes) {
  session.push_back(raw ? 1 : 0);
  session.push_back(static_cast<uint8_t>(bytes.size()));
  session.push_back(static_cast<uint8_t>(bytes.size() >> 8));
  session.insert(session.end(), bytes.begin(), bytes.end());
}

}  // namespace swarmchain::fuzz

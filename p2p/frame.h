// p2p frames, the pure part: sealing and opening with XChaCha20-Poly1305-IETF.
//
// Grammar (docs/p2p.md):
//   frame = length u32 (little-endian) || ciphertext (length bytes, the 16-byte tag included)
//   nonce = 24 bytes: the direction's frame counter u64 LE in bytes 0..7, zeros after
//   associated data = the 4 length bytes
// Each direction has its own key (crypto_kx rx/tx) and counter, starting at 0 and incremented
// per frame; a dropped, reordered or replayed frame fails to open. A length below 16 or above
// max_frame_bytes is refused before anything is read or allocated.
//
// Thread-safety: single-thread values (one of each per connection, on its strand).
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes.h"
#include "common/expected.h"

namespace swarmchain::p2p {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::size_t kFrameTagBytes = 16;

enum class FrameError {
  kOk = 0,
  kTooShort = 1,       // length below the tag size
  kTooLarge = 2,       // length above max_frame_bytes
  kDecryptFailed = 3,  // wrong key, tampered, replayed or reordered
  kExhausted = 4,      // the nonce counter would wrap
};

// The 24-byte nonce of frame number `counter`.
std::array<uint8_t, 24> frame_nonce(uint64_t counter);

class FrameSealer {
 public:
  explicit FrameSealer(const std::array<uint8_t, 32>& key) : key_(key) {}
  ~FrameSealer();
  // length || ciphertext of `plaintext`, sealed under the next nonce.
  Expected<Bytes> seal(ByteView plaintext);
  uint64_t counter() const { return counter_; }

 private:
  std::array<uint8_t, 32> key_;
  uint64_t counter_ = 0;
};

class FrameOpener {
 public:
  FrameOpener(const std::array<uint8_t, 32>& key, std::size_t max_frame_bytes)
      : key_(key), max_(max_frame_bytes) {}
  ~FrameOpener();
  // The ciphertext length the 4-byte header announces, checked against the limits.
  Expected<uint32_t> frame_length(ByteView header) const;
  // Opens one whole frame (header || ciphertext); the counter advances only on success.
  Expected<Bytes> open(ByteView frame);
  uint64_t counter() const { return counter_; }

 private:
  std::array<uint8_t, 32> key_;
  std::size_t max_;
  uint64_t counter_ = 0;
};

}  // namespace swarmchain::p2p

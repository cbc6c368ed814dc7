#include "p2p/frame.h"

#include <sodium.h>

#include <limits>

#include "common/crypto.h"

namespace swarmchain::p2p {

static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kFrameTagBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);

std::array<uint8_t, 24> frame_nonce(uint64_t counter) {
  std::array<uint8_t, 24> n{};
  for (int i = 0; i < 8; ++i) n[static_cast<std::size_t>(i)] = static_cast<uint8_t>(counter >> (8 * i));
  return n;
}

FrameSealer::~FrameSealer() { secure_wipe(key_.data(), key_.size()); }
FrameOpener::~FrameOpener() { secure_wipe(key_.data(), key_.size()); }

Expected<Bytes> FrameSealer::seal(ByteView plaintext) {
  if (counter_ == std::numeric_limits<uint64_t>::max())
    return fail(FrameError::kExhausted, "frame counter exhausted");
  const std::size_t ct_len = plaintext.size() + kFrameTagBytes;
  if (ct_len > std::numeric_limits<uint32_t>::max())
    return fail(FrameError::kTooLarge, "frame above 4 GiB");
  Bytes out(kFrameHeaderBytes + ct_len);
  for (std::size_t i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(ct_len >> (8 * i));
  const auto nonce = frame_nonce(counter_++);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kFrameHeaderBytes, &written,
                                             plaintext.data(), plaintext.size(), out.data(),
                                             kFrameHeaderBytes, nullptr, nonce.data(), key_.data());
  return out;
}

Expected<uint32_t> FrameOpener::frame_length(ByteView header) const {
  if (header.size() < kFrameHeaderBytes) return fail(FrameError::kTooShort, "frame header truncated");
  uint32_t len = 0;
  for (std::size_t i = 0; i < 4; ++i) len |= uint32_t(header[i]) << (8 * i);
  if (len < kFrameTagBytes)
    return fail(FrameError::kTooShort, "frame of " + std::to_string(len) + " bytes, below the tag");
  if (len > max_)
    return fail(FrameError::kTooLarge, "frame of " + std::to_string(len) + " bytes above the limit " +
                                           std::to_string(max_));
  return len;
}

Expected<Bytes> FrameOpener::open(ByteView frame) {
  auto len = frame_length(frame);
  if (!len) return unexpected(len.error());
  if (frame.size() != kFrameHeaderBytes + *len)
    return fail(FrameError::kTooShort, "frame of " + std::to_string(frame.size()) +
                                           " bytes, header says " + std::to_string(*len));
  Bytes out(*len - kFrameTagBytes);
  const auto nonce = frame_nonce(counter_);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr,
                                                 frame.data() + kFrameHeaderBytes, *len,
                                                 frame.data(), kFrameHeaderBytes, nonce.data(),
                                                 key_.data()) != 0)
    return fail(FrameError::kDecryptFailed, "frame " + std::to_string(counter_) + " fails to decrypt");
  ++counter_;
  return out;
}

}  // namespace swarmchain::p2p

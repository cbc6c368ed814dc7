#include "common/codec.h"

namespace swarmchain {

void Writer::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void Reader::fail(DecodeError e, std::string what) {
  if (err_ != DecodeError::kOk) return;  // keep the first error
  err_ = e;
  what_ = std::move(what);
}

bool Reader::take(std::size_t n) {
  if (err_ != DecodeError::kOk) return false;
  if (remaining() < n) {
    fail(DecodeError::kTruncated, "input truncated at byte " + std::to_string(pos_));
    return false;
  }
  pos_ += n;
  return true;
}

uint64_t Reader::le(int n) {
  if (!take(static_cast<std::size_t>(n))) return 0;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t(in_[pos_ - n + i]) << (8 * i);
  return v;
}

uint8_t Reader::u8() {
  if (!take(1)) return 0;
  return in_[pos_ - 1];
}

uint64_t Reader::varint() {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    if (!take(1)) return 0;
    uint8_t b = in_[pos_ - 1];
    if (shift == 63 && (b & 0xfe) != 0) {
      fail(DecodeError::kVarintOverflow, "varint overflows 64 bits");
      return 0;
    }
    v |= uint64_t(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (b == 0 && shift != 0) {
        fail(DecodeError::kNonMinimalVarint, "non-minimal varint");
        return 0;
      }
      return v;
    }
  }
}

uint64_t Reader::count(std::size_t max_count) {
  uint64_t n = varint();
  if (ok() && n > max_count) {
    fail(DecodeError::kLengthTooLarge,
         "length " + std::to_string(n) + " above limit " + std::to_string(max_count));
    return 0;
  }
  return n;
}

Bytes Reader::bytes(std::size_t max_len) {
  uint64_t n = count(max_len);
  if (!take(n)) return {};
  return Bytes(in_.begin() + static_cast<std::ptrdiff_t>(pos_ - n),
               in_.begin() + static_cast<std::ptrdiff_t>(pos_));
}

std::string Reader::str(std::size_t max_len) {
  Bytes b = bytes(max_len);
  return std::string(b.begin(), b.end());
}

Status Reader::status() const {
  if (ok()) return Status::ok();
  return Status::error(err_, "decode error: " + what_);
}

Status Reader::finish() {
  if (ok() && remaining() != 0)
    fail(DecodeError::kTrailingBytes, std::to_string(remaining()) + " trailing bytes");
  return status();
}

}  // namespace swarmchain

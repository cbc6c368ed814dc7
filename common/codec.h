// Canonical binary codec (design §3). One encoding per type; both directions are written
// next to each other by each type (encode(Writer&) / decode(Reader&)).
//
// Grammar:
//   u8/u16/u32/u64   little-endian, fixed width
//   varint           unsigned LEB128, minimal (no trailing 0x80 groups, no "0x80 0x00"), <= u64
//   bytes<L>         varint length n (n <= L) || n bytes
//   fixed<N>         exactly N raw bytes (hashes, keys, signatures)
//   vector<T, L>     varint count n (n <= L) || n * T
//   enum             u8, decoder rejects unknown values
// Decoders reject trailing bytes (Reader::finish), non-minimal varints and over-limit lengths.
//
// Thread-safety: Writer and Reader are single-thread values.
#pragma once

#include <cstdint>
#include <string>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/expected.h"
#include "common/height.h"

namespace swarmchain {

enum class DecodeError {
  kOk = 0,
  kTruncated,
  kTrailingBytes,
  kNonMinimalVarint,
  kVarintOverflow,
  kLengthTooLarge,
  kBadEnum,
  kBadValue,
};

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void varint(uint64_t v);
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(ByteView b) {
    varint(b.size());
    raw(b);
  }
  void str(std::string_view s) { bytes(as_bytes(s)); }
  template <std::size_t N, typename Tag>
  void fixed(const FixedBytes<N, Tag>& f) {
    raw(f.view());
  }
  void amount(Amount a) { u64(a.atomic()); }
  void height(Height h) { u64(h.value); }

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

// A Reader stops at the first error; later reads return zero values and keep the first error,
// so a decoder can read all fields and check `ok()` once (like a stream's failbit).
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  uint8_t u8();
  uint16_t u16() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32() { return static_cast<uint32_t>(le(4)); }
  uint64_t u64() { return le(8); }
  uint64_t varint();
  Bytes bytes(std::size_t max_len);
  std::string str(std::size_t max_len);
  // A vector/element count, checked against max_count.
  uint64_t count(std::size_t max_count);
  template <typename Fixed>
  Fixed fixed() {
    Fixed f;
    if (!take(Fixed::kSize)) return f;
    std::copy_n(in_.data() + pos_ - Fixed::kSize, Fixed::kSize, f.data.begin());
    return f;
  }
  Amount amount() { return Amount(u64()); }
  Height height() { return Height(u64()); }
  // Reads a u8 enum and checks it is <= max_value.
  template <typename Enum>
  Enum enumeration(uint8_t max_value) {
    uint8_t v = u8();
    if (v > max_value) fail(DecodeError::kBadEnum, "unknown enum value " + std::to_string(v));
    return static_cast<Enum>(v);
  }

  void fail(DecodeError e, std::string what);
  bool ok() const { return err_ == DecodeError::kOk; }
  std::size_t remaining() const { return in_.size() - pos_; }
  // Checks that everything was consumed and no error happened.
  Status finish();
  Status status() const;

 private:
  bool take(std::size_t n);
  uint64_t le(int n);
  ByteView in_;
  std::size_t pos_ = 0;
  DecodeError err_ = DecodeError::kOk;
  std::string what_;
};

// decode_exact<T>(bytes): T::decode(reader) and then reader.finish().
template <typename T>
Expected<T> decode_exact(ByteView in) {
  Reader r(in);
  T value = T::decode(r);
  Status s = r.finish();
  if (!s) return unexpected(std::move(s));
  return value;
}

template <typename T>
Bytes encode(const T& value) {
  Writer w;
  value.encode(w);
  return w.take();
}

}  // namespace swarmchain

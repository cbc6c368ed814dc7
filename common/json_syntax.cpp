#include "common/json_syntax.h"

#include <cstdint>

namespace swarmchain {

namespace {

// Nesting beyond this is refused rather than recursed into (a hostile file cannot overflow the
// stack); nlohmann's own parser has no such limit, but no genesis nests more than 3 deep.
constexpr int kMaxDepth = 512;

class Checker {
 public:
  explicit Checker(std::string_view text) : s_(text) {}

  std::optional<JsonSyntaxError> run() {
    skip_space();
    if (!value(0)) return error_;
    skip_space();
    if (pos_ < s_.size()) fail("text after the end of the JSON value: " + shown(pos_));
    return error_;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }
  // The token at `at`, for a message: 'x' or a short word.
  std::string shown(std::size_t at) const {
    if (at >= s_.size()) return "the end of the file";
    const char c = s_[at];
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      static const char* kHex = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(c);
      return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 15];
    }
    return std::string("'") + c + "'";
  }
  bool fail(std::string what, std::optional<std::size_t> at = std::nullopt) {
    if (error_) return false;
    const std::size_t p = at.value_or(pos_);
    JsonSyntaxError e;
    for (std::size_t i = 0; i < p && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    e.what = std::move(what);
    error_ = std::move(e);
    return false;
  }
  bool expect_more(const char* what) {
    if (at_end()) return fail(std::string("the file ends too early: expected ") + what);
    return true;
  }

  bool value(int depth) {
    if (!expect_more("a value")) return false;
    if (depth > kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    const char c = peek();
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == '\'') return fail("single quotes: JSON strings and keys take double quotes (\")");
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return word();
    return fail("expected a value, found " + shown(pos_));
  }

  bool word() {
    const std::size_t start = pos_;
    while (!at_end() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z') ||
                         (peek() >= '0' && peek() <= '9') || peek() == '_'))
      ++pos_;
    const std::string_view w = s_.substr(start, pos_ - start);
    if (w == "true" || w == "false" || w == "null") return true;
    return fail("unknown word '" + std::string(w) +
                    "': a value is a number, a \"string\" in double quotes, true, false, null, "
                    "an object or an array",
                start);
  }

  bool number() {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
      return pos_ > from;
    };
    if (!at_end() && peek() == '0') {
      ++pos_;
      if (!at_end() && peek() >= '0' && peek() <= '9')
        return fail("a number with a leading zero: write it without the 0", start);
    } else if (!digits()) {
      return fail("a '-' without digits after it", start);
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!digits()) return fail("a '.' without digits after it in a number", start);
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!digits()) return fail("an exponent without digits in a number", start);
    }
    return true;
  }

  bool string() {
    const std::size_t start = pos_;
    ++pos_;  // the opening quote
    while (true) {
      if (at_end()) return fail("a string that is never closed (a missing '\"')", start);
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20)
        return fail(c == '\n' ? "a line break inside a string (a missing '\"', or write it as \\n)"
                              : "a control character inside a string (write it as an escape, "
                                "e.g. \\t)");
      if (c == '\\') {
        ++pos_;
        if (at_end()) return fail("a string that is never closed (a missing '\"')", start);
        const char e = peek();
        if (e == 'u') {
          const std::size_t at = pos_ - 1;
          const auto unit = hex4(pos_ + 1);
          if (!unit) return fail("\\u needs 4 hex digits", at);
          pos_ += 5;
          // UTF-16 surrogates come in pairs: a high one, then \u and a low one.
          if (*unit >= 0xdc00 && *unit <= 0xdfff)
            return fail("a \\u escape of a lone low surrogate", at);
          if (*unit >= 0xd800 && *unit <= 0xdbff) {
            const auto low = pos_ + 1 < s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u'
                                 ? hex4(pos_ + 2)
                                 : std::nullopt;
            if (!low || *low < 0xdc00 || *low > 0xdfff)
              return fail("a \\u escape of a high surrogate without its low one", at);
            pos_ += 6;
          }
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
          return fail(std::string("invalid escape '\\") + e + "' in a string", pos_ - 1);
        ++pos_;
        continue;
      }
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      if (!utf8_sequence()) return fail("invalid UTF-8 inside a string");
    }
  }

  // The 4 hex digits at `at` as a number; nullopt if they are not 4 hex digits.
  std::optional<uint32_t> hex4(std::size_t at) const {
    uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (at + i >= s_.size()) return std::nullopt;
      const char h = s_[at + i];
      uint32_t d = 0;
      if (h >= '0' && h <= '9') d = uint32_t(h - '0');
      else if (h >= 'a' && h <= 'f') d = uint32_t(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') d = uint32_t(h - 'A' + 10);
      else return std::nullopt;
      v = v * 16 + d;
    }
    return v;
  }

  // One multi-byte UTF-8 sequence at pos_ (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
  bool utf8_sequence() {
    const auto b0 = static_cast<unsigned char>(peek());
    std::size_t n = 0;
    uint32_t cp = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) n = 1, cp = b0 & 0x1f;
    else if (b0 >= 0xe0 && b0 <= 0xef) n = 2, cp = b0 & 0x0f;
    else if (b0 >= 0xf0 && b0 <= 0xf4) n = 3, cp = b0 & 0x07;
    else return false;
    if (pos_ + n >= s_.size()) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      const auto b = static_cast<unsigned char>(s_[pos_ + i]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    pos_ += n + 1;
    return true;
  }

  bool object(int depth) {
    ++pos_;  // '{'
    skip_space();
    if (!expect_more("a \"key\" or '}'")) return false;
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_space();
      if (!expect_more("a \"key\"")) return false;
      if (peek() == '}') return fail("a trailing comma before '}'", last_comma_);
      if (peek() == '\'') return fail("single quotes: JSON keys take double quotes (\")");
      if (peek() != '"') return fail("expected a \"key\" in double quotes, found " + shown(pos_));
      if (!string()) return false;
      skip_space();
      if (!expect_more("':'")) return false;
      if (peek() != ':') return fail("expected ':' after the key, found " + shown(pos_));
      ++pos_;
      skip_space();
      if (!value(depth + 1)) return false;
      skip_space();
      if (!expect_more("',' or '}'")) return false;
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      if (peek() != ',')
        return fail("expected ',' or '}' after a value, found " + shown(pos_) +
                    " (a missing comma?)");
      last_comma_ = pos_++;
    }
  }

  bool array(int depth) {
    ++pos_;  // '['
    skip_space();
    if (!expect_more("a value or ']'")) return false;
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_space();
      if (!expect_more("a value")) return false;
      if (peek() == ']') return fail("a trailing comma before ']'", last_comma_);
      if (!value(depth + 1)) return false;
      skip_space();
      if (!expect_more("',' or ']'")) return false;
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      if (peek() != ',')
        return fail("expected ',' or ']' after a value, found " + shown(pos_) +
                    " (a missing comma?)");
      last_comma_ = pos_++;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t last_comma_ = 0;
  std::optional<JsonSyntaxError> error_;
};

}  // namespace

std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text) {
  return Checker(text).run();
}

}  // namespace swarmchain

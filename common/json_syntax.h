// Where a JSON text is broken and what is wrong, in a user's words: "line 3 column 14: a
// trailing comma before '}'". The files users edit by hand (the genesis) are parsed by
// nlohmann::json; when it refuses one, this names the spot, because nlohmann's message says
// where its lexer stopped (past the token), in the parser's terms.
//
// RFC 8259 grammar, strings checked for control characters, escapes and UTF-8. Lines and
// columns count from 1; a column counts bytes.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace swarmchain {

struct JsonSyntaxError {
  std::size_t line = 1;
  std::size_t column = 1;
  std::string what;  // e.g. "a trailing comma before '}'"
};

// nullopt when `text` is one valid JSON value (surrounded by whitespace at most).
std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text);

}  // namespace swarmchain

// common/json_syntax.h: where a JSON text is broken, in plain words. Its verdict must agree with
// the parser the node uses (nlohmann), or a valid file would get an error message.
#include "common/json_syntax.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace swarmchain {
namespace {

std::string what(std::string_view text) {
  auto e = find_json_syntax_error(text);
  return e ? "line " + std::to_string(e->line) + " column " + std::to_string(e->column) + ": " +
                 e->what
           : std::string();
}

TEST(JsonSyntax, ValidJsonHasNoError) {
  for (const char* ok : {"{}", " [1, -2.5e3, \"a\\u00e9\\n\", true, false, null] ",
                         "{\"a\": {\"b\": [0]}}", "\"\xc3\xa9\"", "0"})
    EXPECT_EQ(what(ok), "") << ok;
}

TEST(JsonSyntax, NamesTheSpotOfCommonSlips) {
  EXPECT_EQ(what("{\n \"a\": 1,\n}"), "line 2 column 8: a trailing comma before '}'");
  EXPECT_EQ(what("[1,]"), "line 1 column 3: a trailing comma before ']'");
  EXPECT_EQ(what("{\"a\": \"x\ny\"}"),
            "line 1 column 9: a line break inside a string (a missing '\"', or write it as \\n)");
  EXPECT_EQ(what("{\"a\": \"\\q\"}"), "line 1 column 8: invalid escape '\\q' in a string");
  EXPECT_EQ(what("{\"a\": 01}"), "line 1 column 7: a number with a leading zero: write it without the 0");
  EXPECT_EQ(what("{\"a\": 1} x"), "line 1 column 10: text after the end of the JSON value: 'x'");
  EXPECT_EQ(what("{\"a\" 1}"), "line 1 column 6: expected ':' after the key, found '1'");
  EXPECT_EQ(what("\"\xff\""), "line 1 column 2: invalid UTF-8 inside a string");
}

TEST(JsonSyntax, AgreesWithTheParserOnEveryCaseHere) {
  for (const char* text : {"{}", "{\"a\":1,}", "[1 2]", "{'a':1}", "\"\xc0\x80\"", "-", "1.",
                           "1e", "[\"\\ud800\"]", "{\"a\":[1,{\"b\":null}]}", "  ", "nul"}) {
    const bool parses = nlohmann::json::accept(text);
    EXPECT_EQ(parses, !find_json_syntax_error(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace swarmchain

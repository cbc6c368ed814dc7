// explorer::find_asset over the files embedded from explorer/web/: the routes of
// docs/explorer.md, a content type for every embedded file, the bytes as they are on disk, and
// a page that loads its script and style from files (the Content-Security-Policy forbids
// inline ones, so an inline one would silently not run).
#include "explorer/assets.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "explorer/web_files.h"

namespace swarmchain::explorer {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ExplorerAssets, SlashIsTheIndexPage) {
  const auto index = find_asset("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<html"), std::string_view::npos);
  const auto same = find_asset("/explorer/index.html");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->body.data(), index->body.data());
}

TEST(ExplorerAssets, ScriptAndStyleHaveTheirTypes) {
  const auto js = find_asset("/explorer/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  const auto css = find_asset("/explorer/style.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST(ExplorerAssets, AnythingElseIsNotFound) {
  for (const char* path : {"", "/index.html", "/explorer", "/explorer/", "/explorer/nope.js",
                           "/explorer/../explorer/app.js", "/explorer/app.js/", "explorer/app.js",
                           "/explorer/APP.JS", "/explorer/app.js?x", "//"})
    EXPECT_FALSE(find_asset(path)) << path;
}

TEST(ExplorerAssets, TypesFollowTheExtension) {
  EXPECT_EQ(content_type_of("a.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_of("a.png"), "image/png");
  EXPECT_EQ(content_type_of("a.json"), "application/json");
  EXPECT_EQ(content_type_of("a.html"), "text/html; charset=utf-8");
  EXPECT_FALSE(content_type_of("a.txt"));
  EXPECT_FALSE(content_type_of("Makefile"));
  EXPECT_FALSE(content_type_of("a.js.bak"));
}

TEST(ExplorerAssets, EveryEmbeddedFileIsServedAsItIsOnDisk) {
  ASSERT_GE(web_files().size(), 3u);
  for (std::size_t i = 1; i < web_files().size(); ++i)
    EXPECT_LT(web_files()[i - 1].name, web_files()[i].name);  // find_asset's binary search
  for (const WebFile& f : web_files()) {
    EXPECT_TRUE(content_type_of(f.name)) << f.name << " has an extension nothing is served as: "
                                         << "add its type to explorer/assets.cpp";
    const auto asset = find_asset("/explorer/" + std::string(f.name));
    ASSERT_TRUE(asset) << f.name;
    EXPECT_EQ(asset->body, read_file(std::string(SWARMCHAIN_EXPLORER_WEB_DIR) + "/" +
                                     std::string(f.name)))
        << f.name << " differs from explorer/web/" << f.name;
  }
}

TEST(ExplorerAssets, TheIndexLoadsItsScriptAndStyleFromFilesNotInline) {
  const std::string html(find_asset("/")->body);
  EXPECT_NE(html.find(R"(src="/explorer/app.js")"), std::string::npos);
  EXPECT_NE(html.find(R"(href="/explorer/style.css")"), std::string::npos);
  // Every <script> has a src and its element is empty; no <style>, no style= or on...= attribute.
  static const std::regex kScript(R"(<script\b([^>]*)>([\s\S]*?)</script>)", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kScript); it != std::sregex_iterator(); ++it) {
    EXPECT_NE((*it)[1].str().find("src="), std::string::npos) << it->str();
    EXPECT_TRUE((*it)[2].str().find_first_not_of(" \t\r\n") == std::string::npos) << it->str();
  }
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<style\b)", std::regex::icase)));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\sstyle\s*=)", std::regex::icase)));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\son[a-z]+\s*=)", std::regex::icase)));
}

}  // namespace
}  // namespace swarmchain::explorer

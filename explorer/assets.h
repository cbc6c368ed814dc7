// The explorer's web files by URL path (docs/explorer.md "HTTP routes"): what the RPC server
// answers to GET / and GET /explorer/<name>. The files are compiled in (explorer/web_files.h),
// so the binary serves the pages it was built with and reads nothing from disk at run time.
//
//   "/"                 -> index.html
//   "/explorer/<name>"  -> the file <name> of explorer/web/
//   anything else       -> nullopt (the router answers 404)
//
// The content type follows the extension: .html, .js, .css (each "; charset=utf-8"), .svg,
// .png, .json. A file with another extension is not served (a test checks that every embedded
// file has a known one), so nothing goes out with a guessed type.
//
// Thread-safety: pure functions over constant data.
#pragma once

#include <optional>
#include <string_view>

namespace swarmchain::explorer {

struct Asset {
  std::string_view content_type;  // static storage
  std::string_view body;          // static storage
};

// The embedded file at URL path `path` (without query string); nullopt for anything else.
std::optional<Asset> find_asset(std::string_view path);

// The content type served for a file name, by its extension; nullopt for an unknown one.
std::optional<std::string_view> content_type_of(std::string_view name);

}  // namespace swarmchain::explorer

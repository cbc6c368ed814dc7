// The files of explorer/web/ as compiled into the binary: explorer/embed_web.cmake writes the
// web_files.cpp that defines web_files() at build time. Internal to the `explorer` library
// (find_asset() in explorer/assets.h is the way in) and to its tests.
//
// Thread-safety: constant data.
#pragma once

#include <span>
#include <string_view>

namespace swarmchain::explorer {

struct WebFile {
  std::string_view name;  // "app.js": the file's name in explorer/web/
  std::string_view body;  // its bytes, static storage
};

// Every embedded file, ascending by name.
std::span<const WebFile> web_files();

}  // namespace swarmchain::explorer

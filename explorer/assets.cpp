#include "explorer/assets.h"

#include <algorithm>
#include <array>
#include <utility>

#include "explorer/web_files.h"

namespace swarmchain::explorer {
namespace {

constexpr std::string_view kPrefix = "/explorer/";
constexpr std::string_view kIndex = "index.html";

}  // namespace

std::optional<std::string_view> content_type_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
  }};
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view ext = name.substr(dot);
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return std::nullopt;
}

std::optional<Asset> find_asset(std::string_view path) {
  std::string_view name;
  if (path == "/") {
    name = kIndex;
  } else if (path.size() > kPrefix.size() && path.substr(0, kPrefix.size()) == kPrefix) {
    name = path.substr(kPrefix.size());
  } else {
    return std::nullopt;
  }
  const std::span<const WebFile> files = web_files();
  const auto it = std::lower_bound(files.begin(), files.end(), name,
                                   [](const WebFile& f, std::string_view n) { return f.name < n; });
  if (it == files.end() || it->name != name) return std::nullopt;
  const std::optional<std::string_view> type = content_type_of(name);
  if (!type) return std::nullopt;
  return Asset{*type, it->body};
}

}  // namespace swarmchain::explorer

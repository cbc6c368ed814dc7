# Embeds every file of explorer/web/ in one generated C++ source, run at build time by
# explorer/CMakeLists.txt (again whenever a web file changes). Each file becomes an unsigned
# char array of its bytes plus a NUL (so that an empty file is still a valid array), and one
# entry {"name", bytes} of web_files() (explorer/web_files.h), ascending by name.
#
#   cmake -DWEB_DIR=<explorer/web> -DOUT=<web_files.cpp> -P embed_web.cmake
#
# A file name may hold only letters, digits, '.', '_' and '-': it becomes the URL path
# /explorer/<name> and a C++ string literal, so nothing in it may need escaping. Hidden files
# (editor swap files, .gitkeep) are skipped.
if(NOT WEB_DIR OR NOT OUT)
  message(FATAL_ERROR "embed_web.cmake needs -DWEB_DIR=<dir> -DOUT=<file.cpp>")
endif()

file(GLOB names LIST_DIRECTORIES false RELATIVE ${WEB_DIR} ${WEB_DIR}/*)
list(SORT names)
set(arrays "")
set(entries "")
set(count 0)
foreach(name IN LISTS names)
  if(name MATCHES "^\\.")
    continue()
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_][A-Za-z0-9._-]*$")
    message(FATAL_ERROR "explorer/web/${name}: the name of a served file may hold only letters, "
                        "digits, '.', '_' and '-' (it becomes the URL path /explorer/<name>)")
  endif()
  file(READ ${WEB_DIR}/${name} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char kFile${count}[] = {${bytes}0x00};\n")
  string(APPEND entries "    {\"${name}\", std::string_view(reinterpret_cast<const char*>(kFile${count}), "
                        "sizeof(kFile${count}) - 1)},\n")
  math(EXPR count "${count} + 1")
endforeach()

set(text "// Generated at build time by explorer/embed_web.cmake from explorer/web/: do not edit.\n")
string(APPEND text "#include \"explorer/web_files.h\"\n\nnamespace swarmchain::explorer {\n")
if(count EQUAL 0)
  string(APPEND text "\nstd::span<const WebFile> web_files() { return {}; }\n")
else()
  string(APPEND text "namespace {\n\n${arrays}\nconst WebFile kFiles[] = {\n${entries}};\n\n"
                     "}  // namespace\n\nstd::span<const WebFile> web_files() { return kFiles; }\n")
endif()
string(APPEND text "\n}  // namespace swarmchain::explorer\n")
file(WRITE ${OUT} "${text}")

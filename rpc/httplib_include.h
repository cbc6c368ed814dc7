// Includes cpp-httplib with our warning flags silenced for it alone: the header is third-party
// code and, outside /usr/include, trips -Wshadow/-Wold-style-cast under SWARMCHAIN_WERROR.
// Include this instead of <httplib.h> everywhere in swarmchain.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <httplib.h>
#pragma GCC diagnostic pop

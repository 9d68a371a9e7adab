# SPDX-License-Identifier: MIT
# The library's layers (docs/architecture.md), each a target that sees
# only the headers of the layers it links.
#
#   ciscosec_layer(NAME SOURCES <files> HEADERS <names> LINKS <link items>
#                  [USES <outside library names>])
#
# makes the target ciscosec_NAME: a static library of SOURCES (an INTERFACE
# target while SOURCES is empty), linked with LINKS (target_link_libraries
# arguments: PUBLIC for the layers whose types its headers use, PRIVATE for
# the rest and for outside libraries). HEADERS are names in include/ciscosec/;
# they are linked into build/layers/NAME/ciscosec/, the target's one public
# include directory. A layer's code therefore compiles against its own
# headers and those of the layers it links, and no others: including another
# layer's header fails with "No such file or directory".
#
# The layers, the layers they link and the outside libraries they use are
# recorded for tests/layers/check-layers.sh, which reads the built archives
# and the sources and fails on any call or include across a line the links
# do not draw. A layer uses an outside library when it links one of the
# library's targets; USES names one it compiles against without linking
# (one it loads at run time, say).

# The outside libraries, as NAME=LINK_TARGETS=SYMBOL_PREFIXES=HEADER_PREFIXES
# (lists comma-separated): a call to one of these symbols, or an include of
# one of these headers, from code that does not use the library is a
# layering error, even when the program happens to link it.
set(CISCOSEC_OUTSIDE_LIBRARIES
  "mbedtls=MbedTLS::mbedcrypto,MbedTLS::mbedx509,MbedTLS::mbedtls=mbedtls_,psa_=mbedtls/,psa/"
  "libxml2=PkgConfig::LIBXML2=xml=libxml/"
  "expat=PkgConfig::EXPAT=XML_=expat.h,expat_external.h"
  "srtp2=PkgConfig::SRTP2=srtp_=srtp2/"
  "sqlite3=PkgConfig::SQLITE3=sqlite3_=sqlite3.h"
  "jansson=PkgConfig::JANSSON=json_=jansson.h")

set_property(GLOBAL PROPERTY CISCOSEC_LAYERS "")
set_property(GLOBAL PROPERTY CISCOSEC_LAYER_HEADERS "")

function(ciscosec_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;HEADERS;LINKS;USES")
  set(target ciscosec_${name})
  set(dir "${PROJECT_BINARY_DIR}/layers/${name}")
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}/ciscosec")
  foreach(header IN LISTS arg_HEADERS)
    set(source "${PROJECT_SOURCE_DIR}/include/ciscosec/${header}")
    if(NOT EXISTS "${source}")
      message(FATAL_ERROR "layer ${name}: no header include/ciscosec/${header}")
    endif()
    file(CREATE_LINK "${source}" "${dir}/ciscosec/${header}" SYMBOLIC)
  endforeach()

  if(arg_SOURCES)
    add_library(${target} STATIC ${arg_SOURCES})
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${dir}>")
    target_link_libraries(${target} ${arg_LINKS})
    target_link_libraries(${target} PRIVATE ciscosec_warnings)
    set(archive "$<TARGET_FILE:${target}>")
  else()
    # Nothing to compile yet: only what its users would inherit.
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE "$<BUILD_INTERFACE:${dir}>")
    set(public "")
    set(keep FALSE)
    foreach(item IN LISTS arg_LINKS)
      if(item STREQUAL "PUBLIC" OR item STREQUAL "INTERFACE")
        set(keep TRUE)
      elseif(item STREQUAL "PRIVATE")
        set(keep FALSE)
      elseif(keep)
        list(APPEND public "${item}")
      endif()
    endforeach()
    target_link_libraries(${target} INTERFACE ${public})
    set(archive "-")
  endif()

  ciscosec_layer_record(${name} "${archive}" "${arg_LINKS}" "${arg_USES}" "${arg_SOURCES}")
  set_property(GLOBAL APPEND PROPERTY CISCOSEC_LAYER_HEADERS ${arg_HEADERS})
endfunction()

# Records a layer (or the front end) for tests/layers/check-layers.sh as
# NAME|ARCHIVE|LAYERS|SYMBOL_PREFIXES|HEADER_PREFIXES|LINKED_PREFIXES|SOURCES:
# the layers it links, the prefixes of the outside libraries it uses (links,
# or names in USES), those of the ones it links (which its archive must
# call: a check that finds no such call is reading the archives wrongly),
# and its sources. Read from the same link items the target is built with.
function(ciscosec_layer_record name archive links uses sources)
  set(layers "")
  set(symbols "")
  set(headers "")
  set(linked "")
  foreach(item IN LISTS links)
    if(item MATCHES "^ciscosec_(.+)$" AND NOT item STREQUAL "ciscosec_warnings")
      list(APPEND layers "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  foreach(entry IN LISTS CISCOSEC_OUTSIDE_LIBRARIES)
    if(NOT entry MATCHES "^([^=]+)=([^=]*)=([^=]*)=(.*)$")
      message(FATAL_ERROR "CISCOSEC_OUTSIDE_LIBRARIES: bad entry ${entry}")
    endif()
    set(library "${CMAKE_MATCH_1}")
    string(REPLACE "," ";" targets "${CMAKE_MATCH_2}")
    set(library_symbols "${CMAKE_MATCH_3}")
    set(library_headers "${CMAKE_MATCH_4}")
    set(is_linked FALSE)
    foreach(target IN LISTS targets)
      if(target IN_LIST links)
        set(is_linked TRUE)
      endif()
    endforeach()
    if(is_linked OR library IN_LIST uses)
      list(APPEND symbols "${library_symbols}")
      list(APPEND headers "${library_headers}")
    endif()
    if(is_linked)
      list(APPEND linked "${library_symbols}")
    endif()
  endforeach()
  foreach(list_name IN ITEMS layers symbols headers linked sources)
    string(REPLACE ";" "," ${list_name} "${${list_name}}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY CISCOSEC_LAYERS
               "${name}|${archive}|${layers}|${symbols}|${headers}|${linked}|${sources}")
endfunction()

# Fails the configuration when a header in include/ciscosec/ belongs to no
# layer, or to two: nothing could include it, or two layers would own it.
function(ciscosec_layers_check_headers)
  get_property(owned GLOBAL PROPERTY CISCOSEC_LAYER_HEADERS)
  file(GLOB headers RELATIVE "${PROJECT_SOURCE_DIR}/include/ciscosec" CONFIGURE_DEPENDS
       "${PROJECT_SOURCE_DIR}/include/ciscosec/*.h")
  foreach(header IN LISTS headers)
    set(copies "${owned}")
    string(REPLACE "." "\\." pattern "${header}")
    list(FILTER copies INCLUDE REGEX "^${pattern}$")
    list(LENGTH copies count)
    if(NOT count EQUAL 1)
      message(FATAL_ERROR "include/ciscosec/${header} is listed in ${count} layers: "
                          "give it to exactly one ciscosec_layer() in CMakeLists.txt")
    endif()
  endforeach()
endfunction()

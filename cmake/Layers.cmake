# The library's layers (docs/architecture.md), each a target that sees
# only the headers of the layers it links.
#
#   ciscosec_layer(NAME SOURCES <files> HEADERS <names> LINKS <link items>)
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
# The layers, the layers they link and the outside libraries they link are
# recorded for tests/layers/check-layers.sh, which reads the built archives
# and the sources and fails on any call or include across a line the links
# do not draw.

# The outside libraries a layer may link privately, as
# TARGET=SYMBOL_PREFIXES=HEADER_PREFIXES: a call to one of these symbols,
# or an include of one of these headers, from code that does not link the
# library is a layering error, even when the program happens to link it.
set(CISCOSEC_OUTSIDE_LIBRARIES
  "MbedTLS::mbedcrypto=mbedtls_,psa_=mbedtls/,psa/"
  "PkgConfig::LIBXML2=xml=libxml/"
  "PkgConfig::SRTP2=srtp_=srtp2/"
  "PkgConfig::JANSSON=json_=jansson.h")

set_property(GLOBAL PROPERTY CISCOSEC_LAYERS "")
set_property(GLOBAL PROPERTY CISCOSEC_LAYER_HEADERS "")

function(ciscosec_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;HEADERS;LINKS")
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

  ciscosec_layer_record(${name} "${archive}" "${arg_LINKS}" "${arg_SOURCES}")
  set_property(GLOBAL APPEND PROPERTY CISCOSEC_LAYER_HEADERS ${arg_HEADERS})
endfunction()

# Records a layer (or the front end) for tests/layers/check-layers.sh:
# NAME|ARCHIVE|LAYERS|SYMBOL_PREFIXES|HEADER_PREFIXES|SOURCES, read from the
# same link items the target is built with.
function(ciscosec_layer_record name archive links sources)
  set(layers "")
  set(symbols "")
  set(headers "")
  foreach(item IN LISTS links)
    if(item MATCHES "^ciscosec_(.+)$" AND NOT item STREQUAL "ciscosec_warnings")
      list(APPEND layers "${CMAKE_MATCH_1}")
    endif()
    foreach(entry IN LISTS CISCOSEC_OUTSIDE_LIBRARIES)
      if(entry MATCHES "^([^=]+)=([^=]*)=(.*)$" AND item STREQUAL CMAKE_MATCH_1)
        list(APPEND symbols "${CMAKE_MATCH_2}")
        list(APPEND headers "${CMAKE_MATCH_3}")
      endif()
    endforeach()
  endforeach()
  string(REPLACE ";" "," layers "${layers}")
  string(REPLACE ";" "," symbols "${symbols}")
  string(REPLACE ";" "," headers "${headers}")
  string(REPLACE ";" "," sources "${sources}")
  set_property(GLOBAL APPEND PROPERTY CISCOSEC_LAYERS
               "${name}|${archive}|${layers}|${symbols}|${headers}|${sources}")
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

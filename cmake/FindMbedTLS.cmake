# SPDX-License-Identifier: MIT
# FindMbedTLS.cmake
# -----------------
# Finds mbedTLS 2.x (e.g. Debian 12's libmbedtls-dev 2.28, which ships no CMake
# config and no pkg-config file) or 3.x (e.g. Debian 13's 3.6 packages unpacked
# with `dpkg -x` into a prefix, see .ci/fetch-mbedtls3).
#
# Usage:
#   list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_SOURCE_DIR}/cmake")
#   find_package(MbedTLS 2.28 REQUIRED)
#   target_link_libraries(foo PRIVATE MbedTLS::mbedtls)
#
# Where to look (first one set wins):
#   -DMbedTLS_ROOT=<prefix>      CMake's standard <Pkg>_ROOT (policy CMP0074)
#   -DMBEDTLS_ROOT=<prefix>      cache variable
#   $ENV{MbedTLS_ROOT}, $ENV{MBEDTLS_ROOT}
# e.g. -DMbedTLS_ROOT=/tmp/mbedtls3/usr.  Under the root, headers are searched
# in include/ (and usr/include/) and libraries in lib/<CMAKE_LIBRARY_ARCHITECTURE>,
# lib64, lib (and the same under usr/).  When a root is given the system paths
# are NOT searched, so /usr/include's 2.28 headers never mix with 3.6 libraries.
# Without a root, CMake's default search paths are used.
#
# Imported targets (UNKNOWN IMPORTED, full-path libraries, so CMake puts the
# library directory into the build RPATH of anything that links them; with a
# root given, consumers are linked with --disable-new-dtags so that RPATH also
# covers the libraries' own dependencies, see below):
#   MbedTLS::mbedcrypto
#   MbedTLS::mbedx509    (links MbedTLS::mbedcrypto)
#   MbedTLS::mbedtls     (links MbedTLS::mbedx509)
#
# Result variables:
#   MbedTLS_FOUND, MbedTLS_VERSION (e.g. "2.28.3"),
#   MbedTLS_VERSION_MAJOR / _MINOR / _PATCH,
#   MbedTLS_INCLUDE_DIRS, MbedTLS_LIBRARIES (tls;x509;crypto, in link order)
# Cache variables:
#   MbedTLS_INCLUDE_DIR, MbedTLS_LIBRARY, MbedTLS_X509_LIBRARY,
#   MbedTLS_CRYPTO_LIBRARY

include(FindPackageHandleStandardArgs)

set(MBEDTLS_ROOT "${MBEDTLS_ROOT}" CACHE PATH
    "Prefix of an mbedTLS installation to use instead of the system one (contains include/ and lib/)")

# ---- which root? -------------------------------------------------------------
set(_MbedTLS_root "")
foreach(_MbedTLS_candidate IN ITEMS "${MbedTLS_ROOT}" "${MBEDTLS_ROOT}"
                                    "$ENV{MbedTLS_ROOT}" "$ENV{MBEDTLS_ROOT}")
  if(NOT _MbedTLS_candidate STREQUAL "")
    set(_MbedTLS_root "${_MbedTLS_candidate}")
    break()
  endif()
endforeach()
if(_MbedTLS_root)
  get_filename_component(_MbedTLS_root "${_MbedTLS_root}" ABSOLUTE)
  if(NOT IS_DIRECTORY "${_MbedTLS_root}")
    message(WARNING "MbedTLS_ROOT '${_MbedTLS_root}' is not a directory")
  endif()
endif()

# A different root than last time: forget what was found before.
if(DEFINED _MbedTLS_ROOT_USED AND NOT "${_MbedTLS_ROOT_USED}" STREQUAL "${_MbedTLS_root}")
  foreach(_MbedTLS_var IN ITEMS MbedTLS_INCLUDE_DIR MbedTLS_LIBRARY
                                MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY)
    unset(${_MbedTLS_var} CACHE)
  endforeach()
endif()
set(_MbedTLS_ROOT_USED "${_MbedTLS_root}" CACHE INTERNAL "mbedTLS root used by FindMbedTLS")

# ---- search ------------------------------------------------------------------
set(_MbedTLS_lib_suffixes)
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND _MbedTLS_lib_suffixes "lib/${CMAKE_LIBRARY_ARCHITECTURE}")
endif()
list(APPEND _MbedTLS_lib_suffixes lib64 lib)
set(_MbedTLS_inc_suffixes include)
# Also accept the dpkg -x prefix itself (…/usr/include, …/usr/lib/<arch>).
foreach(_MbedTLS_s IN LISTS _MbedTLS_lib_suffixes)
  list(APPEND _MbedTLS_lib_suffixes "usr/${_MbedTLS_s}")
endforeach()
list(APPEND _MbedTLS_inc_suffixes usr/include)

if(_MbedTLS_root)
  set(_MbedTLS_where PATHS "${_MbedTLS_root}" NO_DEFAULT_PATH)
  set(_MbedTLS_inc_where PATH_SUFFIXES ${_MbedTLS_inc_suffixes})
  set(_MbedTLS_lib_where PATH_SUFFIXES ${_MbedTLS_lib_suffixes})
else()
  set(_MbedTLS_where)
  set(_MbedTLS_inc_where)
  set(_MbedTLS_lib_where)
endif()

find_path(MbedTLS_INCLUDE_DIR
  NAMES mbedtls/ssl.h
  ${_MbedTLS_where} ${_MbedTLS_inc_where}
  DOC "mbedTLS include directory (contains mbedtls/ssl.h)")
find_library(MbedTLS_CRYPTO_LIBRARY
  NAMES mbedcrypto
  ${_MbedTLS_where} ${_MbedTLS_lib_where}
  DOC "mbedTLS crypto library")
find_library(MbedTLS_X509_LIBRARY
  NAMES mbedx509
  ${_MbedTLS_where} ${_MbedTLS_lib_where}
  DOC "mbedTLS X.509 library")
find_library(MbedTLS_LIBRARY
  NAMES mbedtls
  ${_MbedTLS_where} ${_MbedTLS_lib_where}
  DOC "mbedTLS TLS library")

# ---- version -----------------------------------------------------------------
# 3.x: MBEDTLS_VERSION_STRING is in mbedtls/build_info.h (version.h includes it);
# 2.x: it is in mbedtls/version.h.
set(MbedTLS_VERSION "")
if(MbedTLS_INCLUDE_DIR)
  foreach(_MbedTLS_hdr IN ITEMS build_info.h version.h)
    set(_MbedTLS_file "${MbedTLS_INCLUDE_DIR}/mbedtls/${_MbedTLS_hdr}")
    if(EXISTS "${_MbedTLS_file}")
      file(STRINGS "${_MbedTLS_file}" _MbedTLS_line
           REGEX "^#[ \t]*define[ \t]+MBEDTLS_VERSION_STRING[ \t]+\"[0-9.]+\"")
      if(_MbedTLS_line MATCHES "\"([0-9]+)\\.([0-9]+)\\.([0-9]+)\"")
        set(MbedTLS_VERSION "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${CMAKE_MATCH_3}")
        set(MbedTLS_VERSION_MAJOR "${CMAKE_MATCH_1}")
        set(MbedTLS_VERSION_MINOR "${CMAKE_MATCH_2}")
        set(MbedTLS_VERSION_PATCH "${CMAKE_MATCH_3}")
        break()
      endif()
    endif()
  endforeach()
endif()

# FPHSA's own success line is replaced by "Found mbedTLS <version>: <include dir>";
# failures are still reported by it (fatally when REQUIRED).
set(_MbedTLS_quiet "${MbedTLS_FIND_QUIETLY}")
if(NOT MbedTLS_FIND_REQUIRED)
  # Keep the "Could NOT find" status line for optional, non-quiet lookups.
  set(_MbedTLS_quiet_for_fphsa "${MbedTLS_FIND_QUIETLY}")
else()
  set(_MbedTLS_quiet_for_fphsa TRUE)
endif()
set(MbedTLS_FIND_QUIETLY "${_MbedTLS_quiet_for_fphsa}")
if(_MbedTLS_root)
  set(_MbedTLS_fail "searched only under MbedTLS_ROOT=${_MbedTLS_root}")
else()
  set(_MbedTLS_fail "install libmbedtls-dev, or set -DMbedTLS_ROOT=<prefix>")
endif()
find_package_handle_standard_args(MbedTLS
  REQUIRED_VARS MbedTLS_INCLUDE_DIR MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY
  VERSION_VAR MbedTLS_VERSION
  REASON_FAILURE_MESSAGE "${_MbedTLS_fail}")
set(MbedTLS_FIND_QUIETLY "${_MbedTLS_quiet}")

if(MbedTLS_FOUND)
  if(NOT MbedTLS_FIND_QUIETLY)
    # Printed on every configure that changes what was found (like FPHSA does).
    find_package_message(MbedTLS
      "Found mbedTLS ${MbedTLS_VERSION}: ${MbedTLS_INCLUDE_DIR}"
      "[${MbedTLS_VERSION}][${MbedTLS_INCLUDE_DIR}][${MbedTLS_LIBRARY}][${MbedTLS_X509_LIBRARY}][${MbedTLS_CRYPTO_LIBRARY}]")
  endif()

  set(MbedTLS_INCLUDE_DIRS "${MbedTLS_INCLUDE_DIR}")
  set(MbedTLS_LIBRARIES "${MbedTLS_LIBRARY}" "${MbedTLS_X509_LIBRARY}" "${MbedTLS_CRYPTO_LIBRARY}")

  # Imported targets' include directories are SYSTEM for consumers (-isystem);
  # an explicit root's include dir therefore still precedes /usr/include.
  if(NOT TARGET MbedTLS::mbedcrypto)
    add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedcrypto PROPERTIES
      IMPORTED_LOCATION "${MbedTLS_CRYPTO_LIBRARY}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}")
    if(_MbedTLS_root AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
      # The build tree's RUNPATH (CMake's default with GNU ld: DT_RUNPATH) only
      # applies to an executable's *direct* NEEDED entries; libmbedtls.so.21 ->
      # libmbedx509.so.7 -> libmbedcrypto.so.16 are then not found at run time
      # whenever --as-needed drops a direct entry.  DT_RPATH is searched for
      # transitive dependencies too, so ask for it when using a private prefix.
      set_property(TARGET MbedTLS::mbedcrypto APPEND PROPERTY
        INTERFACE_LINK_OPTIONS "LINKER:--disable-new-dtags")
    endif()
  endif()
  if(NOT TARGET MbedTLS::mbedx509)
    add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedx509 PROPERTIES
      IMPORTED_LOCATION "${MbedTLS_X509_LIBRARY}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
  endif()
  if(NOT TARGET MbedTLS::mbedtls)
    add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedtls PROPERTIES
      IMPORTED_LOCATION "${MbedTLS_LIBRARY}"
      IMPORTED_LINK_INTERFACE_LANGUAGES "C"
      INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
  endif()
endif()

mark_as_advanced(MbedTLS_INCLUDE_DIR MbedTLS_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_CRYPTO_LIBRARY)

unset(_MbedTLS_root)
unset(_MbedTLS_candidate)
unset(_MbedTLS_var)
unset(_MbedTLS_s)
unset(_MbedTLS_lib_suffixes)
unset(_MbedTLS_inc_suffixes)
unset(_MbedTLS_where)
unset(_MbedTLS_inc_where)
unset(_MbedTLS_lib_where)
unset(_MbedTLS_hdr)
unset(_MbedTLS_file)
unset(_MbedTLS_line)
unset(_MbedTLS_quiet)
unset(_MbedTLS_quiet_for_fphsa)
unset(_MbedTLS_fail)

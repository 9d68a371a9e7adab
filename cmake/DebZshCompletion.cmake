# CPack pre-build script (see Packaging.cmake): in the Debian package, the
# zsh completion goes to /usr/share/zsh/vendor-completions, the directory
# Debian's zsh searches for packaged completions; /usr/share/zsh/site-functions,
# where `cmake --install` puts it under its prefix, is not in Debian's $fpath.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
set(zsh "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/share/zsh")
if(EXISTS "${zsh}/site-functions/_ciscosec")
  file(MAKE_DIRECTORY "${zsh}/vendor-completions")
  file(RENAME "${zsh}/site-functions/_ciscosec" "${zsh}/vendor-completions/_ciscosec")
  file(GLOB rest "${zsh}/site-functions/*")
  if(NOT rest)
    file(REMOVE_RECURSE "${zsh}/site-functions")
  endif()
endif()

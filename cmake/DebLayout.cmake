# SPDX-License-Identifier: MIT
# CPack pre-build script (see Packaging.cmake): what the Debian package holds
# beyond `cmake --install`, in its staging directory.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
set(usr "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")

# The zsh completion goes to /usr/share/zsh/vendor-completions, the directory
# Debian's zsh searches for packaged completions; /usr/share/zsh/site-functions,
# where `cmake --install` puts it under its prefix, is not in Debian's $fpath.
set(zsh "${usr}/share/zsh")
if(EXISTS "${zsh}/site-functions/_ciscosec")
  file(MAKE_DIRECTORY "${zsh}/vendor-completions")
  file(RENAME "${zsh}/site-functions/_ciscosec" "${zsh}/vendor-completions/_ciscosec")
  file(GLOB rest "${zsh}/site-functions/*")
  if(NOT rest)
    file(REMOVE_RECURSE "${zsh}/site-functions")
  endif()
endif()

# As dh_strip does: CPack's strip keeps the compiler's .comment and .note.
execute_process(
  COMMAND "${CPACK_CISCOSEC_STRIP}" --remove-section=.comment --remove-section=.note
          "${usr}/bin/${CPACK_PACKAGE_NAME}"
  COMMAND_ERROR_IS_FATAL ANY)

# Debian policy 12.7: a binary package's changelog, gzipped (-9n: the same
# changelog gives the same bytes). The copyright file comes with every install.
set(doc "${usr}/share/doc/${CPACK_PACKAGE_NAME}")
file(MAKE_DIRECTORY "${doc}")
execute_process(
  COMMAND "${CPACK_CISCOSEC_GZIP}" -9nc "${CPACK_CISCOSEC_CHANGELOG}"
  OUTPUT_FILE "${doc}/changelog.Debian.gz"
  COMMAND_ERROR_IS_FATAL ANY)

# The lintian tags we accept, each with its reason (packaging/debian).
set(overrides "${usr}/share/lintian/overrides")
file(MAKE_DIRECTORY "${overrides}")
file(READ "${CPACK_CISCOSEC_LINTIAN_OVERRIDES}" text)
file(WRITE "${overrides}/${CPACK_PACKAGE_NAME}" "${text}")

# Modes as dpkg expects them, whatever the umask of the build.
file(CHMOD "${doc}/changelog.Debian.gz" "${overrides}/${CPACK_PACKAGE_NAME}"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(CHMOD "${doc}" "${usr}/share/lintian" "${overrides}"
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                 WORLD_EXECUTE)

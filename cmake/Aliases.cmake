# SPDX-License-Identifier: MIT
# The old tools' names, from src/aliases.def (the table src/main.c compiles
# in), without running the binary, so that a cross-compiled build installs
# and packages as a native one does. For each row ALIAS(name, command, verb):
#   - a symlink `name` -> ciscosec beside the built binary and in the bin
#     directory on install;
#   - a man page symlink name.1.gz -> ciscosec-COMMAND.1.gz;
#   - a bash-completion symlink `name` -> ciscosec (bash-completion loads a
#     completion by the command's name).
# Man pages are installed gzipped (gzip -9n: no name nor time, so the same
# page gives the same bytes).
set(aliases_def "${PROJECT_SOURCE_DIR}/src/aliases.def")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${aliases_def}")
file(STRINGS "${aliases_def}" alias_rows REGEX "^ALIAS\\(")
set(alias_names "")
foreach(row IN LISTS alias_rows)
  if(NOT row MATCHES "^ALIAS\\(([a-z0-9_-]+), *([a-z0-9_-]+), *([a-z0-9_-]*)\\)$")
    message(FATAL_ERROR "src/aliases.def: cannot read the row '${row}'")
  endif()
  list(APPEND alias_names "${CMAKE_MATCH_1}")
  set(alias_command_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
if(NOT alias_names)
  message(FATAL_ERROR "src/aliases.def: no ALIAS rows")
endif()

# Beside the built binary, for the tests and for running from the build tree.
set(build_links "")
foreach(name IN LISTS alias_names)
  list(APPEND build_links COMMAND "${CMAKE_COMMAND}" -E create_symlink ciscosec
       "$<TARGET_FILE_DIR:ciscosec>/${name}")
endforeach()
add_custom_command(TARGET ciscosec POST_BUILD ${build_links} VERBATIM)

# The symlinks to install, made once here: `name` -> ciscosec serves both
# the bin and the bash-completion directories.
set(link_dir "${CMAKE_CURRENT_BINARY_DIR}/aliases")
set(man_dir "${CMAKE_CURRENT_BINARY_DIR}/man/man1")
file(REMOVE_RECURSE "${link_dir}")
file(MAKE_DIRECTORY "${link_dir}" "${man_dir}")
set(alias_links "")
set(man_links "")
foreach(name IN LISTS alias_names)
  set(page "ciscosec-${alias_command_${name}}.1")
  if(NOT EXISTS "${PROJECT_SOURCE_DIR}/docs/${page}")
    message(FATAL_ERROR "src/aliases.def: ${name} runs ${alias_command_${name}}, "
                        "which has no man page docs/${page}")
  endif()
  file(CREATE_LINK ciscosec "${link_dir}/${name}" SYMBOLIC)
  list(APPEND alias_links "${link_dir}/${name}")
  file(REMOVE "${man_dir}/${name}.1.gz")
  file(CREATE_LINK "${page}.gz" "${man_dir}/${name}.1.gz" SYMBOLIC)
  list(APPEND man_links "${man_dir}/${name}.1.gz")
endforeach()

# The pages themselves: docs/*.1 that are files (docs/ also holds the old
# names' symlinks, for `man -l docs/mkcert.1`; tests/e2e/aliases.sh checks
# them against the table).
find_program(GZIP_EXECUTABLE gzip REQUIRED)
file(GLOB doc_pages CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/*.1")
set(man_pages "")
foreach(source IN LISTS doc_pages)
  if(IS_SYMLINK "${source}")
    continue()
  endif()
  get_filename_component(page "${source}" NAME)
  add_custom_command(OUTPUT "${man_dir}/${page}.gz"
    COMMAND sh -c "\"$0\" -9nc \"$1\" > \"$2\"" "${GZIP_EXECUTABLE}" "${source}"
            "${man_dir}/${page}.gz"
    DEPENDS "${source}"
    COMMENT "Compressing man page ${page}"
    VERBATIM)
  list(APPEND man_pages "${man_dir}/${page}.gz")
endforeach()
add_custom_target(man_pages ALL DEPENDS ${man_pages})

install(FILES ${alias_links} DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES ${man_pages} ${man_links} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
set(bash_completions "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")
install(FILES completions/ciscosec.bash DESTINATION "${bash_completions}" RENAME ciscosec)
install(FILES ${alias_links} DESTINATION "${bash_completions}")

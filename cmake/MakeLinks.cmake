# Creates a symlink to ciscosec for each old tool name the binary knows.
# Usage: cmake -DCISCOSEC=/path/to/ciscosec -DLINK_DIR=/dir -P MakeLinks.cmake
execute_process(COMMAND "${CISCOSEC}" --list-links
  OUTPUT_VARIABLE names RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CISCOSEC} --list-links failed: ${rc}")
endif()
string(REPLACE "\n" ";" names "${names}")
foreach(name IN LISTS names)
  file(REMOVE "${LINK_DIR}/${name}")
  file(CREATE_LINK ciscosec "${LINK_DIR}/${name}" SYMBOLIC)
endforeach()

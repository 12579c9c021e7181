# weft_instrument(TARGET MAIN): a whole program, explored by running it.
#   cmake -DBUG=<prog> -DFIXED=<twin> -DWORK_DIR=<dir> -P explore_main.cmake
# The bug is found (exit 1, one reproduce line) and its reproduce line
# replays it (exit 1, "(replay)", the program's own output shown); the twin
# is clean (exit 0); WEFT_EXPLORE=off runs the program once for real;
# WEFT_OUTPUT=on shows its output while searching; a bad WEFT_* variable is
# one line and exit 2.
foreach(var BUG FIXED WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "explore_main.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run expect var)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${expect}")
    message(FATAL_ERROR "expected exit ${expect}, got ${rc}: ${ARGN}\n${out}\n${err}")
  endif()
  set(${var} "${out}${err}" PARENT_SCOPE)
endfunction()
function(must_contain text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to see '${what}' in:\n${text}")
  endif()
endfunction()

run(1 out "${BUG}")
must_contain("${out}" "weft: FOUND assertion")
must_contain("${out}" "main returned 1")
string(FIND "${out}" "balance:" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the program's own output was shown while searching:\n${out}")
endif()
string(REGEX MATCH "reproduce: ([^\n]*)" line "${out}")
run(1 again sh -c "${CMAKE_MATCH_1}")
must_contain("${again}" "(replay)")
must_contain("${again}" "balance: -60")

run(0 out "${FIXED}")
must_contain("${out}" "weft: ok — 10000 schedules (portfolio)")
run(0 out ${CMAKE_COMMAND} -E env WEFT_EXPLORE=off "${FIXED}")
must_contain("${out}" "balance: 20")
run(2 out ${CMAKE_COMMAND} -E env WEFT_ITERATIONS=abc "${BUG}")
must_contain("${out}" "weft: WEFT_ITERATIONS=abc: expected a positive number of schedules")
run(2 out ${CMAKE_COMMAND} -E env WEFT_EXPLORE=maybe "${BUG}")
must_contain("${out}" "weft: WEFT_EXPLORE=maybe: expected on or off")
run(2 out ${CMAKE_COMMAND} -E env WEFT_OUTPUT=loud "${BUG}")
must_contain("${out}" "weft: WEFT_OUTPUT=loud: expected on or off")
run(1 out ${CMAKE_COMMAND} -E env WEFT_OUTPUT=on "${BUG}")
must_contain("${out}" "balance: ")
message(STATUS "explore main: ok")

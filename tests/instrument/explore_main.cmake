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

include(${CMAKE_CURRENT_LIST_DIR}/../script_helpers.cmake)  # expect, must_contain, reproduce_line

expect(EXIT 1 DIR "${WORK_DIR}" OUT out COMMAND "${BUG}")
must_contain("${out}" "weft: FOUND assertion")
must_contain("${out}" "main returned 1")
string(FIND "${out}" "balance:" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the program's own output was shown while searching:\n${out}")
endif()
reproduce_line("${out}" "WEFT_SCHEDULE=" line)
expect(EXIT 1 DIR "${WORK_DIR}" OUT again COMMAND sh -c "${line}")
must_contain("${again}" "(replay)")
must_contain("${again}" "balance: -60")

expect(EXIT 0 DIR "${WORK_DIR}" OUT out COMMAND "${FIXED}")
must_contain("${out}" "weft: ok — 10000 schedules (portfolio)")
expect(EXIT 0 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -E env WEFT_EXPLORE=off "${FIXED}")
must_contain("${out}" "balance: 20")
expect(EXIT 2 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -E env WEFT_ITERATIONS=abc "${BUG}")
must_contain("${out}" "weft: WEFT_ITERATIONS=abc: expected a positive number of schedules")
expect(EXIT 2 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -E env WEFT_EXPLORE=maybe "${BUG}")
must_contain("${out}" "weft: WEFT_EXPLORE=maybe: expected on or off")
expect(EXIT 2 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -E env WEFT_OUTPUT=loud "${BUG}")
must_contain("${out}" "weft: WEFT_OUTPUT=loud: expected on or off")
expect(EXIT 1 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -E env WEFT_OUTPUT=on "${BUG}")
must_contain("${out}" "balance: ")
message(STATUS "explore main: ok")

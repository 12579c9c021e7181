# Helpers for the test scripts run with `cmake -P` (the installed-package
# and explored-main tests).

# expect(EXIT code DIR dir OUT var COMMAND ...): runs, checks the status,
# stores stdout+stderr in var.
function(expect)
  cmake_parse_arguments(ARG "" "EXIT;DIR;OUT" "COMMAND" ${ARGN})
  execute_process(COMMAND ${ARG_COMMAND} WORKING_DIRECTORY "${ARG_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${ARG_EXIT}")
    message(FATAL_ERROR "expected exit ${ARG_EXIT}, got ${rc}: ${ARG_COMMAND}\n${out}\n${err}")
  endif()
  if(ARG_OUT)
    set(${ARG_OUT} "${out}${err}" PARENT_SCOPE)
  endif()
endfunction()

function(must_contain text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to see '${what}' in:\n${text}")
  endif()
endfunction()

# The one line after "reproduce: " that contains `marker`.
function(reproduce_line text marker var)
  string(REGEX MATCHALL "reproduce: [^\n]*" lines "${text}")
  foreach(line IN LISTS lines)
    string(FIND "${line}" "${marker}" at)
    if(NOT at EQUAL -1)
      string(SUBSTRING "${line}" 11 -1 cmd)
      set(${var} "${cmd}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "no reproduce line with '${marker}' in:\n${text}")
endfunction()

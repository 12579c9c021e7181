# Checks a Promela model with SPIN and compares SPIN's verdict with the
# expected one and, if WEFT is given, with `weft model`'s.
#   cmake -DSPIN=/usr/bin/spin -DCC=cc -DPML=models/promela/task_state.pml
#         [-DDEFINES="-DBUG_LOST_NOTIFIED;-DWAKERS=3"]
#         [-DWEFT=path/to/weft -DWEFT_ARGS="model;task-state-bug-lost-notified"]
#         -DEXPECT=violation|holds -DWORKDIR=dir [-DPAN_DEPTH=100000]
#         -P spin_check.cmake
# The verifier is compiled for safety (assertions and invalid end states);
# "errors: 0" means every property holds. weft's exit status is 0 when every
# property holds and 1 when it found a violation; anything else fails the test.
# DEFINES and WEFT_ARGS may separate their items with commas (easier to
# pass through add_test than semicolons).
string(REPLACE "," ";" DEFINES "${DEFINES}")
string(REPLACE "," ";" WEFT_ARGS "${WEFT_ARGS}")
foreach(var SPIN CC PML EXPECT WORKDIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "spin_check.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXPECT STREQUAL "violation" AND NOT EXPECT STREQUAL "holds")
  message(FATAL_ERROR "EXPECT must be 'violation' or 'holds', not '${EXPECT}'")
endif()
if(NOT EXISTS "${PML}")
  message(FATAL_ERROR "no such model: ${PML}")
endif()
if(NOT DEFINED PAN_DEPTH)
  set(PAN_DEPTH 100000)
endif()

# Work on a copy inside WORKDIR: pan writes its trail file next to the model
# it was generated from, and that must not be the source tree.
file(MAKE_DIRECTORY "${WORKDIR}")
get_filename_component(model_name "${PML}" NAME)
file(GLOB stale "${WORKDIR}/pan" "${WORKDIR}/pan.*" "${WORKDIR}/*.trail")
if(stale)
  file(REMOVE ${stale})
endif()
configure_file("${PML}" "${WORKDIR}/${model_name}" COPYONLY)
string(JOIN " " what "${model_name}" ${DEFINES})

execute_process(COMMAND ${SPIN} -a ${DEFINES} ${model_name}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORKDIR}/pan.c")
  message(FATAL_ERROR "spin -a ${what} failed (exit ${rc}):\n${out}\n${err}")
endif()

execute_process(COMMAND ${CC} -O2 -DSAFETY -o pan pan.c
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CC} pan.c for ${what} failed (exit ${rc}):\n${out}\n${err}")
endif()

execute_process(COMMAND ./pan -m${PAN_DEPTH}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(pan_log "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pan for ${what} failed (exit ${rc}):\n${pan_log}")
endif()
if(NOT pan_log MATCHES "errors: ([0-9]+)")
  message(FATAL_ERROR "no 'errors: N' in pan's output for ${what}:\n${pan_log}")
endif()
set(errors "${CMAKE_MATCH_1}")
if(NOT pan_log MATCHES "([0-9]+) states, stored")
  message(FATAL_ERROR "no 'states, stored' in pan's output for ${what}:\n${pan_log}")
endif()
set(stored "${CMAKE_MATCH_1}")
if(errors GREATER 0)
  set(spin_verdict violation)
else()
  set(spin_verdict holds)
  # A search cut short by the depth bound or by memory proves nothing.
  if(pan_log MATCHES "max search depth too small|out of memory|reached -DMEMLIM bound")
    message(FATAL_ERROR "pan's search of ${what} was incomplete (raise -DPAN_DEPTH):\n${pan_log}")
  endif()
endif()
message(STATUS "spin ${what}: errors: ${errors}, ${stored} states stored -> ${spin_verdict}")
if(errors GREATER 0 AND pan_log MATCHES "pan:[0-9]+: ([^\n]*)")
  message(STATUS "spin: ${CMAKE_MATCH_1}")
endif()
if(NOT spin_verdict STREQUAL EXPECT)
  message(FATAL_ERROR "spin says ${spin_verdict} for ${what}, expected ${EXPECT}:\n${pan_log}")
endif()

if(NOT DEFINED WEFT OR "${WEFT}" STREQUAL "")
  return()
endif()
execute_process(COMMAND ${WEFT} ${WEFT_ARGS}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " weft_cmd "weft ${WEFT_ARGS}")
message(STATUS "${weft_cmd} (exit ${rc}):\n${out}${err}")
if(rc STREQUAL "0")
  set(weft_verdict holds)
elseif(rc STREQUAL "1")
  set(weft_verdict violation)
else()
  message(FATAL_ERROR "${weft_cmd} exited with ${rc} (0 = holds, 1 = violation expected):\n${out}\n${err}")
endif()
if(NOT weft_verdict STREQUAL spin_verdict)
  message(FATAL_ERROR "${weft_cmd} says ${weft_verdict}, spin says ${spin_verdict} for ${what}")
endif()
message(STATUS "spin and weft agree: ${spin_verdict}")

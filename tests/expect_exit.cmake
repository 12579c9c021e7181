# Runs a command and checks its exit status and that it explained itself on
# stderr in exactly one line (weft's rule for bad input and found bugs).
#   cmake -DEXPECT=2 "-DCMD=prog;arg;..." [-DSTDERR_MATCH=regex] -P expect_exit.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT)
  message(FATAL_ERROR "expected exit ${EXPECT}, got ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
string(STRIP "${err}" stripped)
string(FIND "${stripped}" "\n" newline)
if(stripped STREQUAL "" OR NOT newline EQUAL -1)
  message(FATAL_ERROR "expected one line on stderr, got:\n${err}")
endif()
if(DEFINED STDERR_MATCH AND NOT stripped MATCHES "${STDERR_MATCH}")
  message(FATAL_ERROR "stderr does not match '${STDERR_MATCH}':\n${err}")
endif()

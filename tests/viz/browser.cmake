# Opens a failure report in headless Chromium and checks that the page's
# pictures rendered (the page marks <body data-rendered="yes"> once every
# inlined SVG has a size).
#   cmake -DWEFT=weft -DCHROMIUM=chromium "-DARGS=explore;lost-notify" -DWORKDIR=dir -DFIGURES=1 -P browser.cmake
foreach(var WEFT CHROMIUM ARGS WORKDIR FIGURES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "browser.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
string(REPLACE "," ";" ARGS "${ARGS}")
execute_process(COMMAND ${WEFT} ${ARGS} --report report WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT EXISTS "${WORKDIR}/report/index.html")
  message(FATAL_ERROR "weft ${ARGS} --report did not write a report (exit ${rc}):\n${out}\n${err}")
endif()
# A throwaway profile; no sandbox (CI runs as root); give the page's
# script time to run.
execute_process(COMMAND ${CHROMIUM} --headless --no-sandbox --disable-gpu --no-first-run
    --user-data-dir=${WORKDIR}/profile --virtual-time-budget=5000
    --dump-dom "file://${WORKDIR}/report/index.html"
  RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chromium failed (exit ${rc}):\n${err}")
endif()
if(NOT dom MATCHES "<body data-rendered=\"yes\" data-figures=\"${FIGURES}\">")
  string(REGEX MATCH "<body[^>]*>" body "${dom}")
  message(FATAL_ERROR "the report's pictures did not all render: ${body}")
endif()
message(STATUS "rendered ${FIGURES} figure(s) in Chromium")

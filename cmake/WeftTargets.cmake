# Helpers shared by every weft target.

# weft_warnings(TARGET): the warning set every weft target compiles with.
function(weft_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(WEFT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# weft_add_runtime(NAME FLAVOUR real|sim SOURCES ...)
#
# Builds the runtime's sources as one library of the given flavour. The two
# flavours compile the same files; they differ only in what runtime/sys/ maps
# to (the macro WEFT_SYS_SIM), so the scheduler that the simulator drives is
# the production scheduler, not a model of it.
function(weft_add_runtime name)
  cmake_parse_arguments(ARG "" "FLAVOUR" "SOURCES;LINK;PRIVATE_LINK" ${ARGN})
  if(NOT ARG_FLAVOUR MATCHES "^(real|sim)$")
    message(FATAL_ERROR "weft_add_runtime(${name}): FLAVOUR must be real or sim, got '${ARG_FLAVOUR}'")
  endif()
  add_library(${name} ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:include/weft>)
  target_compile_features(${name} PUBLIC cxx_std_20)
  target_link_libraries(${name} PUBLIC Threads::Threads ${ARG_LINK})
  if(ARG_PRIVATE_LINK)
    target_link_libraries(${name} PRIVATE ${ARG_PRIVATE_LINK})
  endif()
  if(ARG_FLAVOUR STREQUAL "sim")
    target_compile_definitions(${name} PUBLIC WEFT_SYS_SIM=1)
  endif()
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  weft_warnings(${name})
endfunction()

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

# weft_package_library(TARGET EXPORT_NAME): makes a library part of the
# installed package as weft::EXPORT_NAME (also usable under that alias in
# the tree). Headers resolve the same way in the tree and installed:
# "runtime/runtime.hpp" from the repository root (installed: include/weft/),
# <weft/gtest.hpp> from include/ (installed: include/).
function(weft_package_library target export_name)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include/weft>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME ${export_name})
  add_library(weft::${export_name} ALIAS ${target})
  set_property(GLOBAL APPEND PROPERTY WEFT_PACKAGE_TARGETS ${target})
  weft_warnings(${target})
endfunction()

# weft_add_runtime(NAME FLAVOUR real|sim EXPORT_NAME X SOURCES ...)
#
# Builds the runtime's sources as one library of the given flavour. The two
# flavours compile the same files; they differ only in what runtime/sys/ maps
# to (the macro WEFT_SYS_SIM), so the scheduler that the simulator drives is
# the production scheduler, not a model of it.
#
# Each flavour carries INTERFACE_WEFT_FLAVOUR (real or sim), declared
# compatible: a target that links both flavours, directly or through other
# libraries, is a CMake error instead of a silent ODR violation.
function(weft_add_runtime name)
  cmake_parse_arguments(ARG "" "FLAVOUR;EXPORT_NAME" "SOURCES;LINK;PRIVATE_LINK" ${ARGN})
  if(NOT ARG_FLAVOUR MATCHES "^(real|sim)$")
    message(FATAL_ERROR "weft_add_runtime(${name}): FLAVOUR must be real or sim, got '${ARG_FLAVOUR}'")
  endif()
  add_library(${name} ${ARG_SOURCES})
  weft_package_library(${name} ${ARG_EXPORT_NAME})
  target_link_libraries(${name} PUBLIC Threads::Threads ${ARG_LINK})
  if(ARG_PRIVATE_LINK)
    target_link_libraries(${name} PRIVATE ${ARG_PRIVATE_LINK})
  endif()
  if(ARG_FLAVOUR STREQUAL "sim")
    target_compile_definitions(${name} PUBLIC WEFT_SYS_SIM=1)
  endif()
  set_target_properties(${name} PROPERTIES INTERFACE_WEFT_FLAVOUR ${ARG_FLAVOUR})
  set_property(TARGET ${name} APPEND PROPERTY COMPATIBLE_INTERFACE_STRING WEFT_FLAVOUR)
endfunction()

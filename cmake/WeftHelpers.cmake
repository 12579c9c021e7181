# CMake helpers for projects that use weft (installed with the package and
# loaded by find_package(weft)); weft's own tree uses them too.
#
# weft_add_library(NAME [STATIC|SHARED|OBJECT]
#                  SOURCES file...
#                  [PUBLIC_INCLUDE_DIRS dir...]
#                  [LINK target...]            # linked the same way by both
#                  [FLAVOURED_LINK name...]    # other weft_add_library libraries
#                  [DEFINITIONS def...])       # PUBLIC compile definitions
#
# Builds one set of sources twice, so code written once on weft::sys and
# weft::rt runs both for real and in the deterministic world:
#
#   NAME      linked to weft::runtime      (real threads, atomics, sockets)
#   NAME_sim  linked to weft::runtime_sim  (every sys operation a scheduling
#                                           point; WEFT_SYS_SIM=1 propagates)
#
# FLAVOURED_LINK names other libraries made by weft_add_library: NAME links
# each one's real build, NAME_sim its sim build. Link NAME into your program
# and NAME_sim into tests that use weft::gtest, weft::props or weft::cli_main.
# A target that ends up with both flavours is a CMake error
# (INTERFACE_WEFT_FLAVOUR), not a silent mix-up at run time.
#
#   weft_add_library(pool SOURCES pool.cpp PUBLIC_INCLUDE_DIRS include)
#   add_executable(server main.cpp)       target_link_libraries(server PRIVATE pool)
#   add_executable(pool_test test.cpp)    target_link_libraries(pool_test PRIVATE pool_sim weft::gtest)
function(weft_add_library name)
  cmake_parse_arguments(ARG "STATIC;SHARED;OBJECT" ""
    "SOURCES;PUBLIC_INCLUDE_DIRS;LINK;FLAVOURED_LINK;DEFINITIONS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "weft_add_library(${name}): give SOURCES")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_add_library(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  set(type "")
  foreach(t STATIC SHARED OBJECT)
    if(ARG_${t})
      set(type ${t})
    endif()
  endforeach()
  foreach(flavour real sim)
    if(flavour STREQUAL "real")
      set(target ${name})
      set(runtime weft::runtime)
      set(suffix "")
    else()
      set(target ${name}_sim)
      set(runtime weft::runtime_sim)
      set(suffix "_sim")
    endif()
    if(NOT TARGET ${runtime})
      message(FATAL_ERROR "weft_add_library(${name}): ${runtime} is not available "
        "(this weft was built without the ${flavour} flavour)")
    endif()
    add_library(${target} ${type} ${ARG_SOURCES})
    target_link_libraries(${target} PUBLIC ${runtime} ${ARG_LINK})
    foreach(dep IN LISTS ARG_FLAVOURED_LINK)
      target_link_libraries(${target} PUBLIC ${dep}${suffix})
    endforeach()
    if(ARG_PUBLIC_INCLUDE_DIRS)
      target_include_directories(${target} PUBLIC ${ARG_PUBLIC_INCLUDE_DIRS})
    endif()
    if(ARG_DEFINITIONS)
      target_compile_definitions(${target} PUBLIC ${ARG_DEFINITIONS})
    endif()
    target_compile_features(${target} PUBLIC cxx_std_20)
  endforeach()
endfunction()

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

# weft_instrument(TARGET): explore TARGET's code unmodified — std::thread,
# std::mutex, std::condition_variable, std::atomic and plain memory — under
# weft's explorer (WEFT_EXPLORE_TEST, WEFT_CHECK). TARGET's sources are
# compiled with GCC's -fsanitize=thread instrumentation (and -g, so reports
# name source lines); whatever links TARGET (TARGET itself, if it is an
# executable) links weft::instrument instead of ThreadSanitizer's runtime:
# inside an explored run every atomic is a scheduling point, every plain
# access is checked for data races, and every std::thread is a simulated
# thread; outside a run everything is the real thing.
# See sim/instrument/instrument.hpp and docs/explore.md ("Unmodified C++").
#
#   add_library(queue STATIC queue.cpp)          # plain standard C++
#   weft_instrument(queue)
#   add_executable(queue_test queue_test.cpp)    # WEFT_EXPLORE_TEST(...)
#   target_link_libraries(queue_test PRIVATE queue weft::gtest)
#
# weft_instrument(TARGET MAIN), for an executable with a main() of its own:
# running the program explores it. Each run of the exploration is one run
# of main(); `./prog args` tries 10,000 schedules and exits 0 clean, 1 with
# a failure (and the line that replays it), 2 for bad input; WEFT_STRATEGY,
# WEFT_ITERATIONS, WEFT_TIME_LIMIT, WEFT_MEMORY and WEFT_SCHEDULE as for
# WEFT_EXPLORE_TEST; WEFT_EXPLORE=off runs it once, for real. (The linker's
# --wrap=main; see props/explore_main.cpp.)
#
# GCC only, and not in a build that uses a sanitizer of its own
# (ThreadSanitizer's runtime defines the same entry points;
# AddressSanitizer's cannot be combined with it).
function(weft_instrument target)
  cmake_parse_arguments(ARG "MAIN" "" "" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_instrument(${target}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET weft::instrument)
    message(FATAL_ERROR "weft_instrument(${target}): weft::instrument is not available "
      "(this weft was built without it: GCC and no sanitizer are needed)")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "weft_instrument(${target}): needs GCC's -fsanitize=thread instrumentation "
      "(the compiler is ${CMAKE_CXX_COMPILER_ID})")
  endif()
  # Compile only: linking with -fsanitize=thread would bring libtsan.
  target_compile_options(${target} PRIVATE -fsanitize=thread -Wno-tsan -g)
  # Every member: the interposed thread API must replace libc's even where
  # nothing in the program names it (libstdc++ calls it).
  target_link_libraries(${target} PUBLIC "$<LINK_LIBRARY:WHOLE_ARCHIVE,weft::instrument>")
  if(ARG_MAIN)
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "EXECUTABLE")
      message(FATAL_ERROR "weft_instrument(${target} MAIN): ${target} is not an executable")
    endif()
    target_link_options(${target} PRIVATE "LINKER:--wrap=main")
    target_link_libraries(${target} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,weft::explore_main>")
  endif()
endfunction()

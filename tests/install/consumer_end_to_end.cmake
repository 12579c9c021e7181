# A project outside the tree, with nothing but the installed prefix:
#
#  1. `cmake --install` into a fresh prefix; bin/weft runs from there; a
#     target that links both runtime flavours is a CMake error.
#  2. examples/consumer builds against it twice: as written, and with
#     -DPOOL_DEFECT=ON (a check-then-open race planted in its pool).
#  3. As written: its demo (real runtime), its GoogleTest suite
#     (WEFT_EXPLORE_TEST, WEFT_SIM_TEST) and its own `weft` command's
#     explore and fuzz all pass.
#  4. With the defect: both tests fail, each printing one `reproduce:` line;
#     running that line fails again with the same message; the command's
#     explore and fuzz exit 1, and their reproduce lines fail again too.
#  5. examples/std-consumer, plain C++ built with weft_instrument (when the
#     package has weft::instrument): as written, its demo runs on real
#     threads and its tests and command pass; with -DWORKQUEUE_DEFECT=ON the
#     lost wakeup is found, named by source line, and its reproduce lines
#     fail again the same way — through WEFT_EXPLORE_TEST, the project's
#     own command, and its main() explored by running it.
cmake_policy(SET CMP0054 NEW)  # "defect" in if() is a string, not the variable of that name
foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "consumer_end_to_end.cmake needs -D${var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

include(${CMAKE_CURRENT_LIST_DIR}/../script_helpers.cmake)  # expect, must_contain, reproduce_line

# 1. The prefix, and bin/weft from it.
expect(EXIT 0 DIR "${WORK_DIR}" COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
expect(EXIT 0 DIR "${WORK_DIR}" OUT out COMMAND "${prefix}/bin/weft" --version)
must_contain("${out}" "weft ${VERSION}")
expect(EXIT 1 DIR "${WORK_DIR}" OUT out COMMAND "${prefix}/bin/weft" explore lost-notify --trace-dir "${WORK_DIR}")
must_contain("${out}" "reproduce: weft replay --schedule w1:lost-notify:")
expect(EXIT 0 DIR "${WORK_DIR}" OUT out COMMAND "${prefix}/bin/weft" litmus SB)
must_contain("${out}" "weft: 4 of 4 litmus tests agree with RC11")

# A target that links both flavours is refused when CMake generates, not
# left to misbehave at run time.
set(mixed "${WORK_DIR}/mixed")
file(WRITE "${mixed}/CMakeLists.txt" "cmake_minimum_required(VERSION 3.25)\nproject(mixed CXX)\n"
  "find_package(weft 0.2 REQUIRED)\nadd_executable(both main.cpp)\n"
  "target_link_libraries(both PRIVATE weft::runtime weft::sim)\n")
file(WRITE "${mixed}/main.cpp" "int main() { return 0; }\n")
expect(EXIT 1 DIR "${WORK_DIR}" OUT out COMMAND ${CMAKE_COMMAND} -S "${mixed}" -B "${mixed}/build" -G Ninja
  "-DCMAKE_PREFIX_PATH=${prefix}")
must_contain("${out}" "INTERFACE_WEFT_FLAVOUR property of \"weft::runtime_sim\" does")

# 2. The consumer, as written and with its defect.
foreach(variant fixed defect)
  set(defect_flag OFF)
  if(variant STREQUAL "defect")
    set(defect_flag ON)
  endif()
  expect(EXIT 0 DIR "${WORK_DIR}" COMMAND ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/${variant}" -G Ninja
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
    -DPOOL_DEFECT=${defect_flag})
  expect(EXIT 0 DIR "${WORK_DIR}" COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/${variant}")
endforeach()

# 3. As written, everything passes.
set(fixed "${WORK_DIR}/fixed")
expect(EXIT 0 DIR "${fixed}" COMMAND ./pool-demo)
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool_test)
must_contain("${out}" "weft: ok — 10000 schedules (portfolio)")
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool-weft list)
must_contain("${out}" "pool-service\tscenario\t")
must_contain("${out}" "pool-two-acquires\tcheck\t")
string(FIND "${out}" "kv-fixed" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the catalogue is listed without --catalogue:\n${out}")
endif()
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool-weft --catalogue list)
must_contain("${out}" "kv-fixed\tfixed\t")
expect(EXIT 0 DIR "${fixed}" COMMAND ./pool-weft explore pool-two-acquires)
# The user's own check under weak memory (the C++ memory model).
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool-weft explore pool-two-acquires --memory weak --iterations 2000)
must_contain("${out}" "weft: ok — 2000 schedules (portfolio)")
expect(EXIT 0 DIR "${fixed}" COMMAND ./pool-weft fuzz pool-service --seeds 300)
# Swarm testing works on the consumer's own scenario (NAME+swarm).
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool-weft fuzz pool-service --swarm --seeds 50)
must_contain("${out}" "fuzz pool-service+swarm: 50 seeds")
expect(EXIT 0 DIR "${fixed}" OUT out COMMAND ./pool-weft explore pool-service --strategy pct:3 --iterations 30)
must_contain("${out}" "weft: ok — 30 schedules (pct:3)")
expect(EXIT 2 DIR "${fixed}" OUT out COMMAND ./pool-weft explore kv)
must_contain("${out}" "unknown check or scenario 'kv'")

# 4. With the defect: found, and each reproduce line fails again the same way.
set(defect "${WORK_DIR}/defect")
expect(EXIT 1 DIR "${defect}" OUT out COMMAND ./pool_test)
must_contain("${out}" "the pool had more connections open than its limit of one")
must_contain("${out}" "db refused a connection")
reproduce_line("${out}" "WEFT_SCHEDULE=" explore_line)
reproduce_line("${out}" "WEFT_SEED=" sim_line)
expect(EXIT 1 DIR "${WORK_DIR}" OUT again COMMAND sh -c "${explore_line}")
must_contain("${again}" "the pool had more connections open than its limit of one")
must_contain("${again}" "(replay)")
expect(EXIT 1 DIR "${WORK_DIR}" OUT again COMMAND sh -c "${sim_line}")
must_contain("${again}" "db refused a connection")
must_contain("${again}" "1 test, listed below")

expect(EXIT 1 DIR "${defect}" OUT out COMMAND ./pool-weft explore pool-two-acquires)
reproduce_line("${out}" "replay --schedule" replay_line)
expect(EXIT 1 DIR "${defect}" OUT again COMMAND sh -c "${replay_line}")
must_contain("${again}" "REPLAYED assertion in pool-two-acquires")
expect(EXIT 1 DIR "${defect}" OUT out COMMAND ./pool-weft explore pool-two-acquires --memory weak)
reproduce_line("${out}" "replay --memory weak --schedule" weak_replay_line)
expect(EXIT 1 DIR "${defect}" OUT again COMMAND sh -c "${weak_replay_line}")
must_contain("${again}" "REPLAYED assertion in pool-two-acquires")
expect(EXIT 1 DIR "${defect}" OUT out COMMAND ./pool-weft fuzz pool-service --seeds 300)
reproduce_line("${out}" "run pool-service --seed" run_line)
expect(EXIT 1 DIR "${defect}" OUT again COMMAND sh -c "${run_line}")
must_contain("${again}" "db refused a connection")
# The user's own world scenario under the explorer: found, shrunk, and the
# printed schedule replays to the trace hash explore printed.
expect(EXIT 1 DIR "${defect}" OUT out COMMAND ./pool-weft explore pool-service --strategy pct:3)
must_contain("${out}" "db refused a connection")
reproduce_line("${out}" "replay --schedule w1:pool-service:" world_replay)
string(REGEX MATCH "trace hash (0x[0-9a-f]+)" hash_line "${out}")
expect(EXIT 1 DIR "${defect}" OUT again COMMAND sh -c "${world_replay}")
must_contain("${again}" "REPLAYED exception in pool-service")
must_contain("${again}" "trace hash ${CMAKE_MATCH_1})")
# 5. Plain C++, unmodified, through weft_instrument.
if(HAS_INSTRUMENT AND DEFINED STD_CONSUMER_DIR)
  foreach(variant fixed defect)
    set(defect_flag OFF)
    if(variant STREQUAL "defect")
      set(defect_flag ON)
    endif()
    expect(EXIT 0 DIR "${WORK_DIR}" COMMAND ${CMAKE_COMMAND} -S "${STD_CONSUMER_DIR}" -B "${WORK_DIR}/std-${variant}"
      -G Ninja "-DCMAKE_PREFIX_PATH=${prefix}" -DWORKQUEUE_DEFECT=${defect_flag})
    expect(EXIT 0 DIR "${WORK_DIR}" COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/std-${variant}")
  endforeach()
  set(std_fixed "${WORK_DIR}/std-fixed")
  expect(EXIT 0 DIR "${std_fixed}" OUT out COMMAND ./workqueue-demo)
  must_contain("${out}" "workqueue: 1000 jobs done")
  expect(EXIT 0 DIR "${std_fixed}" OUT out COMMAND ./workqueue_test)
  must_contain("${out}" "weft: ok — 10000 schedules (portfolio)")
  expect(EXIT 0 DIR "${std_fixed}" OUT out COMMAND ./workqueue-weft explore workqueue-drain --strategy pct:3)
  must_contain("${out}" "weft: ok — 10000 schedules (pct:3)")
  expect(EXIT 0 DIR "${std_fixed}" OUT out COMMAND ./workqueue-main)
  must_contain("${out}" "weft: ok — 10000 schedules (portfolio)")

  set(std_defect "${WORK_DIR}/std-defect")
  expect(EXIT 0 DIR "${std_defect}" COMMAND ./workqueue-demo)
  expect(EXIT 1 DIR "${std_defect}" OUT out COMMAND ./workqueue_test)
  must_contain("${out}" "lost wakeup")
  must_contain("${out}" "waits on condvar")
  must_contain("${out}" "workqueue/workqueue.cpp:")
  must_contain("${out}" "(workqueue::work())")
  reproduce_line("${out}" "WEFT_SCHEDULE=" std_line)
  expect(EXIT 1 DIR "${WORK_DIR}" OUT again COMMAND sh -c "${std_line}")
  must_contain("${again}" "lost wakeup")
  must_contain("${again}" "(replay)")
  expect(EXIT 1 DIR "${std_defect}" OUT out COMMAND ./workqueue-weft explore workqueue-drain)
  must_contain("${out}" "workqueue.cpp:")
  reproduce_line("${out}" "replay --schedule" std_replay)
  expect(EXIT 1 DIR "${std_defect}" OUT again COMMAND sh -c "${std_replay}")
  must_contain("${again}" "REPLAYED lost_wakeup in workqueue-drain")
  expect(EXIT 1 DIR "${std_defect}" OUT out COMMAND ./workqueue-main)
  must_contain("${out}" "lost wakeup")
  reproduce_line("${out}" "workqueue-main" main_line)
  expect(EXIT 1 DIR "${std_defect}" OUT again COMMAND sh -c "${main_line}")
  must_contain("${again}" "(replay)")
endif()

message(STATUS "consumer end to end: ok")

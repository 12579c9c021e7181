# Installs the whole of weft as a CMake package:
#
#   find_package(weft 0.2 REQUIRED)
#   target_link_libraries(app      PRIVATE weft::runtime)     # the real runtime
#   target_link_libraries(app_test PRIVATE weft::gtest)       # WEFT_SIM_TEST, WEFT_EXPLORE_TEST
#   target_link_libraries(app_weft PRIVATE weft::cli_main)    # your own `weft` command
#
# Layout under the prefix:
#   bin/weft                          the command
#   include/weft/gtest.hpp, cli.hpp,  the public entry headers (<weft/...>)
#     weft.hpp
#   include/weft/{runtime,sim,props,  every header, included as "runtime/..."
#     models,viz,cli}/...
#   lib/libweft_*.a                   the libraries (one per exported target)
#   lib/cmake/weft/                   weftConfig.cmake, version, targets, WeftHelpers.cmake
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(weft_targets GLOBAL PROPERTY WEFT_PACKAGE_TARGETS)
install(TARGETS ${weft_targets} EXPORT weftTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET weft)
  install(TARGETS weft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
foreach(dir runtime sim props models viz cli)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft
      FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/weft DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT weftTargets NAMESPACE weft:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)

set(WEFT_PACKAGE_HAS_SIM ${WEFT_BUILD_SIM})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/weftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/weftConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/weftConfig.cmake ${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/WeftHelpers.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/weft)

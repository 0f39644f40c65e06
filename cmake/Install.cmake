# cmake --install: headers, both libraries, a CMake package and a pkg-config file.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/smtpkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS smtpkit smtpkit_static smtpkit_shared EXPORT smtpkitTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS smtpkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/smtpkit.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(EXPORT smtpkitTargets NAMESPACE smtpkit::
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smtpkit)

configure_package_config_file(cmake/smtpkitConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/smtpkitConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smtpkit)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/smtpkitConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/smtpkitConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/smtpkitConfigVersion.cmake
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smtpkit)

# Relocatable: the prefix is found from where the .pc file lies.
file(RELATIVE_PATH SMTPKIT_PC_RELATIVE_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
    "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" SMTPKIT_PC_RELATIVE_PREFIX "${SMTPKIT_PC_RELATIVE_PREFIX}")
configure_file(cmake/smtpkit.pc.in ${CMAKE_CURRENT_BINARY_DIR}/smtpkit.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/smtpkit.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

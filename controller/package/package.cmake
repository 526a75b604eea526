# The Debian package: `cpack -G DEB` in a build dir configured with -DCMAKE_INSTALL_PREFIX=/usr
# (.ci/package does it). Everything here is also what `cmake --install` puts on a machine: with
# the prefix /usr the config lands in /etc and the units in /lib/systemd, as a package's would;
# with /usr/local, under /usr/local (where systemd also looks for units).
include(GNUInstallDirs)
set(package_dir ${CMAKE_CURRENT_LIST_DIR})
set(package_build ${PROJECT_BINARY_DIR}/package)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(bangtin_unit_dir /lib/systemd/system)
  set(bangtin_user_unit_dir /usr/lib/systemd/user)
else()
  set(bangtin_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
  set(bangtin_user_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/user)
endif()
set(bangtin_etc ${CMAKE_INSTALL_FULL_SYSCONFDIR}/bangtin)

# The units are examples/'s, with the binaries where this install puts them and the steps of a
# hand install left out (the package makes the user and /etc/bangtin itself).
function(bangtin_installed_unit source destination)
  file(READ ${source} unit)
  string(REPLACE "/usr/local/bin/" "${CMAKE_INSTALL_FULL_BINDIR}/" unit "${unit}")
  string(REGEX REPLACE "#   (sudo )?(cmake --install|install -D|useradd)[^\n]*\n" "" unit "${unit}")
  string(REPLACE "Install with:" "Installed by the bangtin package; then:" unit "${unit}")
  if(NOT unit MATCHES "\nExecStart=${CMAKE_INSTALL_FULL_BINDIR}/bangtind ")
    message(FATAL_ERROR "${source}: its ExecStart= is not /usr/local/bin/bangtind any more; "
                        "package.cmake must learn where the installed unit finds bangtind")
  endif()
  get_filename_component(name ${source} NAME)
  file(CONFIGURE OUTPUT ${package_build}/${name} CONTENT "${unit}" @ONLY)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  install(FILES ${package_build}/${name} DESTINATION ${destination})
endfunction()
bangtin_installed_unit(${PROJECT_SOURCE_DIR}/examples/bangtind.service ${bangtin_unit_dir})
bangtin_installed_unit(${PROJECT_SOURCE_DIR}/examples/bangtind-lobby.service
                       ${bangtin_user_unit_dir})
configure_file(${package_dir}/bangtin-hub.service.in ${package_build}/bangtin-hub.service @ONLY)
install(FILES ${package_build}/bangtin-hub.service DESTINATION ${bangtin_unit_dir})

# Conffiles: the commented config, the example's playlists, the hub's options.
install(FILES ${package_dir}/bangtin.yaml DESTINATION ${bangtin_etc})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/playlists/ DESTINATION ${bangtin_etc}/playlists
        FILES_MATCHING PATTERN "*.yaml")
install(FILES ${package_dir}/bangtin-hub.default DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default
        RENAME bangtin-hub)
# The state directory; postinst gives it to the user bangtin, 0750.
install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/bangtin)

# Man pages, each from its one hand-written source, gzipped without a name or date in the header.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(man_pages bangtin.1 bangtind.8 bangtin-panel-sim.1 bangtin-hub.1 bangtin.yaml.5)
set(man_gzipped)
foreach(page IN LISTS man_pages)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(gzipped ${package_build}/man/${page}.gz)
  add_custom_command(
    OUTPUT ${gzipped}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${package_build}/man
    COMMAND ${GZIP_PROGRAM} -9n -c ${package_dir}/man/${page} > ${gzipped}
    DEPENDS ${package_dir}/man/${page}
    VERBATIM)
  list(APPEND man_gzipped ${gzipped})
  install(FILES ${gzipped} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

# Documentation: the format the config and playlists are written in, the fleet's, the copyright
# and the changelog Debian expects of every package.
set(changelog ${package_build}/changelog.gz)
add_custom_command(
  OUTPUT ${changelog}
  COMMAND ${GZIP_PROGRAM} -9n -c ${package_dir}/changelog > ${changelog}
  DEPENDS ${package_dir}/changelog
  VERBATIM)
add_custom_target(package-files ALL DEPENDS ${man_gzipped} ${changelog})
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/bangtin)
install(FILES ${PROJECT_SOURCE_DIR}/playlists/FORMAT.md ${PROJECT_SOURCE_DIR}/controller/FLEET.md
              ${package_dir}/copyright ${changelog}
        DESTINATION ${doc_dir})

install(FILES ${package_dir}/bangtin.bash-completion DESTINATION
        ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME bangtin)

# The package itself.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bangtin)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "bangtin")
set(BANGTIN_PACKAGE_MAINTAINER
    "bangtin maintainers <maintainers@users.noreply.h-seed-c06f8c67.example>"
    CACHE STRING "The Maintainer: of the Debian package")
set(CPACK_PACKAGE_CONTACT "${BANGTIN_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "controller for Vietnamese LED boards and lobby screens")
# The extended description; CPack indents it and writes the empty line as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "bangtin plays the playlists of an office's information boards: bangtind
decides what each display shows when, draws Vietnamese text whole even on a
16-pixel street board, and pushes the frames to LED panels over Modbus RTU
(RS-485) or TCP, DDP or E1.31, or shows them in a window on a lobby TV.
Every play is recorded for the office's report.

This package holds the daemon and its systemd unit, the bangtin tool
(validate, preview, plan, report, console accounts, the fleet), the panel
simulator and the fleet hub.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the programs need beyond their libraries: fonts that cover Vietnamese (the renderer asks
# fontconfig), the console's Bootstrap (served from /usr/share/javascript), adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-dejavu-core, fonts-unifont, libjs-bootstrap5")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(conffiles ${package_build}/conffiles)
file(GLOB example_playlists RELATIVE ${PROJECT_SOURCE_DIR}/examples/playlists
     CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/playlists/*.yaml)
list(SORT example_playlists)
set(conffile_list "/etc/bangtin/bangtin.yaml\n/etc/default/bangtin-hub\n")
foreach(playlist IN LISTS example_playlists)
  string(APPEND conffile_list "/etc/bangtin/playlists/${playlist}\n")
endforeach()
file(CONFIGURE OUTPUT ${conffiles} CONTENT "${conffile_list}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${conffiles} ${package_dir}/postinst ${package_dir}/prerm
                                       ${package_dir}/postrm)
set(CPACK_STRIP_FILES ON)
# Linked as Debian links its own programs (lintian: hardening-no-bindnow): the relocations are
# resolved at start and made read-only.
set_property(TARGET bangtin bangtind bangtin-hub bangtin-panel-sim APPEND
             PROPERTY LINK_OPTIONS "LINKER:-z,relro,-z,now")
# And stripped as Debian strips them: without the compilers' names (.comment) too.
install(CODE [[
  if(CMAKE_INSTALL_DO_STRIP)
    foreach(program bangtin bangtind bangtin-hub bangtin-panel-sim)
      execute_process(COMMAND objcopy --remove-section=.comment
                              "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/bin/${program}"
                      COMMAND_ERROR_IS_FATAL ANY)
    endforeach()
  endif()
]])
# What lintian says that is not so for bangtin, each with its reason in the file.
install(FILES ${package_dir}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME bangtin)
# Run by cpack before it packs. The package's paths are a distribution's: a build for /usr/local
# would put /usr/local/etc in it. Every file is dated the release's day, as the changelog is, not
# the day of the build (CPack takes SOURCE_DATE_EPOCH when the caller gives none).
execute_process(COMMAND date -u -d ${BANGTIN_EARLIEST_TRUSTED_DATE} +%s
                OUTPUT_VARIABLE release_epoch OUTPUT_STRIP_TRAILING_WHITESPACE
                COMMAND_ERROR_IS_FATAL ANY)
set(CPACK_PROJECT_CONFIG_FILE ${package_build}/cpack-checks.cmake)
file(CONFIGURE OUTPUT ${CPACK_PROJECT_CONFIG_FILE} CONTENT [[
if(NOT "@CMAKE_INSTALL_PREFIX@" STREQUAL "/usr")
  message(FATAL_ERROR "bangtin's package needs a build configured with -DCMAKE_INSTALL_PREFIX=/usr "
                      "(this one: @CMAKE_INSTALL_PREFIX@)")
endif()
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
  set(ENV{SOURCE_DATE_EPOCH} @release_epoch@)
endif()
]] @ONLY)
include(CPack)

# Install rules: the Debian layout of a room box (prefix /usr).
#
#   /usr/bin/stillroom                        the controller and its command line
#   /usr/sbin/stillroom-add-device            adds a device user to the room's broker
#   /etc/stillroom/room.yaml                  the room (conffile)
#   /etc/stillroom/protocols/*.yaml           the shipped protocols (conffiles)
#   /etc/stillroom/playlists/, clients/       the clinic's own files (shipped empty)
#   /etc/stillroom/mosquitto.conf             the room's broker (stillroom-mosquitto.service)
#   /etc/stillroom/mosquitto.d/stillroom.conf its listeners, authentication, ACL (config/mosquitto/)
#   /etc/mosquitto/stillroom/acl              who may do what on it (conffile); passwd beside it
#   /usr/share/stillroom/panel/               the room panel's pages (STILLROOM_PANEL_DIR)
#   /usr/share/doc/stillroom/examples/        the example room, playlists, clients, M3U lists
#   /lib/systemd/system/stillroom.service     the controller's unit
#   /lib/systemd/system/stillroom-mosquitto.service   the room's broker
#   /var/lib/stillroom/{record,loudness}/     state, created empty (the package's postinst and the
#                                             unit's StateDirectory= give them to the stillroom user)
#
# Stage it with DESTDIR (DESTDIR=/tmp/stage cmake --install BUILD), as the
# package build does: with prefix /usr the /etc, /var and /lib paths are
# absolute, so `cmake --install --prefix` alone would still write to /etc.
# Configured with another prefix, the same tree goes under that prefix; the
# paths inside the files stay those of the Debian layout.
include(GNUInstallDirs)

# The panel's pages as built by the panel's own build. Unless a panel build
# has set it (to its output directory, with a stillroom_panel target that
# builds it: the package build builds that target before installing), the
# plain files of room/panel/.
set(STILLROOM_PANEL_DIR "${CMAKE_CURRENT_SOURCE_DIR}/room/panel"
    CACHE PATH "Directory whose files are installed as the room panel (share/stillroom/panel)")
if(NOT TARGET stillroom_panel)
  add_custom_target(stillroom_panel)
endif()

# GNUInstallDirs maps prefix /usr to /etc and /var; systemd units of Debian 12
# packages live in /lib/systemd/system (dh_installsystemd looks there).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(STILLROOM_UNIT_DIR "/lib/systemd/system" CACHE PATH "systemd system unit directory")
else()
  set(STILLROOM_UNIT_DIR "lib/systemd/system" CACHE PATH "systemd system unit directory")
endif()
set(stillroom_etc "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
set(stillroom_var "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}")
set(stillroom_examples "${CMAKE_INSTALL_DOCDIR}/examples")

install(TARGETS stillroom RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS scripts/add-device-user DESTINATION ${CMAKE_INSTALL_SBINDIR} RENAME stillroom-add-device)

# The room's configuration: what the clinic edits. dpkg keeps every edit on upgrade.
install(FILES packaging/etc/room.yaml DESTINATION ${stillroom_etc}/stillroom)
install(DIRECTORY config/examples/protocols/ DESTINATION ${stillroom_etc}/stillroom/protocols
        FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY DESTINATION ${stillroom_etc}/stillroom/playlists)
install(DIRECTORY DESTINATION ${stillroom_etc}/stillroom/clients)

# The room's broker: mosquitto in a unit of its own with the room's
# configuration, the ACL beside the password file that stillroom-add-device
# and the package's postinst write.
install(FILES packaging/etc/mosquitto.conf DESTINATION ${stillroom_etc}/stillroom)
install(FILES config/mosquitto/stillroom.conf DESTINATION ${stillroom_etc}/stillroom/mosquitto.d)
install(FILES config/mosquitto/stillroom.acl DESTINATION ${stillroom_etc}/mosquitto/stillroom RENAME acl)

if(STILLROOM_PANEL_DIR)
  install(DIRECTORY ${STILLROOM_PANEL_DIR}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stillroom/panel)
else()
  message(WARNING "STILLROOM_PANEL_DIR is empty: the room panel is not installed")
endif()

install(FILES packaging/systemd/stillroom.service packaging/systemd/stillroom-mosquitto.service
        DESTINATION ${STILLROOM_UNIT_DIR})

# The example room as shipped with the sources, for reading and copying.
install(DIRECTORY config/examples/ DESTINATION ${stillroom_examples}
        PATTERN "music" EXCLUDE)

install(DIRECTORY DESTINATION ${stillroom_var}/lib/stillroom/record)
install(DIRECTORY DESTINATION ${stillroom_var}/lib/stillroom/loudness)

install(FILES README.md docs/architecture.md docs/configuration.md docs/mqtt.md docs/operations.md docs/record.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/man/stillroom.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES packaging/man/stillroom-add-device.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

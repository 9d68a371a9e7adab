# SPDX-License-Identifier: MIT
# The Debian package: `cpack -G DEB` in a build directory (after building)
# writes ciscosec_<version>-1_<arch>.deb with everything `cmake --install`
# installs: the binary, the old tools' names as symlinks, the man pages and
# the bash and zsh completions. Its Depends field comes from the shared
# libraries the binary links (dpkg-shlibdeps, from dpkg-dev), so it follows
# whatever the build found, and from the one library loaded on demand that
# it cannot do without (expat, below). It carries the licence as Debian's
# machine-readable copyright file (packaging/debian/copyright, installed by
# every install), a changelog.Debian.gz and lintian overrides (DebLayout.cmake). Build against the system's libraries: a library
# that no installed package owns (mbedTLS 3.6 unpacked under /tmp, say)
# makes dpkg-shlibdeps fail.
#
# Each setting can be overridden on the cmake command line (-DCPACK_...).

set(CPACK_PACKAGE_NAME "ciscosec")
set(CPACK_PACKAGE_VENDOR "ciscosec")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "build and check the security files of Cisco IP phones")
if(NOT DEFINED CPACK_DEBIAN_PACKAGE_MAINTAINER)
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER
      "ciscosec maintainers <maintainers@users.noreply.r-seed-5f96aa53.example>")
endif()
# The extended description; CPack puts the summary above it and formats
# it for the control file (a space before each line, "." for a blank one).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"ciscosec makes and checks the files a Cisco IP phone in secure mode
relies on: trust lists (ITLFile.tlv, CTLFile.tlv), signed files (.sgn),
encrypted configurations (.cnf.xml.enc.sgn) and the certificates behind
them. It checks a whole provisioning directory, a TLS server and the SRTP
library the way a phone would, before a phone finds a problem. It also
runs the two services phones connect to: CAPF, which issues each phone
its certificate (LSC), and TVS, which tells a phone whether a certificate
is trusted.

It replaces the certutils scripts and answers to their names (tlvfile,
sgnfile, stripsgn, enccnf, mkcert, certhash), so existing command lines
work unchanged, as do those of the CAPF and TVS daemons (capfd, capfctl,
capfc, tvsd, tvsctl, tvsc).")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# expat and libsrtp2 are loaded on demand, not linked, so dpkg-shlibdeps
# does not see them. Reading XML is at the heart of `enc` and `verify
# tftpboot`: expat is a Depends, written here (CPack puts dpkg-shlibdeps'
# list after it). Only `verify srtp` needs libsrtp2, and names it when it
# is missing: a Recommends. The package names are CMakeLists.txt's, the
# ones the error messages give.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CISCOSEC_EXPAT_PACKAGE}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${CISCOSEC_SRTP2_PACKAGE}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB")
list(APPEND CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/DebLayout.cmake")

# For DebLayout.cmake: the Debian changelog (dated by SOURCE_DATE_EPOCH when
# set, for a reproducible package) and the lintian overrides.
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file("${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in"
               "${PROJECT_BINARY_DIR}/changelog.Debian" @ONLY)
set(CPACK_CISCOSEC_CHANGELOG "${PROJECT_BINARY_DIR}/changelog.Debian")
set(CPACK_CISCOSEC_LINTIAN_OVERRIDES "${PROJECT_SOURCE_DIR}/packaging/debian/lintian-overrides")
set(CPACK_CISCOSEC_GZIP "${GZIP_EXECUTABLE}")
set(CPACK_CISCOSEC_STRIP "${CMAKE_STRIP}")

include(CPack)

# XenFlow: configure checks, included from upstream's configure.ac by
# patches/0006-configure-xenflow-m4.patch.
#
# Copyright (c) 2026 The XenFlow authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0

dnl XENFLOW_CHECK_LIBVIRT
dnl
dnl ovs-vswitchd's libvirt control-plane mover (xenflow/mover-libvirt.c,
dnl "other_config:xenflow-mover=libvirt:URI") uses libvirt's C API (Debian:
dnl libvirt-dev).  Without it the fork still builds, with the exec mover
dnl only.  Sets LIBVIRT_CFLAGS, LIBVIRT_LIBS and the HAVE_LIBVIRT
dnl conditional; --without-libvirt skips the check.  XENFLOW_CHECK_LIBNL,
dnl the macro patches/0006 calls, requires it.
AC_DEFUN([XENFLOW_CHECK_LIBVIRT],
  [AC_ARG_WITH([libvirt],
     [AS_HELP_STRING([--without-libvirt],
        [build ovs-vswitchd without the libvirt migration mover])],
     [], [with_libvirt=check])
   PKG_PROG_PKG_CONFIG
   xenflow_have_libvirt=no
   if test "$with_libvirt" != no; then
     PKG_CHECK_MODULES([LIBVIRT], [libvirt],
       [xenflow_have_libvirt=yes],
       [if test "$with_libvirt" = yes; then
          AC_MSG_ERROR([--with-libvirt given but libvirt not found: $LIBVIRT_PKG_ERRORS])
        fi
        AC_MSG_WARN([libvirt not found (apt-get install libvirt-dev): ovs-vswitchd will migrate router VMs with the exec mover only])])
   fi
   AC_MSG_CHECKING([whether to build the libvirt mover])
   AC_MSG_RESULT([$xenflow_have_libvirt])
   AM_CONDITIONAL([HAVE_LIBVIRT], [test "$xenflow_have_libvirt" = yes])])

dnl XENFLOW_CHECK_MICROHTTPD
dnl
dnl xenflow-agent serves /metrics (OpenMetrics) and the fleet dashboard with
dnl GNU libmicrohttpd (Debian: libmicrohttpd-dev).  Without it the agent
dnl still builds, without --metrics.  Sets MICROHTTPD_CFLAGS,
dnl MICROHTTPD_LIBS, the HAVE_MICROHTTPD conditional and define;
dnl --without-microhttpd skips the check.
AC_DEFUN([XENFLOW_CHECK_MICROHTTPD],
  [AC_ARG_WITH([microhttpd],
     [AS_HELP_STRING([--without-microhttpd],
        [build xenflow-agent without its HTTP server (/metrics, dashboard)])],
     [], [with_microhttpd=check])
   PKG_PROG_PKG_CONFIG
   xenflow_have_microhttpd=no
   if test "$with_microhttpd" != no; then
     PKG_CHECK_MODULES([MICROHTTPD], [libmicrohttpd >= 0.9.71],
       [xenflow_have_microhttpd=yes
        AC_DEFINE([HAVE_MICROHTTPD], [1],
                  [Define to 1 if libmicrohttpd is available.])],
       [if test "$with_microhttpd" = yes; then
          AC_MSG_ERROR([--with-microhttpd given but libmicrohttpd not found: $MICROHTTPD_PKG_ERRORS])
        fi
        AC_MSG_WARN([libmicrohttpd not found (apt-get install libmicrohttpd-dev): xenflow-agent will have no --metrics])])
   fi
   AC_MSG_CHECKING([whether xenflow-agent serves HTTP])
   AC_MSG_RESULT([$xenflow_have_microhttpd])
   AM_CONDITIONAL([HAVE_MICROHTTPD], [test "$xenflow_have_microhttpd" = yes])])

dnl XENFLOW_CHECK_LIBNL
dnl
dnl xenflow-client, the daemon that runs inside a virtual router, watches the
dnl kernel's routing and neighbour tables through libnl-3 and libnl-route-3
dnl (Debian: libnl-3-dev libnl-route-3-dev).  Without them the rest of the
dnl fork still builds; only xenflow-client is left out, with a warning.
dnl Sets LIBNL_CFLAGS, LIBNL_LIBS and the HAVE_LIBNL conditional;
dnl --without-libnl skips the check.
AC_DEFUN([XENFLOW_CHECK_LIBNL],
  [AC_REQUIRE([XENFLOW_CHECK_LIBVIRT])
   AC_REQUIRE([XENFLOW_CHECK_MICROHTTPD])
   AC_ARG_WITH([libnl],
     [AS_HELP_STRING([--without-libnl],
        [do not build xenflow-client (it needs libnl-3 and libnl-route-3)])],
     [], [with_libnl=check])
   PKG_PROG_PKG_CONFIG
   xenflow_have_libnl=no
   if test "$with_libnl" != no; then
     PKG_CHECK_MODULES([LIBNL], [libnl-3.0 libnl-route-3.0],
       [xenflow_have_libnl=yes],
       [if test "$with_libnl" = yes; then
          AC_MSG_ERROR([--with-libnl given but libnl-3.0/libnl-route-3.0 not found: $LIBNL_PKG_ERRORS])
        fi
        AC_MSG_WARN([libnl-3.0 and libnl-route-3.0 not found (apt-get install libnl-3-dev libnl-route-3-dev pkg-config): xenflow-client will not be built])])
   fi
   AC_MSG_CHECKING([whether to build xenflow-client])
   AC_MSG_RESULT([$xenflow_have_libnl])
   AM_CONDITIONAL([HAVE_LIBNL], [test "$xenflow_have_libnl" = yes])])

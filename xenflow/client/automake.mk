# xenflow-client: the daemon that runs inside a virtual router and streams
# its routing and neighbour tables to the XenFlow server (see
# Documentation/xenflow-client.8).  Included from xenflow/automake.mk.
# It needs libnl-3 and libnl-route-3, found by xenflow/xenflow.m4; without
# them it is not built.

# The table logic is pure (no libnl): unit-tested through ovstest whether or
# not the daemon is built.
XENFLOW_CLIENT_TABLE_SOURCES = \
	xenflow/client/client-ifaces.c \
	xenflow/client/client-ifaces.h \
	xenflow/client/client-neighs.c \
	xenflow/client/client-neighs.h \
	xenflow/client/client-routes.c \
	xenflow/client/client-routes.h \
	xenflow/client/client-table-private.h \
	xenflow/client/client-table.c \
	xenflow/client/client-table.h \
	xenflow/client/client-update.c \
	xenflow/client/client-update.h

tests_ovstest_SOURCES += \
	$(XENFLOW_CLIENT_TABLE_SOURCES) \
	tests/xenflow/test-xenflow-client-table.c

XENFLOW_TESTSUITE_AT += tests/xenflow/xenflow-client-unit.at

if HAVE_LIBNL
bin_PROGRAMS += xenflow/client/xenflow-client
xenflow_client_xenflow_client_SOURCES = \
	$(XENFLOW_CLIENT_TABLE_SOURCES) \
	xenflow/addr.c \
	xenflow/addr.h \
	xenflow/client/client-reply.c \
	xenflow/client/client-reply.h \
	xenflow/client/client-requests.c \
	xenflow/client/client-requests.h \
	xenflow/client/client-session-private.h \
	xenflow/client/client-session.c \
	xenflow/client/client-session.h \
	xenflow/client/client-unixctl.c \
	xenflow/client/client-unixctl.h \
	xenflow/client/fpm.c \
	xenflow/client/fpm.h \
	xenflow/client/kernel-links.c \
	xenflow/client/kernel-links.h \
	xenflow/client/kernel-nl.c \
	xenflow/client/kernel-nl.h \
	xenflow/client/kernel-routes.c \
	xenflow/client/kernel-routes.h \
	xenflow/client/kernel-watch-private.h \
	xenflow/client/kernel-watch.c \
	xenflow/client/kernel-watch.h \
	xenflow/client/xenflow-client.c
xenflow_client_xenflow_client_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS)
xenflow_client_xenflow_client_LDADD = lib/libopenvswitch.la $(LIBNL_LIBS)
endif

EXTRA_DIST += xenflow/client/automake.mk xenflow/xenflow.m4

# xenflow-client: the daemon that runs inside a virtual router and streams
# its routing and neighbour tables to the XenFlow server (see
# Documentation/xenflow-client.8).  Included from xenflow/automake.mk.
# It needs libnl-3 and libnl-route-3, found by xenflow/xenflow.m4; without
# them it is not built.

# The table logic is pure (no libnl): unit-tested through ovstest whether or
# not the daemon is built.
XENFLOW_CLIENT_TABLE_SOURCES = \
	xenflow/client/client-table.c \
	xenflow/client/client-table.h

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
	xenflow/client/fpm.c \
	xenflow/client/fpm.h \
	xenflow/client/kernel-watch.c \
	xenflow/client/kernel-watch.h \
	xenflow/client/xenflow-client.c
xenflow_client_xenflow_client_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS)
xenflow_client_xenflow_client_LDADD = lib/libopenvswitch.la $(LIBNL_LIBS)
endif

EXTRA_DIST += xenflow/client/automake.mk xenflow/xenflow.m4

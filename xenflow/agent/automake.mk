# xenflow-agent: the fleet's agent on every node (Documentation/xenflow-agent.8).
# Included from xenflow/automake.mk.  The daemon needs libvirt (found by
# xenflow/xenflow.m4) and the fleet IDL (xenflow/fleet/automake.mk).

# Pure parts, unit-tested through ovstest whether or not the daemon is
# built: the translation into XenFlow's keys and the domain XML.
XENFLOW_AGENT_PURE_SOURCES = \
	xenflow/agent/translate.c \
	xenflow/agent/translate.h \
	xenflow/agent/vm-xml.c \
	xenflow/agent/vm.h

tests_ovstest_SOURCES += \
	$(XENFLOW_AGENT_PURE_SOURCES) \
	tests/xenflow/test-xenflow-agent.c

XENFLOW_TESTSUITE_AT += \
	tests/xenflow/xenflow-agent-unit.at \
	tests/xenflow/xenflow-agent.at \
	tests/xenflow/xenflow-agent-migrate.at
XENFLOW_SYSTEM_TESTSUITE_AT += tests/xenflow/xenflow-system-agent.at

if HAVE_LIBVIRT
bin_PROGRAMS += xenflow/agent/xenflow-agent
xenflow_agent_xenflow_agent_SOURCES = \
	$(XENFLOW_AGENT_PURE_SOURCES) \
	xenflow/addr.c \
	xenflow/addr.h \
	xenflow/conf.c \
	xenflow/conf.h \
	xenflow/agent/bootstrap.c \
	xenflow/agent/bootstrap.h \
	xenflow/agent/departures.c \
	xenflow/agent/departures.h \
	xenflow/agent/fleet.c \
	xenflow/agent/fleet.h \
	xenflow/agent/local.c \
	xenflow/agent/local.h \
	xenflow/agent/power.c \
	xenflow/agent/power.h \
	xenflow/agent/switchctl.c \
	xenflow/agent/switchctl.h \
	xenflow/agent/virt.c \
	xenflow/agent/virt.h \
	xenflow/agent/virt-worker.c \
	xenflow/agent/virt-worker.h \
	xenflow/agent/xenflow-agent.c
xenflow_agent_xenflow_agent_CFLAGS = $(AM_CFLAGS) $(LIBVIRT_CFLAGS)
xenflow_agent_xenflow_agent_LDADD = \
	xenflow/fleet/libxenflow-fleet.la \
	lib/libopenvswitch.la \
	$(LIBVIRT_LIBS)
endif

EXTRA_DIST += xenflow/agent/automake.mk

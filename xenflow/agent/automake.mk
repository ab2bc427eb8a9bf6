# xenflow-agent: the fleet's agent on every node (Documentation/xenflow-agent.8).
# Included from xenflow/automake.mk.  The daemon needs libvirt (found by
# xenflow/xenflow.m4) and the fleet IDL (xenflow/fleet/automake.mk).

# Pure parts, unit-tested through ovstest whether or not the daemon is
# built: the translation into XenFlow's keys, the domain XML, the
# gatherers' parsers and the metrics' text.
XENFLOW_AGENT_PURE_SOURCES = \
	xenflow/agent/fleet-stats.c \
	xenflow/agent/fleet-stats.h \
	xenflow/agent/gather-node.c \
	xenflow/agent/gather-node.h \
	xenflow/agent/gather-switch.c \
	xenflow/agent/gather-switch.h \
	xenflow/agent/metrics.c \
	xenflow/agent/metrics.h \
	xenflow/agent/metrics-switch.c \
	xenflow/agent/prom.c \
	xenflow/agent/prom.h \
	xenflow/agent/translate.c \
	xenflow/agent/translate.h \
	xenflow/agent/vm-xml.c \
	xenflow/agent/vm.h \
	xenflow/fleet/channel.c \
	xenflow/fleet/channel.h

tests_ovstest_SOURCES += \
	$(XENFLOW_AGENT_PURE_SOURCES) \
	tests/xenflow/test-xenflow-agent.c \
	tests/xenflow/test-xenflow-metrics.c

XENFLOW_TESTSUITE_AT += \
	tests/xenflow/xenflow-agent-unit.at \
	tests/xenflow/xenflow-agent.at \
	tests/xenflow/xenflow-agent-migrate.at \
	tests/xenflow/xenflow-metrics.at
XENFLOW_SYSTEM_TESTSUITE_AT += tests/xenflow/xenflow-system-agent.at

if HAVE_LIBVIRT
bin_PROGRAMS += xenflow/agent/xenflow-agent
xenflow_agent_xenflow_agent_SOURCES = \
	$(XENFLOW_AGENT_PURE_SOURCES) \
	xenflow/addr.c \
	xenflow/addr.h \
	xenflow/conf.c \
	xenflow/probe-frame.c \
	xenflow/conf.h \
	xenflow/conf-iface.c \
	xenflow/encap.c \
	xenflow/encap.h \
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
	xenflow/agent/switch-poll.c \
	xenflow/agent/switch-poll.h \
	xenflow/agent/virt.c \
	xenflow/agent/virt.h \
	xenflow/agent/virt-worker.c \
	xenflow/agent/virt-worker.h \
	xenflow/virt-state.c \
	xenflow/virt-state.h \
	xenflow/agent/xenflow-agent.c \
	xenflow/agent/fleet-json.c \
	xenflow/agent/fleet-json.h \
	xenflow/agent/http.h \
	xenflow/agent/metrics-server.c \
	xenflow/agent/metrics-server.h
xenflow_agent_xenflow_agent_CFLAGS = \
	$(AM_CFLAGS) $(LIBVIRT_CFLAGS) $(MICROHTTPD_CFLAGS)
xenflow_agent_xenflow_agent_LDADD = \
	xenflow/fleet/libxenflow-fleet.la \
	lib/libopenvswitch.la \
	$(LIBVIRT_LIBS) \
	$(MICROHTTPD_LIBS)
# The HTTP server (--metrics) is libmicrohttpd's; without it the option is
# refused with a message saying why.
if HAVE_MICROHTTPD
xenflow_agent_xenflow_agent_SOURCES += xenflow/agent/http.c
else
xenflow_agent_xenflow_agent_SOURCES += xenflow/agent/http-none.c
endif
endif

# The dashboard: static files the agent serves at "/" (--dashboard-dir),
# read-only, and xenflow-dashboard read-write.
xenflowdashboarddir = $(pkgdatadir)/xenflow-dashboard
dist_xenflowdashboard_DATA = \
	xenflow/dashboard/index.html \
	xenflow/dashboard/dashboard.css \
	xenflow/dashboard/dashboard.js \
	xenflow/dashboard/dashboard-path.js \
	xenflow/dashboard/dashboard-actions.js \
	xenflow/dashboard/favicon.svg

EXTRA_DIST += xenflow/agent/automake.mk

# The fleet database (Documentation/xenflow-fleet.5) and xenflow-ctl
# (Documentation/xenflow-ctl.8).  Included from xenflow/automake.mk.
#
# The schema's C IDL is generated with upstream's ovsdb-idlc exactly as
# upstream generates lib/vswitch-idl.{c,h} from vswitchd/vswitch.ovsschema,
# and goes into a convenience library with the pure fleet logic (placement),
# so that every program of the fleet (xenflow-ctl, xenflow-agent) links
# xenflow/fleet/libxenflow-fleet.la and lib/libopenvswitch.la.

OVSIDL_BUILT += \
	xenflow/fleet/fleet-idl.c \
	xenflow/fleet/fleet-idl.h \
	xenflow/fleet/fleet-idl.ovsidl
XENFLOW_FLEET_IDL_FILES = \
	$(srcdir)/xenflow/fleet/fleet.ovsschema \
	$(srcdir)/xenflow/fleet/fleet-idl.ann
xenflow/fleet/fleet-idl.ovsidl: $(XENFLOW_FLEET_IDL_FILES)
	$(AM_V_GEN)$(MKDIR_P) xenflow/fleet && \
	$(OVSDB_IDLC) annotate $(XENFLOW_FLEET_IDL_FILES) > $@.tmp && \
	mv $@.tmp $@

noinst_LTLIBRARIES += xenflow/fleet/libxenflow-fleet.la
nodist_xenflow_fleet_libxenflow_fleet_la_SOURCES = \
	xenflow/fleet/fleet-idl.c \
	xenflow/fleet/fleet-idl.h
xenflow_fleet_libxenflow_fleet_la_SOURCES = \
	xenflow/fleet/placement.c \
	xenflow/fleet/placement.h \
	xenflow/fleet/topology.c \
	xenflow/fleet/topology.h

# xenflow-ctl's commands (db-ctl-base's table and their code), built once
# for the two programs that run them: xenflow-ctl, and xenflow-dashboard,
# whose page's actions are the same commands.
noinst_LTLIBRARIES += xenflow/fleet/libxenflow-ctl.la
xenflow_fleet_libxenflow_ctl_la_SOURCES = \
	xenflow/addr.c \
	xenflow/addr.h \
	xenflow/conf.c \
	xenflow/conf.h \
	xenflow/encap.c \
	xenflow/encap.h \
	xenflow/fleet/channel.c \
	xenflow/fleet/channel.h \
	xenflow/fleet/ctl-evacuate.c \
	xenflow/fleet/ctl-fleet.c \
	xenflow/fleet/ctl-lookup.c \
	xenflow/fleet/ctl-networks.c \
	xenflow/fleet/ctl-nodes.c \
	xenflow/fleet/ctl-routers.c \
	xenflow/fleet/ctl-show.c \
	xenflow/fleet/ctl.h
# Its own object names: ovs-vswitchd's and the agent's sources have some of
# these files too, outside libtool.
xenflow_fleet_libxenflow_ctl_la_CFLAGS = $(AM_CFLAGS)

# The operator's command.
bin_PROGRAMS += xenflow/fleet/xenflow-ctl
xenflow_fleet_xenflow_ctl_SOURCES = xenflow/fleet/xenflow-ctl.c
xenflow_fleet_xenflow_ctl_LDADD = \
	xenflow/fleet/libxenflow-ctl.la xenflow/fleet/libxenflow-fleet.la \
	lib/libopenvswitch.la

# The operator's read-write dashboard (Documentation/xenflow-dashboard.8):
# xenflow-ctl's commands run as the page's actions, and the agent's HTTP
# server and /api/fleet.json.  Needs libmicrohttpd, as the agent's
# --metrics does.
if HAVE_MICROHTTPD
bin_PROGRAMS += xenflow/fleet/xenflow-dashboard
xenflow_fleet_xenflow_dashboard_SOURCES = \
	xenflow/agent/fleet-json.c \
	xenflow/agent/fleet-json.h \
	xenflow/agent/gather-node.c \
	xenflow/agent/gather-node.h \
	xenflow/agent/gather-switch.c \
	xenflow/agent/gather-switch.h \
	xenflow/agent/http.c \
	xenflow/agent/http.h \
	xenflow/fleet/dash-actions.c \
	xenflow/fleet/dash-actions.h \
	xenflow/fleet/xenflow-dashboard.c
xenflow_fleet_xenflow_dashboard_CFLAGS = $(AM_CFLAGS) $(MICROHTTPD_CFLAGS)
xenflow_fleet_xenflow_dashboard_LDADD = \
	xenflow/fleet/libxenflow-ctl.la xenflow/fleet/libxenflow-fleet.la \
	lib/libopenvswitch.la \
	$(MICROHTTPD_LIBS)
endif

# Placement is pure: unit-tested through ovstest.
tests_ovstest_SOURCES += tests/xenflow/test-xenflow-placement.c
tests_ovstest_LDADD += xenflow/fleet/libxenflow-fleet.la
XENFLOW_TESTSUITE_AT += \
	tests/xenflow/xenflow-fleet.at \
	tests/xenflow/xenflow-dashboard.at

# The schema's "cksum" must match its contents, as upstream checks
# vswitch.ovsschema's.
ALL_LOCAL += xenflow/fleet/fleet.ovsschema.stamp
xenflow/fleet/fleet.ovsschema.stamp: xenflow/fleet/fleet.ovsschema
	$(AM_V_at)$(MKDIR_P) xenflow/fleet
	$(srcdir)/build-aux/cksum-schema-check $? $@
CLEANFILES += xenflow/fleet/fleet.ovsschema.stamp

pkgdata_DATA += xenflow/fleet/fleet.ovsschema
EXTRA_DIST += \
	xenflow/fleet/automake.mk \
	xenflow/fleet/fleet-idl.ann \
	xenflow/fleet/fleet.ovsschema

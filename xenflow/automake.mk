# XenFlow: build rules, included from upstream's Makefile.am by
# patches/0002-automake-include-xenflow.patch.  Paths are relative to the
# patched upstream tree, where xenflow/ and tests/xenflow/ link to our
# source directories.

# Pure logic with no ofproto dependency: linked into ovs-vswitchd and into
# ovstest for unit tests.
XENFLOW_CORE_SOURCES = \
	xenflow/addr.c \
	xenflow/addr.h \
	xenflow/conf.c \
	xenflow/conf.h \
	xenflow/conf-iface.c \
	xenflow/encap.c \
	xenflow/encap.h \
	xenflow/cookie.h \
	xenflow/flow-owners.c \
	xenflow/flow-owners.h \
	xenflow/latency.c \
	xenflow/latency.h \
	xenflow/pace.c \
	xenflow/pace.h \
	xenflow/flowsync-queue.c \
	xenflow/flowsync-queue.h \
	xenflow/prefix-order.c \
	xenflow/prefix-order.h \
	xenflow/probe-frame.c \
	xenflow/probe-frame.h \
	xenflow/proto.c \
	xenflow/proto.h \
	xenflow/qos-calc.c \
	xenflow/qos-calc.h \
	xenflow/rib.c \
	xenflow/rib.h

vswitchd_ovs_vswitchd_SOURCES += \
	$(XENFLOW_CORE_SOURCES) \
	xenflow/appctl.c \
	xenflow/appctl.h \
	xenflow/bridges.c \
	xenflow/bridges.h \
	xenflow/ctlhold.c \
	xenflow/ctlhold.h \
	xenflow/flowsync.c \
	xenflow/flowsync.h \
	xenflow/flowsync-read.c \
	xenflow/flowsync-private.h \
	xenflow/flowsync-actions.c \
	xenflow/flowsync-bulk.c \
	xenflow/flowsync-bulk.h \
	xenflow/flowsync-modify.c \
	xenflow/flowsync-modify.h \
	xenflow/flowsync-actions.h \
	xenflow/flowsync-masks.c \
	xenflow/flowsync-masks.h \
	xenflow/memtrim.c \
	xenflow/memtrim.h \
	xenflow/flowsync-group.c \
	xenflow/flowsync-group.h \
	xenflow/flowsync-restore.c \
	xenflow/flowsync-restore.h \
	xenflow/hold.c \
	xenflow/hold.h \
	xenflow/load.c \
	xenflow/load.h \
	xenflow/memory-cmd.c \
	xenflow/trunks-cmd.c \
	xenflow/trunks-cmd.h \
	xenflow/memory-cmd.h \
	xenflow/migrate-cmd.c \
	xenflow/migrate-peer.c \
	xenflow/migrate-peer.h \
	xenflow/migrate-private.h \
	xenflow/migrate.c \
	xenflow/migrate.h \
	xenflow/model.c \
	xenflow/model.h \
	xenflow/mover.c \
	xenflow/mover.h \
	xenflow/pipeline.c \
	xenflow/pipeline.h \
	xenflow/pipeline-build.c \
	xenflow/pipeline-build.h \
	xenflow/pipeline-tables.h \
	xenflow/pipeline-net.c \
	xenflow/pipeline-net.h \
	xenflow/pipeline-trunk.c \
	xenflow/pipeline-trunk.h \
	xenflow/trunks.c \
	xenflow/trunks.h \
	xenflow/probe.c \
	xenflow/probe.h \
	xenflow/pipeline-vm.c \
	xenflow/pipeline-vm.h \
	xenflow/punt.c \
	xenflow/punt.h \
	xenflow/qos.c \
	xenflow/qos.h \
	xenflow/qos-link.c \
	xenflow/qos-link.h \
	xenflow/qos-sample.c \
	xenflow/qos-sample.h \
	xenflow/qos-select.c \
	xenflow/qos-select.h \
	xenflow/qos-show.c \
	xenflow/qos-show.h \
	xenflow/qos-state.c \
	xenflow/qos-state.h \
	xenflow/route-state.c \
	xenflow/route-state.h \
	xenflow/route-state-file.c \
	xenflow/route-state-file.h \
	xenflow/router-cmd.c \
	xenflow/router-cmd.h \
	xenflow/router-update.c \
	xenflow/router-update.h \
	xenflow/router-sweep.c \
	xenflow/router.c \
	xenflow/router.h \
	xenflow/routers.c \
	xenflow/routers.h \
	xenflow/server.c \
	xenflow/server.h \
	xenflow/session.c \
	xenflow/session.h \
	xenflow/show.c \
	xenflow/show.h \
	xenflow/xenflow.c \
	xenflow/xenflow.h

# The libvirt control-plane mover, when configure found libvirt
# (xenflow/xenflow.m4); it registers itself with mover.c.
if HAVE_LIBVIRT
vswitchd_ovs_vswitchd_SOURCES += \
	xenflow/mover-libvirt.c \
	xenflow/virt-state.c \
	xenflow/virt-state.h
vswitchd_ovs_vswitchd_LDADD += $(LIBVIRT_LIBS)
endif
EXTRA_DIST += \
	xenflow/mover-libvirt.c \
	xenflow/virt-state.c \
	xenflow/virt-state.h

# Unit tests run as "ovstest test-xenflow-*", the OVS convention.
tests_ovstest_SOURCES += \
	$(XENFLOW_CORE_SOURCES) \
	tests/xenflow/test-xenflow-conf.c \
	tests/xenflow/test-xenflow-owners.c \
	tests/xenflow/test-xenflow-pace.c \
	tests/xenflow/test-xenflow-prefix-order.c \
	tests/xenflow/test-xenflow-proto.c \
	tests/xenflow/test-xenflow-qos.c \
	tests/xenflow/test-xenflow-queue.c \
	tests/xenflow/test-xenflow-rib.c

EXTRA_DIST += xenflow/automake.mk xenflow/VERSION

# XenFlow autotest suites.  They reuse upstream's macros (ovs-macros.at,
# ofproto-macros.at, system-*-macros.at) from this tree.
XENFLOW_TESTSUITE_AT = \
	tests/xenflow/xenflow-testsuite.at \
	tests/xenflow/xenflow-macros.at \
	tests/xenflow/xenflow-unit.at \
	tests/xenflow/xenflow-basic.at \
	tests/xenflow/xenflow-routing.at \
	tests/xenflow/xenflow-badinput.at \
	tests/xenflow/xenflow-encap.at \
	tests/xenflow/xenflow-client.at \
	tests/xenflow/xenflow-qos.at \
	tests/xenflow/xenflow-migrate.at \
	tests/xenflow/xenflow-probe.at \
	tests/xenflow/xenflow-ctlhold.at \
	tests/xenflow/xenflow-flowsync.at \
	tests/xenflow/xenflow-churn.at \
	tests/xenflow/xenflow-restart.at
XENFLOW_SYSTEM_TESTSUITE_AT = \
	tests/xenflow/xenflow-system-testsuite.at \
	tests/xenflow/xenflow-macros.at \
	tests/xenflow/xenflow-system.at \
	tests/xenflow/xenflow-system-client.at \
	tests/xenflow/xenflow-system-migrate.at \
	tests/xenflow/xenflow-system-restart.at \
	tests/xenflow/xenflow-system-frr.at \
	tests/xenflow/xenflow-system-ctlhold.at \
	tests/xenflow/xenflow-system-qos.at \
	tests/xenflow/xenflow-system-encap.at \
	tests/xenflow/xenflow-system-offload.at \
	tests/xenflow/xenflow-system-dpdk.at \
	tests/xenflow/xenflow-system-fleet.at
XENFLOW_TESTSUITE = $(srcdir)/tests/xenflow-testsuite
XENFLOW_SYSTEM_TESTSUITE = $(srcdir)/tests/xenflow-system-testsuite
EXTRA_DIST += $(XENFLOW_TESTSUITE_AT) $(XENFLOW_SYSTEM_TESTSUITE_AT)
DISTCLEANFILES += $(XENFLOW_TESTSUITE) $(XENFLOW_SYSTEM_TESTSUITE)

$(XENFLOW_TESTSUITE): package.m4 $(XENFLOW_TESTSUITE_AT) $(COMMON_MACROS_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -o $@.tmp \
		$(srcdir)/tests/xenflow/xenflow-testsuite.at
	$(AM_V_at)mv $@.tmp $@

$(XENFLOW_SYSTEM_TESTSUITE): package.m4 $(XENFLOW_SYSTEM_TESTSUITE_AT) \
		$(SYSTEM_TESTSUITE_AT) $(COMMON_MACROS_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)' -o $@.tmp \
		$(srcdir)/tests/xenflow/xenflow-system-testsuite.at
	$(AM_V_at)mv $@.tmp $@

# Dummy-datapath suite and unit tests: fast, deterministic, no root.
check-xenflow: all $(check_DATA) tests/atconfig tests/atlocal \
		$(XENFLOW_TESTSUITE)
	set $(SHELL) '$(XENFLOW_TESTSUITE)' -C tests \
		AUTOTEST_PATH='$(AUTOTEST_PATH)'; \
	"$$@" $(TESTSUITEFLAGS) || \
	(test X'$(RECHECK)' = Xyes && "$$@" --recheck)

# The same suite in a build made with AddressSanitizer and
# UndefinedBehaviorSanitizer (the top-level "make check-sanitize" configures
# one).  Upstream's tests/atlocal already sends reports to asan.PID and
# ubsan.PID files in each test's directory and its AT_CLEANUP fails a test
# that left one; this adds leak detection (off in upstream's atlocal) and
# then fails if any report was written anywhere in the suite's directory,
# so that no report goes unnoticed (e.g. one from a process that was
# killed).  Suppressions are for upstream code only: see the file.
XENFLOW_SANITIZE_OPTIONS = \
	ASAN_OPTIONS=detect_leaks=1 \
	LSAN_OPTIONS=suppressions='$(abs_srcdir)/tests/xenflow/lsan.supp':print_suppressions=0
EXTRA_DIST += tests/xenflow/lsan.supp
check-xenflow-sanitize: all $(check_DATA) tests/atconfig tests/atlocal \
		$(XENFLOW_TESTSUITE)
	@case ' $(CFLAGS) ' in *-fsanitize=address*undefined*) ;; *) \
	  echo "$@: this build was not made with -fsanitize=address,undefined" \
	    "(use the top-level make check-sanitize)" >&2; exit 1;; esac
	rm -rf tests/xenflow-testsuite.dir
	set $(SHELL) '$(XENFLOW_TESTSUITE)' -C tests \
		AUTOTEST_PATH='$(AUTOTEST_PATH)'; \
	$(XENFLOW_SANITIZE_OPTIONS) "$$@" $(TESTSUITEFLAGS); rc=$$?; \
	reports=`find tests/xenflow-testsuite.dir \
		\( -name 'asan.*' -o -name 'ubsan.*' \) -print`; \
	if test -n "$$reports"; then \
		echo "$@: sanitizer reports:" $$reports >&2; rc=1; \
	else \
		echo "$@: no AddressSanitizer, LeakSanitizer or UBSan report"; \
	fi; \
	exit $$rc

# Real packets: namespaces, veth, userspace datapath.  Needs root.
check-xenflow-system: all tests/atconfig tests/atlocal \
		$(XENFLOW_SYSTEM_TESTSUITE)
	set $(SHELL) '$(XENFLOW_SYSTEM_TESTSUITE)' -C tests \
		AUTOTEST_PATH='$(AUTOTEST_PATH)'; \
	"$$@" $(TESTSUITEFLAGS) -j1 || \
	(test X'$(RECHECK)' = Xyes && "$$@" --recheck)

# A representative subset of upstream's own suite, run against the fork on
# every "make check": the families closest to what XenFlow touches (the
# bridge layer, ofproto-dpif translation, ovs-vsctl).
XENFLOW_UPSTREAM_SUBSET = -k bridge -k ovs-vsctl -k ofproto-dpif
# (--recheck reruns only the failed tests: it must not get the keywords
# again, or it reruns the whole subset.)
check-upstream-subset: all $(check_DATA) tests/atconfig tests/atlocal \
		$(TESTSUITE)
	set $(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)'; \
	"$$@" $(XENFLOW_UPSTREAM_SUBSET) $(TESTSUITEFLAGS) || \
	(test X'$(RECHECK)' = Xyes && "$$@" --recheck $(TESTSUITEFLAGS))

# Upstream's whole suite, exactly as upstream's "make check" runs it (which
# also builds its test PKI and helper programs first).
check-upstream: all
	$(MAKE) check

# What the packages ship (debian/rules, rhel/*.spec): ovs-vswitchd and
# xenflow-client, not the rest of upstream's programs.  Generated headers
# first, as "all" would make them.
xenflow-programs: $(BUILT_SOURCES)
	$(MAKE) $(AM_MAKEFLAGS) vswitchd/ovs-vswitchd \
		$(filter xenflow/%,$(bin_PROGRAMS))

.PHONY: check-xenflow check-xenflow-system check-xenflow-sanitize \
	check-upstream-subset check-upstream xenflow-programs
include xenflow/client/automake.mk
include xenflow/fleet/automake.mk
include xenflow/agent/automake.mk

/*
 * Copyright (c) 2026 The XenFlow authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
/* xenflow-agent: the fleet's agent on one node (Documentation/
 * xenflow-agent.8).  A client of the fleet database, of the node's
 * Open_vSwitch database and of the local libvirt: turns the fleet's desired
 * state for this node into XenFlow's local keys and router VMs, and writes
 * back what it sees. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "lib/vswitch-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "stream-ssl.h"
#include "sset.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"
#include "xenflow/agent/bootstrap.h"
#include "xenflow/agent/departures.h"
#include "xenflow/agent/fleet.h"
#include "xenflow/agent/fleet-stats.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/http.h"
#include "xenflow/agent/local.h"
#include "xenflow/agent/power.h"
#include "xenflow/agent/metrics-server.h"
#include "xenflow/agent/switch-poll.h"
#include "xenflow/agent/translate.h"
#include "xenflow/agent/virt-worker.h"
#include "xenflow/fleet/fleet-idl.h"

VLOG_DEFINE_THIS_MODULE(xenflow_agent);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
static struct vlog_rate_limit rl_node = VLOG_RATE_LIMIT_INIT(1, 60);

/* Command line. */
static char *fleet_remote;
static char *ovs_remote;
static char *libvirt_uri;
static char *node_name;
static char *bridge_name;
static char *state_dir;
static char *unixctl_path;
static char *switch_target;
static struct xfa_bootstrap_options boot_options;
static long long int shutdown_timeout_ms = 30000;
static struct xfa_http_options http_options; /* --metrics (metrics-server.h). */

static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

/* What the agent last did, for xenflow-agent/show. */
struct agent {
    struct xfa_fleet_config cfg;
    struct xfa_local local;     /* Last translation. */
    bool have_local;
    struct svec build_errors;   /* Routers the fleet view could not build. */
    struct shash reports;       /* From the libvirt thread. */
    bool have_reports;
    bool libvirt_seen;          /* A pass reached libvirt: the reports say
                                 * what runs here. */
    char *libvirt_error;
    bool fleet_found;
    bool fenced;                /* The operator fenced this node. */
    struct sset fence_destroyed;        /* Router VMs destroyed since. */
    char *wants_digest;         /* What the libvirt thread was last given. */
    struct shash last_good;     /* Router name -> struct xfa_want *. */
    struct shash arrivals;      /* Arriving routers' ports: name -> MAC. */
    size_t n_placed;            /* Routers the fleet places here. */
    struct xfa_departures *departures;
    struct xfa_power *power;
    struct xfa_switch_poll *switch_poll;        /* XenFlow's figures. */
    struct xfa_metrics_server *metrics;         /* --metrics, or NULL. */
    struct xfa_fleet_stats *stats;      /* Figures to the fleet database. */
};

static unixctl_cb_func agent_exit;
static unixctl_cb_func agent_show;
static unixctl_cb_func agent_metrics;

/* A string that differs whenever 'wants' (name -> struct xfa_want *),
 * 'fenced' or 'may_remove' does in anything the libvirt thread acts on. */
static char *
wants_digest(const struct shash *wants, bool fenced, bool may_remove)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash_node **sorted = shash_sort(wants);

    ds_put_cstr(&s, fenced ? "fenced\n" : "");
    ds_put_cstr(&s, may_remove ? "" : "keep\n");
    for (size_t i = 0; i < shash_count(wants); i++) {
        const struct xfa_want *want = sorted[i]->data;
        ds_put_format(&s, "%s %d %u %u\n", sorted[i]->name, want->running,
                      want->vm.cpu_weight, want->vm.cpu_cap);
        if (want->error) {
            ds_put_format(&s, "%s\n", want->error);
        } else {
            xfa_vm_to_xml(&want->vm, &s);
        }
    }
    free(sorted);
    return ds_steal_cstr(&s);
}

/* Reads the fleet and hands the result to the libvirt thread and to the
 * next Open_vSwitch transaction.  Returns true if what the agent reports
 * changed (it was fenced or unfenced). */
static bool
agent_reconfigure(struct agent *agent, struct ovsdb_idl *fleet_idl,
                  struct xfa_worker *worker, char **bridge, char **dp_type)
{
    struct xfa_fleet_view view;
    struct shash departures = SHASH_INITIALIZER(&departures);
    struct sset held = SSET_INITIALIZER(&held);

    /* Routers running here that the fleet now places elsewhere migrate
     * there, and stay here meanwhile. */
    xfa_fleet_departures(fleet_idl, &agent->cfg, &agent->reports,
                         &departures);
    xfa_departures_set(agent->departures, &departures, fleet_idl,
                       agent->cfg.node);
    xfa_departures_clear(&departures);
    shash_destroy(&departures);
    xfa_departures_held(agent->departures, &held);

    /* Until libvirt said what runs here, what this node last reported
     * keeps its keys: a restarted agent may have to migrate it. */
    struct sset kept = SSET_INITIALIZER(&kept);
    if (!agent->libvirt_seen) {
        xfa_fleet_last_reported(fleet_idl, &agent->cfg, &kept);
    }
    xfa_fleet_read(fleet_idl, &agent->cfg, &agent->last_good, &held, &kept,
                   &view);
    sset_destroy(&held);
    sset_destroy(&kept);
    agent->n_placed = shash_count(&view.wants) + shash_count(&view.arriving);
    shash_destroy_free_data(&agent->arrivals);
    shash_init(&agent->arrivals);
    struct shash_node *port;
    SHASH_FOR_EACH (port, &view.arrival_ports) {
        shash_add(&agent->arrivals, port->name, xstrdup(port->data));
    }

    /* Remember each router as last built without error. */
    struct shash_node *node;
    xfa_wants_clear(&agent->last_good);
    SHASH_FOR_EACH (node, &view.wants) {
        const struct xfa_want *want = node->data;
        if (want->vm.bridge) {
            shash_add(&agent->last_good, node->name, xfa_want_clone(want));
        }
    }
    if (agent->have_local) {
        xfa_local_destroy(&agent->local);
    }
    xfa_translate(&view.spec, &agent->local);
    agent->have_local = true;
    agent->fleet_found = view.found;
    bool fence_changed = view.found && view.fenced != agent->fenced;
    if (fence_changed) {
        agent->fenced = view.fenced;
        if (view.fenced) {
            VLOG_WARN("node %s is fenced: it runs no router and destroys "
                      "every router VM of its own it finds",
                      agent->cfg.node);
        } else {
            VLOG_INFO("node %s is no longer fenced: back in service",
                      agent->cfg.node);
            sset_clear(&agent->fence_destroyed);
        }
    }
    /* Each problem is logged once, when it appears. */
    struct svec errors;
    svec_clone(&errors, &view.errors);
    for (size_t i = 0; i < agent->local.errors.n; i++) {
        svec_add(&errors, agent->local.errors.names[i]);
    }
    for (size_t i = 0; i < errors.n; i++) {
        if (!svec_contains_unsorted(&agent->build_errors, errors.names[i])) {
            VLOG_WARN_RL(&rl, "%s", errors.names[i]);
        }
    }
    svec_swap(&errors, &agent->build_errors);
    svec_destroy(&errors);
    free(*bridge);
    *bridge = xstrdup(view.bridge);
    free(*dp_type);
    *dp_type = view.datapath_type ? xstrdup(view.datapath_type) : NULL;

    /* The fleet changes with every report the agent writes: hand the
     * libvirt thread only wants that changed.  Until it reported what
     * runs here, it removes nothing: a router that a killed agent was
     * migrating away still runs here, and this agent takes its migration
     * over (departures.c) once it sees it. */
    char *digest = wants_digest(&view.wants, agent->fenced,
                                agent->libvirt_seen);
    if (view.found && (!agent->wants_digest
                       || strcmp(digest, agent->wants_digest))) {
        free(agent->wants_digest);
        agent->wants_digest = digest;
        xfa_worker_set(worker, &view.wants, agent->fenced,
                       agent->libvirt_seen);
    } else {
        free(digest);
    }
    if (!view.found) {
        VLOG_WARN_RL(&rl_node, "no Node named %s in the fleet database: waiting",
                     agent->cfg.node);
    }
    xfa_fleet_view_destroy(&view);
    return fence_changed;
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    bool exiting = false;

    ovs_cmdl_proctitle_init(argc, argv);
    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    daemon_become_new_user(false);
    daemonize_start(false);

    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }

    struct agent agent = {
        .cfg = {
            .node = node_name,
            .bridge = bridge_name,
            .state_dir = state_dir,
        },
    };
    svec_init(&agent.build_errors);
    sset_init(&agent.fence_destroyed);
    shash_init(&agent.reports);
    shash_init(&agent.last_good);
    shash_init(&agent.arrivals);
    agent.departures = xfa_departures_create(switch_target);
    agent.power = xfa_power_create();
    agent.switch_poll = xfa_switch_poll_create(switch_target,
                                               XFA_METRICS_PERIOD_MS);
    agent.stats = xfa_fleet_stats_create();
    if (!xfa_driver_from_string(libvirt_uri, &agent.cfg.driver)) {
        char *scheme = xmemdup0(libvirt_uri, strcspn(libvirt_uri, ":+"));
        if (!xfa_driver_from_string(scheme, &agent.cfg.driver)) {
            ovs_fatal(0, "--libvirt: \"%s\" is not an lxc, qemu or test "
                      "URI", libvirt_uri);
        }
        free(scheme);
    }
    unixctl_command_register("exit", "", 0, 0, agent_exit, &exiting);
    unixctl_command_register("xenflow-agent/show", "", 0, 0, agent_show,
                             &agent);

    if (http_options.listen) {
        char *error;
        agent.metrics = xfa_metrics_server_create(&http_options, node_name,
                                                  &error);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
    }
    unixctl_command_register("xenflow-agent/metrics", "", 0, 0,
                             agent_metrics, &agent);

    struct ovsdb_idl_loop fleet = OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(fleet_remote, &fleetrec_idl_class, true, true));
    struct ovsdb_idl_loop ovs = OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(ovs_remote, &ovsrec_idl_class, true, true));
    struct xfa_worker *worker = xfa_worker_create(
        libvirt_uri, state_dir, &boot_options, shutdown_timeout_ms);

    daemonize_complete();
    VLOG_INFO("node %s: fleet %s, switch %s, libvirt %s", node_name,
              fleet_remote, ovs_remote, libvirt_uri);

    unsigned int fleet_seqno = 0, ovs_seqno = 0;
    char *bridge = xstrdup(bridge_name), *dp_type = NULL;
    bool local_dirty = false, fleet_dirty = false;
    while (!exiting) {
        struct ovsdb_idl_txn *fleet_txn = ovsdb_idl_loop_run(&fleet);
        struct ovsdb_idl_txn *ovs_txn = ovsdb_idl_loop_run(&ovs);

        /* A migration that ended changes what is held here. */
        bool departed = xfa_departures_run(agent.departures);
        fleet_dirty |= departed || xfa_departures_dirty(agent.departures,
                                                        fleet.idl,
                                                        node_name);
        if (ovsdb_idl_has_ever_connected(fleet.idl)
            && (ovsdb_idl_get_seqno(fleet.idl) != fleet_seqno || departed)) {
            fleet_seqno = ovsdb_idl_get_seqno(fleet.idl);
            fleet_dirty |= agent_reconfigure(&agent, fleet.idl, worker,
                                             &bridge, &dp_type);
            local_dirty = true;
        }
        if (ovsdb_idl_get_seqno(ovs.idl) != ovs_seqno) {
            ovs_seqno = ovsdb_idl_get_seqno(ovs.idl);
            local_dirty = true;
        }
        if (local_dirty && ovs_txn && agent.have_local
            && ovsdb_idl_has_ever_connected(ovs.idl)) {
            ovsdb_idl_txn_add_comment(ovs_txn, "xenflow-agent: node %s",
                                      node_name);
            if (agent.fleet_found) {
                xfa_local_apply(ovs.idl, ovs_txn, bridge, dp_type,
                                &agent.local, &agent.arrivals);
            } else {
                /* Not (or no longer) in the fleet: no node channel.  The
                 * bridge and the routers stay as they were. */
                xfa_local_apply_switch(ovs.idl, &agent.local);
            }
            local_dirty = false;
        }

        bool new_reports = xfa_worker_get_reports(worker, &agent.reports,
                                                  &agent.libvirt_error);
        agent.have_reports |= new_reports;
        agent.libvirt_seen |= new_reports && !agent.libvirt_error;
        fleet_dirty |= new_reports;
        if (new_reports) {
            xfa_worker_take_destroyed(worker, &agent.fence_destroyed);
            if (!agent.fenced) {
                sset_clear(&agent.fence_destroyed);
            }
            /* What runs here decides which routers depart. */
            fleet_seqno = 0;
            poll_immediate_wake();
        }

        /* Power: off once nothing runs here, Wake-on-LAN for neighbours. */
        if (agent.fleet_found && agent.have_reports) {
            bool empty = (!agent.n_placed && !shash_count(&agent.reports)
                          && !xfa_departures_n_active(agent.departures));
            fleet_dirty |= xfa_power_run(agent.power, fleet.idl, node_name,
                                         empty);
        }

        xfa_fleet_stats_configure(agent.stats, fleet.idl);
        bool figures_due = xfa_fleet_stats_due(agent.stats);
        if ((fleet_dirty || figures_due) && fleet_txn && agent.fleet_found
            && agent.have_reports) {
            struct sset migrating = SSET_INITIALIZER(&migrating);
            struct shash_node *rn;
            SHASH_FOR_EACH (rn, &agent.reports) {
                if (xfa_departures_active(agent.departures, rn->name)) {
                    sset_add(&migrating, rn->name);
                }
            }
            struct xfa_fleet_report report = {
                .libvirt_error = agent.libvirt_error,
                .errors = &agent.build_errors,
                .routers = &agent.reports,
                .report_routers = !agent.libvirt_error,
                .migrating = &migrating,
                .agent_state = (xfa_power_agent_state(agent.power)
                                ? xfa_power_agent_state(agent.power)
                                : agent.fenced ? "fenced" : NULL),
                .fence_destroyed = &agent.fence_destroyed,
                .power_error = xfa_power_error(agent.power),
                .figures_due = figures_due,
                .stats_error = xfa_fleet_stats_error(agent.stats),
            };
            struct xfa_sw_stats sw_stats;
            if (figures_due) {
                const struct xfa_sw_figures *sw = xfa_switch_poll_figures(
                    agent.switch_poll, &sw_stats);
                report.switch_known = sw_stats.n_passes && !sw_stats.stale;
                report.node_figures = xfa_fleet_stats_take(
                    agent.stats, report.switch_known ? sw : NULL);
                report.sw = &sw->routers;
            }
            ovsdb_idl_txn_add_comment(fleet_txn, "xenflow-agent: node %s",
                                      node_name);
            xfa_fleet_write(fleet.idl, fleet_txn, &agent.cfg, &report);
            xfa_departures_write(agent.departures, fleet.idl, fleet_txn,
                                 node_name);
            sset_destroy(&migrating);
            fleet_dirty = false;
        }

        /* XenFlow's figures, for /metrics or the fleet database. */
        bool poll_switch = (agent.metrics
                            || xfa_fleet_stats_enabled(agent.stats));
        if (poll_switch) {
            xfa_switch_poll_run(agent.switch_poll);
        }
        xfa_metrics_server_run(agent.metrics, fleet.idl, &agent.reports,
                               &agent.last_good,
                               agent.have_reports && !agent.libvirt_error,
                               agent.switch_poll);
        unixctl_server_run(unixctl);

        ovsdb_idl_loop_commit_and_wait(&fleet);
        ovsdb_idl_loop_commit_and_wait(&ovs);
        xfa_worker_wait(worker);
        xfa_departures_wait(agent.departures);
        xfa_power_wait(agent.power);
        unixctl_server_wait(unixctl);
        if (poll_switch) {
            xfa_switch_poll_wait(agent.switch_poll);
        }
        xfa_fleet_stats_wait(agent.stats);
        xfa_metrics_server_wait(agent.metrics);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    xfa_metrics_server_destroy(agent.metrics);
    xfa_switch_poll_destroy(agent.switch_poll);
    xfa_fleet_stats_destroy(agent.stats);
    xfa_worker_destroy(worker);
    xfa_departures_destroy(agent.departures);
    xfa_power_destroy(agent.power);
    shash_destroy_free_data(&agent.arrivals);
    ovsdb_idl_loop_destroy(&fleet);
    ovsdb_idl_loop_destroy(&ovs);
    if (agent.have_local) {
        xfa_local_destroy(&agent.local);
    }
    svec_destroy(&agent.build_errors);
    sset_destroy(&agent.fence_destroyed);
    xfa_reports_clear(&agent.reports);
    shash_destroy(&agent.reports);
    free(agent.libvirt_error);
    free(agent.wants_digest);
    xfa_wants_clear(&agent.last_good);
    shash_destroy(&agent.last_good);
    unixctl_server_destroy(unixctl);
    free(bridge);
    free(dp_type);
    service_stop();
    return 0;
}

static void
agent_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
agent_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *agent_)
{
    const struct agent *agent = agent_;
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "node: %s%s\n", agent->cfg.node,
                  agent->fleet_found ? "" : " (not in the fleet database)");
    if (agent->fenced) {
        char *names = sset_join(&agent->fence_destroyed, ", ", "");
        ds_put_format(&s, "fenced: runs no router; router VMs destroyed: "
                      "%s\n", names[0] ? names : "none");
        free(names);
    }
    ds_put_format(&s, "libvirt: %s: %s\n", libvirt_uri,
                  !agent->have_reports ? "not yet"
                  : agent->libvirt_error ? agent->libvirt_error
                  : "connected");
    if (agent->have_local) {
        xfa_local_format(&agent->local, &s);
    }
    xfa_departures_format(agent->departures, &s);
    xfa_power_format(agent->power, &s);
    const struct shash_node **sorted = shash_sort(&agent->reports);
    for (size_t i = 0; i < shash_count(&agent->reports); i++) {
        const struct xfa_report *r = sorted[i]->data;
        ds_put_format(&s, "router %s: %s (libvirt: %s)", sorted[i]->name,
                      r->state, r->info.state);
        if (r->info.cpu_shares >= 0) {
            ds_put_format(&s, " cpu_shares=%lld vcpu_quota=%lld "
                          "vcpu_period=%lld", r->info.cpu_shares,
                          r->info.vcpu_quota, r->info.vcpu_period);
        }
        if (r->error) {
            ds_put_format(&s, " error: %s", r->error);
        }
        ds_put_char(&s, '\n');
    }
    free(sorted);
    for (size_t i = 0; i < agent->build_errors.n; i++) {
        if (!svec_contains_unsorted(&agent->local.errors,
                           agent->build_errors.names[i])) {
            ds_put_format(&s, "error: %s\n", agent->build_errors.names[i]);
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
agent_metrics(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *agent_)
{
    const struct agent *agent = agent_;
    struct ds s = DS_EMPTY_INITIALIZER;
    xfa_metrics_server_format(agent->metrics, &s);
    xfa_switch_poll_format(agent->switch_poll, &s);
    xfa_fleet_stats_format(agent->stats, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Command line. */

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_FLEET = UCHAR_MAX + 1,
        OPT_OVS,
        OPT_LIBVIRT,
        OPT_NODE,
        OPT_BRIDGE,
        OPT_STATE_DIR,
        OPT_PKI_DIR,
        OPT_SWITCH_REMOTE,
        OPT_SHUTDOWN_TIMEOUT,
        OPT_UNIXCTL,
        OPT_SWITCH_UNIXCTL,
        OPT_BOOTSTRAP_CA_CERT,
        OPT_METRICS,
        OPT_DASHBOARD_DIR,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"fleet", required_argument, NULL, OPT_FLEET},
        {"ovs", required_argument, NULL, OPT_OVS},
        {"libvirt", required_argument, NULL, OPT_LIBVIRT},
        {"node", required_argument, NULL, OPT_NODE},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"pki-dir", required_argument, NULL, OPT_PKI_DIR},
        {"switch-remote", required_argument, NULL, OPT_SWITCH_REMOTE},
        {"shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"switch-unixctl", required_argument, NULL, OPT_SWITCH_UNIXCTL},
        {"metrics", required_argument, NULL, OPT_METRICS},
        {"dashboard-dir", required_argument, NULL, OPT_DASHBOARD_DIR},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {"bootstrap-ca-cert", required_argument, NULL, OPT_BOOTSTRAP_CA_CERT},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    unsigned int secs;

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        /* --metrics=ssl:... serves HTTPS with the agent's own key and
         * certificate (the stream-ssl options below). */
        if (c == 'p') {
            http_options.private_key = optarg;
        } else if (c == 'c') {
            http_options.certificate = optarg;
        }

        switch (c) {
        case OPT_FLEET:
            fleet_remote = optarg;
            break;
        case OPT_OVS:
            ovs_remote = optarg;
            break;
        case OPT_LIBVIRT:
            libvirt_uri = optarg;
            break;
        case OPT_NODE:
            if (!optarg[0]) {
                ovs_fatal(0, "--node: the node name must not be empty");
            }
            node_name = xstrdup(optarg);
            break;
        case OPT_BRIDGE:
            bridge_name = optarg;
            break;
        case OPT_STATE_DIR:
            if (optarg[0] != '/') {
                ovs_fatal(0, "--state-dir: \"%s\" is not an absolute path",
                          optarg);
            }
            state_dir = optarg;
            break;
        case OPT_PKI_DIR:
            boot_options.pki_dir = optarg;
            break;
        case OPT_SWITCH_REMOTE:
            if (stream_verify_name(optarg)) {
                ovs_fatal(0, "--switch-remote: \"%s\" is not an active "
                          "stream name (e.g. ssl:169.254.100.1:6640)",
                          optarg);
            }
            boot_options.switch_remote = optarg;
            break;
        case OPT_SHUTDOWN_TIMEOUT:
            if (!str_to_uint(optarg, 10, &secs) || !secs || secs > 3600) {
                ovs_fatal(0, "--shutdown-timeout: \"%s\" is not a number of "
                          "seconds from 1 to 3600", optarg);
            }
            shutdown_timeout_ms = secs * 1000LL;
            break;
        case OPT_UNIXCTL:
            unixctl_path = optarg;
            break;
        case OPT_SWITCH_UNIXCTL:
            switch_target = optarg;
            break;
        case OPT_METRICS:
            http_options.listen = optarg;
            break;
        case OPT_DASHBOARD_DIR:
            http_options.dashboard_dir = optarg;
            break;
        case 'h':
            usage();
        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case OPT_BOOTSTRAP_CA_CERT:
            stream_ssl_set_ca_cert_file(optarg, true);
            break;
        case '?':
            exit(EXIT_FAILURE);
        default:
            OVS_NOT_REACHED();
        }
    }
    free(short_options);

    if (optind != argc) {
        ovs_fatal(0, "no non-option argument is accepted (use --help)");
    }
    if (!fleet_remote) {
        ovs_fatal(0, "--fleet=REMOTE[,REMOTE...] is required (the fleet "
                  "database, e.g. ssl:10.0.0.1:6642)");
    }
    if (!ovs_remote) {
        ovs_remote = xasprintf("unix:%s/db.sock", ovs_rundir());
    }
    if (!switch_target) {
        switch_target = "ovs-vswitchd";
    }
    if (!libvirt_uri) {
        libvirt_uri = "lxc:///system";
    }
    if (!bridge_name) {
        bridge_name = "br-xenflow";
    }
    if (!state_dir) {
        state_dir = xasprintf("%s/xenflow-agent", ovs_dbdir());
    }
    if (!http_options.dashboard_dir) {
        http_options.dashboard_dir = xasprintf("%s/xenflow-dashboard",
                                               ovs_pkgdatadir());
    }
    if (!node_name) {
        char host[HOST_NAME_MAX + 1];
        if (gethostname(host, sizeof host) || !host[0]) {
            ovs_fatal(errno, "cannot get the host name: use --node");
        }
        host[HOST_NAME_MAX] = '\0';
        node_name = xstrdup(host);
    }
}

static void
usage(void)
{
    printf("%s: XenFlow fleet agent: makes this node what the fleet "
           "database says\n"
           "usage: %s [OPTIONS]\n"
           "\nOptions:\n"
           "  --fleet=REMOTE[,REMOTE]  fleet database (every member of a "
           "cluster)\n"
           "  --ovs=REMOTE             this node's Open_vSwitch database "
           "(default:\n"
           "                           unix:%s/db.sock)\n"
           "  --libvirt=URI            libvirt (default: lxc:///system)\n"
           "  --node=NAME              this node's Node row (default: the "
           "host name)\n"
           "  --bridge=NAME            XenFlow bridge unless the Node says "
           "(br-xenflow)\n"
           "  --state-dir=DIR          routers' bootstrap directories "
           "(default:\n"
           "                           %s/xenflow-agent)\n"
           "  --pki-dir=DIR            ovs-pki directory that signs routers' "
           "client\n"
           "                           certificates (default: none issued)\n"
           "  --switch-remote=REMOTE   switch address routers' "
           "xenflow-client uses\n"
           "  --shutdown-timeout=SECS  destroy a router that has not shut "
           "down (30)\n"
           "  --unixctl=SOCKET         override default control socket "
           "name\n"
           "  --switch-unixctl=TARGET  ovs-vswitchd's control socket, as "
           "ovs-appctl -t\n"
           "                           (default: ovs-vswitchd)\n"
           "  --metrics=[ssl:]PORT[:ADDR]  serve /metrics, /api/fleet.json "
           "and the\n"
           "                           dashboard over HTTP(S) (default: "
           "off)\n"
           "  --dashboard-dir=DIR      dashboard files (default:\n"
           "                           %s/xenflow-dashboard)\n"
           "  -h, --help               display this help message\n"
           "  -V, --version            display version information\n",
           program_name, program_name, ovs_rundir(), ovs_dbdir(),
           ovs_pkgdatadir());
    daemon_usage();
    vlog_usage();
    stream_usage("fleet and switch", true, false, true);
    exit(EXIT_SUCCESS);
}

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
/* What XenFlow in ovs-vswitchd knows per router and per queue, as
 * Prometheus metrics (see metrics.h and xenflow-agent(8), "METRICS"). */

#include <config.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "xenflow/agent/gather-switch.h"
#include "xenflow/agent/metrics.h"
#include "xenflow/agent/prom.h"

/* Starts sample 'name' with its "node" label: the caller adds labels and
 * ends it with end_sample(). */
static void
start_sample(struct ds *s, const char *name, const char *node)
{
    ds_put_format(s, "%s{", name);
    xfa_prom_label(s, "node", node, true);
}

static void
end_sample(struct ds *s, double x)
{
    ds_put_format(s, "} %.17g\n", x);
}

static void
put_agent(const char *node, const struct xfa_sw_stats *st, struct ds *s)
{
    const struct {
        const char *name, *type, *help;
        double x;
    } m[] = {
        { "xenflow_agent_switch_up", "gauge",
          "1 if the last pass of questions to ovs-vswitchd succeeded.",
          st->n_passes && !st->stale },
        { "xenflow_agent_switch_stale", "gauge",
          "1 if the switch figures are the last good pass's, not the last "
          "pass's.", st->stale },
        { "xenflow_agent_switch_passes_total", "counter",
          "Passes of questions to ovs-vswitchd that succeeded.",
          st->n_passes },
        { "xenflow_agent_switch_failures_total", "counter",
          "Passes that failed (switch not running, error, bad reply, no "
          "reply).", st->n_failures },
        { "xenflow_agent_switch_timeouts_total", "counter",
          "Passes that failed because the switch did not reply in time.",
          st->n_timeouts },
        { "xenflow_agent_switch_last_success_timestamp_seconds", "gauge",
          "When the last pass succeeded, seconds since the epoch.",
          st->last_ok / 1000.0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
        if (i == ARRAY_SIZE(m) - 1 && !st->last_ok) {
            break;
        }
        xfa_prom_header(s, m[i].name, m[i].type, m[i].help);
        start_sample(s, m[i].name, node);
        end_sample(s, m[i].x);
    }
}

/* Per-router counts, each a field of struct xfa_sw_router. */
static const struct {
    const char *name, *type, *help;
    size_t offset;
} router_counts[] = {
#define RC(NAME, TYPE, FIELD, HELP) \
    { "xenflow_router_" NAME, TYPE, HELP, \
      offsetof(struct xfa_sw_router, FIELD) }
    RC("routes", "gauge", routes, "Routes XenFlow holds for the router."),
    RC("routes_installed", "gauge", routes_installed,
       "Of those, routes with their flow in the switch."),
    RC("neighbors", "gauge", neighbors, "Neighbours XenFlow holds."),
    RC("neighbors_installed", "gauge", neighbors_installed,
       "Of those, neighbours with their flow in the switch."),
    RC("flows", "gauge", flows, "The router's XenFlow flows."),
    RC("flows_pending", "gauge", flows_pending,
       "Of those, flows not yet in OpenFlow as wanted."),
    RC("routed_packets_total", "counter", routed_packets,
       "Packets the switch routed for the router."),
    RC("to_vm_packets_total", "counter", to_vm_packets,
       "Packets the switch delivered to the router's VM (slow path)."),
    RC("route_updates_total", "counter", route_updates,
       "Route changes received from the router's client."),
    RC("neighbor_updates_total", "counter", neighbor_updates,
       "Neighbour changes received from the router's client."),
    RC("rejected_updates_total", "counter", rejected,
       "Changes refused as bad input."),
#undef RC
};

static void
put_router_counts(const char *node, const struct shash_node **routers,
                  size_t n, struct ds *s)
{
    for (size_t m = 0; m < ARRAY_SIZE(router_counts); m++) {
        xfa_prom_header(s, router_counts[m].name, router_counts[m].type,
                        router_counts[m].help);
        for (size_t i = 0; i < n; i++) {
            const struct xfa_sw_router *r = routers[i]->data;
            const unsigned long long *x = (const void *)
                ((const char *) r + router_counts[m].offset);
            start_sample(s, router_counts[m].name, node);
            xfa_prom_label(s, "router", r->name, false);
            end_sample(s, *x);
        }
    }
}

/* Per-router states, as 1-valued "info" samples labelled with them. */
static void
put_router_states(const char *node, const struct shash_node **routers,
                  size_t n, struct ds *s)
{
    xfa_prom_header(s, "xenflow_router_over_limit", "gauge",
                    "1 if the router exceeds a limit (a default route to "
                    "its VM stands in).");
    for (size_t i = 0; i < n; i++) {
        const struct xfa_sw_router *r = routers[i]->data;
        start_sample(s, "xenflow_router_over_limit", node);
        xfa_prom_label(s, "router", r->name, false);
        end_sample(s, !strcmp(r->status, "over-limit"));
    }

    xfa_prom_header(s, "xenflow_router_client_info", "gauge",
                    "1 per router, labelled with its client session's "
                    "state.");
    for (size_t i = 0; i < n; i++) {
        const struct xfa_sw_router *r = routers[i]->data;
        char buf[32];
        start_sample(s, "xenflow_router_client_info", node);
        xfa_prom_label(s, "router", r->name, false);
        xfa_prom_label(s, "client",
                       xfa_sw_client_state(r->client, buf, sizeof buf),
                       false);
        end_sample(s, 1);
    }

    xfa_prom_header(s, "xenflow_router_network_info", "gauge",
                    "1 per router and virtual network it has an interface "
                    "in (join on router to label by network).");
    for (size_t i = 0; i < n; i++) {
        const struct xfa_sw_router *r = routers[i]->data;
        for (size_t j = 0; j < r->networks.n; j++) {
            start_sample(s, "xenflow_router_network_info", node);
            xfa_prom_label(s, "router", r->name, false);
            xfa_prom_label(s, "network", r->networks.names[j], false);
            xfa_prom_label(s, "bridge", r->bridge, false);
            end_sample(s, 1);
        }
    }
}

static void
put_router_migrations(const char *node, const struct shash_node **routers,
                      size_t n, struct ds *s)
{
    static const char *info = "xenflow_router_last_migration_info";
    static const char *duration =
        "xenflow_router_last_migration_duration_seconds";
    const struct xfa_sw_router **migrated = xmalloc(n * sizeof *migrated);
    size_t n_migrated = 0;

    for (size_t i = 0; i < n; i++) {
        const struct xfa_sw_router *r = routers[i]->data;
        if (r->migration) {
            migrated[n_migrated++] = r;
        }
    }
    if (n_migrated) {
        xfa_prom_header(s, info, "gauge",
                        "1 per router with a migration listed by "
                        "ovs-vswitchd, labelled with the last one.");
    }
    for (size_t i = 0; i < n_migrated; i++) {
        const struct xfa_sw_migration *mig = migrated[i]->migration;
        start_sample(s, info, node);
        xfa_prom_label(s, "router", migrated[i]->name, false);
        xfa_prom_label(s, "direction", mig->direction, false);
        xfa_prom_label(s, "peer", mig->peer, false);
        xfa_prom_label(s, "phase", mig->phase, false);
        xfa_prom_label(s, "result", mig->result, false);
        end_sample(s, 1);
    }
    if (n_migrated) {
        xfa_prom_header(s, duration, "gauge",
                        "How long the router's last migration took (so "
                        "far, if it runs).");
    }
    for (size_t i = 0; i < n_migrated; i++) {
        start_sample(s, duration, node);
        xfa_prom_label(s, "router", migrated[i]->name, false);
        end_sample(s, migrated[i]->migration->elapsed_ms / 1000.0);
    }
    free(migrated);
}

/* Per-queue figures, in bytes per second (XenFlow says bit/s). */
static const struct {
    const char *name, *help;
    size_t offset;
} queue_rates[] = {
#define QR(NAME, FIELD, HELP) \
    { "xenflow_queue_" NAME "_bytes_per_second", HELP, \
      offsetof(struct xfa_sw_queue, FIELD) }
    QR("capacity", capacity, "Capacity of the queue's link."),
    QR("contract", contract, "The network's contract on the link."),
    QR("min", min, "Minimum rate in force."),
    QR("max", max, "Ceiling in force."),
    QR("rate", rate, "Measured rate (average of the last k_med samples)."),
    QR("expected", expected, "Expected share (the redistributor's Eq. 1)."),
#undef QR
};

static void
put_queue_labels(struct ds *s, const char *name, const char *node,
                 const struct xfa_sw_queue *q)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", q->id);
    start_sample(s, name, node);
    xfa_prom_label(s, "port", q->port, false);
    xfa_prom_label(s, "queue", id, false);
    xfa_prom_label(s, "network", q->network, false);
}

static void
put_queues(const char *node, const struct xfa_sw_figures *f, struct ds *s)
{
    if (!f->n_queues) {
        return;
    }
    xfa_prom_header(s, "xenflow_queue_info", "gauge",
                    "1 per XenFlow queue, labelled with its link's mode.");
    for (size_t i = 0; i < f->n_queues; i++) {
        put_queue_labels(s, "xenflow_queue_info", node, &f->queues[i]);
        xfa_prom_label(s, "mode", f->queues[i].mode, false);
        end_sample(s, 1);
    }
    for (size_t m = 0; m < ARRAY_SIZE(queue_rates); m++) {
        xfa_prom_header(s, queue_rates[m].name, "gauge",
                        queue_rates[m].help);
        for (size_t i = 0; i < f->n_queues; i++) {
            const struct xfa_sw_queue *q = &f->queues[i];
            const long long *x = (const void *)
                ((const char *) q + queue_rates[m].offset);
            put_queue_labels(s, queue_rates[m].name, node, q);
            end_sample(s, *x / 8.0);
        }
    }
    bool header = false;
    for (size_t i = 0; i < f->n_queues; i++) {
        const struct xfa_sw_queue *q = &f->queues[i];
        if (q->fitness < 0) {
            continue;
        }
        if (!header) {
            xfa_prom_header(s, "xenflow_queue_fitness_ratio", "gauge",
                            "1 - |1 - rate/expected| (Eq. 2).");
            header = true;
        }
        put_queue_labels(s, "xenflow_queue_fitness_ratio", node, q);
        end_sample(s, q->fitness);
    }
}

/* Per trunk: whether its neighbour is seen, and the link's round-trip
 * time, from XenFlow's link probes (xenflow/trunks). */
static void
put_trunk_labels(struct ds *s, const char *name, const char *node,
                 const struct xfa_sw_trunk *t)
{
    start_sample(s, name, node);
    xfa_prom_label(s, "port", t->port, false);
    xfa_prom_label(s, "peer_node", t->peer_node ? t->peer_node : "", false);
    xfa_prom_label(s, "peer_port", t->peer_port ? t->peer_port : "", false);
}

static void
put_trunks(const char *node, const struct xfa_sw_figures *f, struct ds *s)
{
    if (!f->n_trunks) {
        return;
    }
    xfa_prom_header(s, "xenflow_trunk_up", "gauge",
                    "1 if the trunk's neighbour answered XenFlow's link "
                    "probes within 3 intervals, 0 if not (or probes are "
                    "off).");
    for (size_t i = 0; i < f->n_trunks; i++) {
        const struct xfa_sw_trunk *t = &f->trunks[i];
        put_trunk_labels(s, "xenflow_trunk_up", node, t);
        end_sample(s, !strcmp(t->seen, "yes"));
    }
    bool header = false;
    for (size_t i = 0; i < f->n_trunks; i++) {
        const struct xfa_sw_trunk *t = &f->trunks[i];
        if (t->rtt_avg_us < 0) {
            continue;
        }
        if (!header) {
            xfa_prom_header(s, "xenflow_trunk_rtt_seconds", "gauge",
                            "Round-trip time to the trunk's neighbour, "
                            "average of the last 16 probes.");
            header = true;
        }
        put_trunk_labels(s, "xenflow_trunk_rtt_seconds", node, t);
        end_sample(s, t->rtt_avg_us / 1e6);
    }
    xfa_prom_header(s, "xenflow_trunk_probes_total", "counter",
                    "Link probes the trunk sent.");
    for (size_t i = 0; i < f->n_trunks; i++) {
        put_trunk_labels(s, "xenflow_trunk_probes_total", node,
                         &f->trunks[i]);
        end_sample(s, f->trunks[i].probes_sent);
    }
    xfa_prom_header(s, "xenflow_trunk_probes_answered_total", "counter",
                    "Of those, probes the neighbour answered.");
    for (size_t i = 0; i < f->n_trunks; i++) {
        put_trunk_labels(s, "xenflow_trunk_probes_answered_total", node,
                         &f->trunks[i]);
        end_sample(s, f->trunks[i].probes_answered);
    }
}

void
xfa_metrics_format_switch(const char *node, const struct xfa_sw_figures *f,
                          const struct xfa_sw_stats *st, struct ds *s)
{
    put_agent(node, st, s);

    const struct shash_node **routers = shash_sort(&f->routers);
    size_t n = shash_count(&f->routers);
    if (n) {
        put_router_counts(node, routers, n, s);
        put_router_states(node, routers, n, s);
        put_router_migrations(node, routers, n, s);
    }
    free(routers);
    put_queues(node, f, s);
    put_trunks(node, f, s);
}

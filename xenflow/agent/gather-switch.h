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
#ifndef XENFLOW_AGENT_GATHER_SWITCH_H
#define XENFLOW_AGENT_GATHER_SWITCH_H 1

/* What the node's ovs-vswitchd knows of its virtual routers and queues, as
 * its unixctl commands say it in JSON: "xenflow/show --json" (per router:
 * routes, neighbours, flows, packets, client session),
 * "xenflow/qos/show --json" (per queue: bounds, rate, fitness) and
 * "xenflow/migrate/show --json" (each router's last migration) and
 * "xenflow/trunks --json" (each trunk's neighbour and round-trip time,
 * found by XenFlow's link probes).  The
 * parsers are pure (unit-tested with ovstest); switch-poll.h asks the
 * questions.  Each parser takes a whole reply or none of it: on error the
 * figures are left as they were. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"
#include "svec.h"

/* A router's last migration, as xenflow/migrate/show lists it. */
struct xfa_sw_migration {
    char *direction;            /* "out" or "in". */
    char *peer;                 /* The other node. */
    char *phase;                /* E.g. "done", "failed", "arrived". */
    char *result;               /* "completed", "running" or the error. */
    long long elapsed_ms;       /* How long it took (so far). */
};

struct xfa_sw_router {
    char *name;
    char *bridge;
    struct svec networks;       /* Its interfaces' networks, sorted. */
    char *client;               /* XenFlow's words, "active (session 2)". */
    char *status;               /* "ok" or "over-limit". */
    unsigned long long routes, routes_installed;
    unsigned long long neighbors, neighbors_installed;
    unsigned long long flows, flows_pending;
    unsigned long long routed_packets, to_vm_packets;
    unsigned long long route_updates, neighbor_updates, rejected;
    struct xfa_sw_migration *migration; /* NULL if none is listed. */
};

struct xfa_sw_queue {
    char *port;
    long long id;               /* The queue number on the port. */
    char *network;
    char *mode;                 /* "redistributed" or "static". */
    long long capacity, contract, min, max, rate, expected; /* bit/s. */
    double fitness;             /* Eq. 2, or -1 before the first rate. */
};

/* A trunk and what XenFlow's link probes found on it. */
struct xfa_sw_trunk {
    char *bridge;
    char *port;
    char *peer_node;            /* NULL: no neighbour seen yet. */
    char *peer_port;
    char *seen;                 /* "yes", "no", "pending" or "off". */
    long long rtt_us, rtt_min_us, rtt_avg_us;   /* -1: none yet. */
    unsigned long long probes_sent, probes_answered, bad_probes;
};

struct xfa_sw_figures {
    struct shash routers;       /* Name -> struct xfa_sw_router *. */
    struct xfa_sw_queue *queues;
    size_t n_queues;
    struct xfa_sw_trunk *trunks;
    size_t n_trunks;
};

/* How gathering goes (switch-poll.h). */
struct xfa_sw_stats {
    unsigned long long n_passes;        /* Passes that succeeded. */
    unsigned long long n_failures;      /* ...that failed, timeouts too. */
    unsigned long long n_timeouts;      /* ...that got no answer in time. */
    long long int last_ok;              /* Wall clock ms, or 0. */
    bool stale;                         /* The last pass failed. */
    const char *last_error;             /* Why, or NULL. */
};

void xfa_sw_figures_init(struct xfa_sw_figures *);
void xfa_sw_figures_destroy(struct xfa_sw_figures *);
void xfa_sw_figures_swap(struct xfa_sw_figures *, struct xfa_sw_figures *);

char *xfa_sw_parse_show(const char *text, struct xfa_sw_figures *)
    OVS_WARN_UNUSED_RESULT;
char *xfa_sw_parse_qos(const char *text, struct xfa_sw_figures *)
    OVS_WARN_UNUSED_RESULT;
char *xfa_sw_parse_migrations(const char *text, struct xfa_sw_figures *)
    OVS_WARN_UNUSED_RESULT;
char *xfa_sw_parse_trunks(const char *text, struct xfa_sw_figures *)
    OVS_WARN_UNUSED_RESULT;

const char *xfa_sw_client_state(const char *client, char *buf, size_t size);

#endif /* xenflow/agent/gather-switch.h */

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
#ifndef XENFLOW_AGENT_FLEET_STATS_H
#define XENFLOW_AGENT_FLEET_STATS_H 1

/* The figures an agent writes to the fleet database, and how often.
 *
 * The database holds state, not history: a few figures per node (Node
 * "status": cpu, memory-available-mb, each trunk's neighbour and
 * round-trip time) and per router (Router_State
 * "status": libvirt's CPU time, memory and interface counters, and
 * XenFlow's routes, neighbours, flows, routed and to-VM packets, client
 * state), written once per Fleet options:stats-interval (seconds, default
 * XFA_STATS_INTERVAL_DEFAULT; 0: never) and only if they changed (the IDL
 * sends nothing for a value written unchanged).  State changes (a router
 * started, an error) do not wait for it.  Live figures are the agent's
 * /metrics and dashboard.  benchmarks/fleet-db-rate.sh measures what a
 * cluster takes. */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "smap.h"

struct ds;
struct ovsdb_idl;
struct xfa_dom_info;
struct xfa_node_stats;
struct xfa_sw_figures;
struct xfa_sw_router;

#define XFA_STATS_INTERVAL_DEFAULT 30   /* Seconds. */
#define XFA_STATS_INTERVAL_MAX 86400

/* Pure. */
char *xfa_stats_interval_parse(const char *, int *seconds)
    OVS_WARN_UNUSED_RESULT;
void xfa_stats_router_figures(const struct xfa_dom_info *,
                              bool switch_known,
                              const struct xfa_sw_router *,
                              struct smap *status);
void xfa_stats_trunk_figures(const struct xfa_sw_figures *,
                             struct smap *status);
void xfa_stats_node_figures(const struct xfa_node_stats *prev,
                            const struct xfa_node_stats *cur,
                            struct smap *status);

/* The agent's timer. */
struct xfa_fleet_stats *xfa_fleet_stats_create(void);
void xfa_fleet_stats_destroy(struct xfa_fleet_stats *);
void xfa_fleet_stats_configure(struct xfa_fleet_stats *, struct ovsdb_idl *);
bool xfa_fleet_stats_enabled(const struct xfa_fleet_stats *);
bool xfa_fleet_stats_due(const struct xfa_fleet_stats *);
const struct smap *xfa_fleet_stats_take(struct xfa_fleet_stats *,
                                        const struct xfa_sw_figures *);
void xfa_fleet_stats_wait(const struct xfa_fleet_stats *);
const char *xfa_fleet_stats_error(const struct xfa_fleet_stats *);
void xfa_fleet_stats_format(const struct xfa_fleet_stats *, struct ds *);

#endif /* xenflow/agent/fleet-stats.h */

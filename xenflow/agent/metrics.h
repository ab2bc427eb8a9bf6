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
#ifndef XENFLOW_AGENT_METRICS_H
#define XENFLOW_AGENT_METRICS_H 1

/* The agent's figures in Prometheus's text exposition format (version
 * 0.0.4, what "promtool check metrics" checks): the node's CPU and memory
 * (gather-node.h); per router VM on this node, what libvirt measured
 * (virt-worker.h's reports) and what the fleet asks of it; per router and
 * per queue, what XenFlow in ovs-vswitchd knows (gather-switch.h).  Every
 * metric, its type and labels are listed in xenflow-agent(8), "METRICS".
 * Pure: the main loop formats a snapshot once per period and hands the
 * text to the HTTP server (http.h). */

#include <stdbool.h>
#include "openvswitch/shash.h"

struct ds;
struct xfa_node_stats;
struct xfa_sw_figures;
struct xfa_sw_stats;

struct xfa_metrics_input {
    const char *node;                   /* Value of every "node" label. */
    const struct xfa_node_stats *stats; /* NULL if it could not be read. */
    bool libvirt_up;                    /* Connected on the last pass. */
    bool fleet_connected;               /* Fleet database connected. */
    const struct shash *reports;        /* Name -> struct xfa_report *. */
    const struct shash *wants;          /* Name -> struct xfa_want *. */
    unsigned long long n_gathers;       /* Gathering passes so far. */
    unsigned long long n_gather_errors; /* ...that failed to read /proc. */

    /* What ovs-vswitchd knows per router and queue (gather-switch.h), or
     * NULL if not gathered. */
    const struct xfa_sw_figures *sw;
    const struct xfa_sw_stats *sw_stats;
};

void xfa_metrics_format(const struct xfa_metrics_input *, struct ds *);

/* In metrics-switch.c. */
void xfa_metrics_format_switch(const char *node,
                               const struct xfa_sw_figures *,
                               const struct xfa_sw_stats *, struct ds *);

#endif /* xenflow/agent/metrics.h */

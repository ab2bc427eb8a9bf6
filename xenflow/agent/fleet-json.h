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
#ifndef XENFLOW_AGENT_FLEET_JSON_H
#define XENFLOW_AGENT_FLEET_JSON_H 1

/* /api/fleet.json, what the dashboard draws: the whole fleet as this
 * agent's IDL sees it (nodes, links, networks, routers with their
 * interfaces and each node's report of them: Router_State, whose status
 * carries libvirt's figures) plus this node's own live figures: its CPU and
 * memory, and what its ovs-vswitchd knows per router and queue.  Every
 * agent monitors the whole fleet database, so any agent serves the same
 * picture.  Format in xenflow-agent(8), "DASHBOARD".
 *
 * xenflow-dashboard serves the same with no node of its own: 'stats' and
 * 'sw' NULL ("node_stats" and "switch" null), and 'actions' true when it
 * takes actions (the page then shows its buttons). */

#include <stdbool.h>

struct ds;
struct ovsdb_idl;
struct xfa_node_stats;
struct xfa_sw_figures;
struct xfa_sw_stats;

void xfa_fleet_json(struct ovsdb_idl *, const char *node,
                    const struct xfa_node_stats *,
                    const struct xfa_sw_figures *,
                    const struct xfa_sw_stats *, bool actions,
                    struct ds *);

#endif /* xenflow/agent/fleet-json.h */

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
#ifndef XENFLOW_AGENT_METRICS_SERVER_H
#define XENFLOW_AGENT_METRICS_SERVER_H 1

/* The agent's --metrics: gathers the node's figures on a bounded period
 * (XFA_METRICS_PERIOD_MS, and at most once a second when the fleet or the
 * libvirt reports change, or a pass of questions to ovs-vswitchd
 * (switch-poll.h) ends), formats /metrics (metrics.h) and
 * /api/fleet.json (fleet-json.h) and publishes both to the HTTP server
 * (http.h), whose own thread serves them.  Called from the main loop; it
 * never blocks it (reading /proc does not wait on anything but the
 * kernel). */

#include <stdbool.h>
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"

struct ds;
struct ovsdb_idl;
struct xfa_http_options;
struct xfa_switch_poll;

#define XFA_METRICS_PERIOD_MS 5000

struct xfa_metrics_server *xfa_metrics_server_create(
    const struct xfa_http_options *, const char *node, char **errorp);
void xfa_metrics_server_destroy(struct xfa_metrics_server *);

void xfa_metrics_server_run(struct xfa_metrics_server *,
                            struct ovsdb_idl *fleet_idl,
                            const struct shash *reports,
                            const struct shash *wants, bool libvirt_up,
                            const struct xfa_switch_poll *);
void xfa_metrics_server_wait(const struct xfa_metrics_server *);
void xfa_metrics_server_format(const struct xfa_metrics_server *,
                               struct ds *);

#endif /* xenflow/agent/metrics-server.h */

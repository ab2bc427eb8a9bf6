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

#ifndef XENFLOW_BRIDGES_H
#define XENFLOW_BRIDGES_H 1

/* The bridges with XenFlow enabled, built from each database snapshot.
 *
 * xf_bridges_reconfigure() reads a snapshot into a new model of every
 * XenFlow bridge (networks, trunks, VM ports resolved to OpenFlow ports),
 * keeps the flow set (flowsync) of bridges that stay enabled, lets the flows
 * of bridges that were turned off drain, and hands what it found about the
 * routers to routers.c.  It also keeps the configuration problems of the
 * latest snapshot for xenflow/show. */

#include <stdbool.h>

#include "openvswitch/hmap.h"
#include "xenflow/model.h"

struct ovsrec_open_vswitch;
struct sset;
struct svec;

struct xf_bridge *xf_bridge_find(const char *name);
struct xf_flowsync *xf_bridge_flows(const char *name);
const struct hmap *xf_bridges_map(void);
void xf_bridge_hold_port(const char *bridge, const char *network, ofp_port_t,
                         uint32_t router_id);
void xf_get_bridge_names(struct sset *);

#define XF_BRIDGE_FOR_EACH(BR) HMAP_FOR_EACH (BR, node, xf_bridges_map())

void xf_bridges_reconfigure(const struct ovsrec_open_vswitch *,
                            struct hmap *builds, struct svec *errors);
void xf_bridges_put_flows(void);
bool xf_bridges_main_thread_polls(void);
size_t xf_bridges_flows_pending(void);
void xf_bridges_run(void);
void xf_bridges_wait(void);
void xf_bridges_destroy(void);

/* Configuration problems of the latest snapshot, for xenflow/show. */
void xf_conf_problems_update(const struct svec *errors, struct svec *fresh);
const struct sset *xf_conf_problems(void);

struct ofproto_table_settings;
struct smap;
void xf_bridges_table_prefixes(const struct smap *other_config, int table_id,
                               struct ofproto_table_settings *);

#endif /* xenflow/bridges.h */

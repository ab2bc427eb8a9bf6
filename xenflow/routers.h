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

#ifndef XENFLOW_ROUTERS_H
#define XENFLOW_ROUTERS_H 1

/* The virtual routers of this switch: found by name, created, updated and
 * removed as the configuration says (their RIBs survive reconfiguration),
 * held by migrations, and their packet counters. */

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/hmap.h"

struct xf_router;

struct xf_router *xf_router_find(const char *name);
const struct hmap *xf_routers_map(void);
size_t xf_router_flows_pending(const struct xf_router *);
bool xf_router_flows_settled(const struct xf_router *);

#define XF_ROUTER_FOR_EACH(R) HMAP_FOR_EACH (R, node, xf_routers_map())

/* Applies 'builds' (struct xf_router_build, by name, from
 * xf_bridges_reconfigure()) to the routers, and destroys them. */
void xf_routers_reconfigure(struct hmap *builds);
void xf_routers_run(void);
void xf_routers_wait(void);
void xf_routers_destroy(void);

/* Ids kept across a restart (route-state.h). */
struct simap;
bool xf_routers_reserve_id(const char *name, uint32_t id,
                           const struct simap *iface_ids);
void xf_routers_reserve_clear(void);

/* Removes router 'r' and its flows at once (for a router whose interfaces
 * left the configuration while a migration held it). */
void xf_router_remove(struct xf_router *);

/* A migration out of this node holds 'r' from its start to its end, one
 * into it from the copy to the announcement: a held router whose
 * interfaces leave the configuration (its VM left, or libvirt replaces the
 * ports made ready for it by its own) keeps forwarding, and its tables,
 * "unconfigured", until the migration releases it. */
void xf_router_set_held(struct xf_router *, bool held);

/* While a migration pauses its VM, 'r''s control traffic is held
 * (xenflow/ctlhold.c). */
void xf_router_set_ctl_hold(struct xf_router *, bool hold);

/* The identity a xenflow-client must present to program 'r'. */
const char *xf_router_client_id(const struct xf_router *);

/* Packet counters of 'r', read from its flows in the switch, and how many
 * flows it has. */
struct xf_router_stats {
    unsigned long long routed_packets;  /* Forwarded by the switch. */
    unsigned long long slowpath_packets; /* Delivered to the router VM. */
    size_t flows;               /* Its flows in the bridge's flow set. */
    size_t flows_pending;       /* ...not yet in ofproto as wanted. */
};
struct xf_router_stats xf_router_stats(const struct xf_router *);

#endif /* xenflow/routers.h */

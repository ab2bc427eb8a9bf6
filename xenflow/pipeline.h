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

#ifndef XENFLOW_PIPELINE_H
#define XENFLOW_PIPELINE_H 1

/* Translation of XenFlow's model into OpenFlow flows.
 *
 * Tables (all proactive; no packet ever goes to a controller):
 *
 *   0    classify   VM port: tag with its network's VLAN, drop foreign tags.
 *                   Trunk: accept known network VLANs, drop other tags.
 *                   Reserved link-migration ARP (aa:aa:aa:aa:aa:aa): consumed;
 *                   from a trusted trunk it first pins the router MAC it
 *                   announces behind that trunk (table 204, priority 20).
 *                   Anything else falls through to the operator's flows.
 *   200  ingress    learn the source MAC's port in its network; a frame for
 *                   a router interface MAC enters that router (metadata =
 *                   router id, reg5 = the interface's VM port), anything
 *                   else is switched within the network.
 *   201  router     own addresses, TTL <= 1, ARP/ND, multicast, non-IP:
 *                   delivered to the VM (the slow path); IP goes on.
 *   202  route      longest-prefix match, one flow per route: next hop in
 *                   reg0 (IPv4) or xxreg0 (IPv6), egress interface's number
 *                   (xf_iface 'id', not its port) in reg6.  ECMP routes go
 *                   to a select group with one bucket per next hop.  No
 *                   route: delivered to the VM.
 *   203  neighbour  one flow per resolved neighbour: MAC rewrite, egress
 *                   VLAN, TTL decrement, then 206.  Unresolved: delivered
 *                   to the VM.
 *   204  l2-learned learned MAC locations: reg4 = port.
 *   205  egress     reg4 -> output (untagged to VM ports), or flood within
 *                   the network when reg4 is unknown.
 *   206  next router a routed frame whose new destination MAC is another
 *                   router interface of this bridge enters that router (201)
 *                   and is routed again in the switch; else 204, 205.
 *
 * A route change touches one flow in 202, a neighbour change one flow in
 * 203, whatever the number of routes that use the neighbour. */

#include <stdbool.h>
#include <stdint.h>

struct xf_bridge;
struct xf_flowsync;
struct xf_neigh;
struct xf_route;
struct xf_router;

/* OpenFlow tables (see above). */
enum xf_table {
    XF_TABLE_CLASSIFY = 0,
    XF_TABLE_INGRESS = 200,
    XF_TABLE_ROUTER = 201,
    XF_TABLE_ROUTE = 202,
    XF_TABLE_NEIGH = 203,
    XF_TABLE_L2 = 204,
    XF_TABLE_EGRESS = 205,
    XF_TABLE_NEXT_ROUTER = 206,
};

/* Flow priorities, by table. */
enum xf_priority {
    /* Every table's last resort. */
    XF_PRIO_MISS = 0,

    /* Table 0. */
    XF_PRIO_CLASSIFY_ANNOUNCE = 40110, /* Reserved ARP from a trusted trunk. */
    XF_PRIO_CLASSIFY_RESERVED = 40100, /* Reserved link-migration ARP. */
    XF_PRIO_CLASSIFY_ACCEPT = 40010,   /* A network's frame. */
    XF_PRIO_CLASSIFY_DROP = 40000,     /* A foreign tag. */

    /* Tables 200 and 206: a router interface's MAC. */
    XF_PRIO_ROUTER_MAC = 100,

    /* Table 201. */
    XF_PRIO_OWN_ADDR = 300,     /* The router's own addresses, ARP. */
    XF_PRIO_SLOW_PATH = 290,    /* TTL <= 1, multicast, broadcast. */
    XF_PRIO_ROUTED = 100,       /* IP: on to the routes. */

    /* Table 202: plus the prefix length, so that the longest wins. */
    XF_PRIO_ROUTE_BASE = 1000,

    /* Table 203. */
    XF_PRIO_NEIGH = 100,

    /* Table 204 (learned by "learn" actions). */
    XF_PRIO_PINNED = 20,        /* Pinned by a link-migration announcement. */
    XF_PRIO_LEARNED = 10,       /* Learned from traffic. */

    /* Table 205. */
    XF_PRIO_CLASS_QUEUE = 110,  /* A class of a network's flows. */
    XF_PRIO_DELIVERY = 100,     /* A known destination port. */
    XF_PRIO_FLOOD = 50,         /* Unknown destination. */
};

/* Cookie owners of table 0's link-migration announcement flows (above any
 * VLAN), whose packet counts xenflow/migrate/show reports. */
enum xf_announce_owner {
    XF_OWNER_ANNOUNCE_ACCEPTED = 0x10000,
    XF_OWNER_ANNOUNCE_DROPPED = 0x10001,
};

void xf_pipeline_bridge(const struct xf_bridge *, struct xf_flowsync *);
void xf_pipeline_router(const struct xf_router *, struct xf_flowsync *);
bool xf_pipeline_route_put(const struct xf_router *, const struct xf_route *,
                           struct xf_flowsync *);
void xf_pipeline_route_remove(const struct xf_router *,
                              const struct xf_route *, struct xf_flowsync *);
bool xf_pipeline_group_put(const struct xf_router *, uint32_t group_id,
                           const struct xf_route *, struct xf_flowsync *);
void xf_pipeline_group_remove(uint32_t group_id, struct xf_flowsync *);
bool xf_pipeline_neigh_put(const struct xf_router *, const struct xf_neigh *,
                           struct xf_flowsync *);
void xf_pipeline_neigh_remove(const struct xf_router *,
                              const struct xf_neigh *, struct xf_flowsync *);

#endif /* xenflow/pipeline.h */

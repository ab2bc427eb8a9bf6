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
 * Inside the switch a network is its id in reg7[0..23], never a tag: frames
 * are untagged from classification to output.  Only trunks carry networks
 * on the wire, each in its encapsulation (xenflow/encap.h): decapsulated in
 * tables 0, 196 and 197, encapsulated again by the egress flows' per-trunk
 * actions (xenflow/pipeline-trunk.c).
 *
 * Tables (all proactive; no packet ever goes to a controller):
 *
 *   0    classify   VM port: untagged frames (or tagged with the network's
 *                   id as VLAN, popped) load the network's id; anything
 *                   else is dropped.  Trunk: its tagged (802.1q, 802.1ad)
 *                   or labelled (mpls) frames go to 196 with the trunk's
 *                   encapsulation in reg8.  Reserved link-migration ARP
 *                   (aa:aa:aa:aa:aa:aa) from anywhere else: dropped.
 *                   Anything else falls through to the operator's flows.
 *   196  trunk      per network and encapsulation: the outer tag or label,
 *                   popped; 802.1q and mpls load the network's id and go to
 *                   198, 802.1ad loads the S-VLAN into reg9 and goes to 197.
 *                   Unknown tag or label: dropped, counted per trunk.
 *   197  c-tag      802.1ad: (S-VLAN, C-VLAN) -> network id, popped; unknown:
 *                   dropped, counted per trunk.
 *   198  admit      a frame still tagged after decapsulation (QinQ on an
 *                   802.1q trunk, a VM's double tag) is dropped (counted per
 *                   trunk); the reserved link-migration ARP is consumed, and
 *                   from a trusted trunk it first pins the router MAC it
 *                   announces behind that trunk in its network (table 204,
 *                   priority 20); everything else goes to 200.
 *   200  ingress    learn the source MAC's port in its network; a frame for
 *                   a router interface MAC enters that router (metadata =
 *                   router id, reg5 = the interface's VM port), anything
 *                   else is switched within the network.
 *   201  router     own addresses, TTL <= 1, ARP/ND, multicast, non-IP:
 *                   delivered to the VM (the slow path); IP goes on.
 *   202  route      longest-prefix match, one flow per route: next hop in
 *                   reg0 (IPv4) or xxreg0 (IPv6), egress interface's number
 *                   (xf_iface 'id', not its port) in reg1 (IPv4: one load
 *                   of xreg0 = reg0:reg1) or reg6 (IPv6).  ECMP routes go
 *                   to a select group with one bucket per next hop.  No
 *                   route: delivered to the VM.
 *   203  neighbour  one flow per resolved neighbour: MAC rewrite, egress
 *                   network (reg7), TTL decrement, then 206.  Unresolved:
 *                   delivered to the VM.
 *   204  l2-learned learned MAC locations: (reg7, dl_dst) -> reg4 = port.
 *   205  egress     (reg7, reg4) -> output (encapsulated to trunks), or
 *                   flood within the network when reg4 is unknown.
 *   206  next router a routed frame whose new destination MAC is another
 *                   router interface of this bridge enters that router (201)
 *                   and is routed again in the switch; else 204, 205.
 *
 * A route change touches one flow in 202, a neighbour change one flow in
 * 203, whatever the number of routes that use the neighbour. */

#include <stdbool.h>
#include <stdint.h>

#include "xenflow/pipeline-tables.h"

struct xf_bridge;
struct xf_flowsync;
struct xf_neigh;
struct xf_route;
struct xf_router;

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

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

#ifndef XENFLOW_FLEET_PLACEMENT_H
#define XENFLOW_FLEET_PLACEMENT_H 1

/* Placement: which node a virtual router should run on.  Pure: no
 * database, no I/O; xenflow-ctl fills these structures from the fleet
 * database and writes the answer back (router-add without a node,
 * node-evacuate), and checks a chosen node with xf_place_check().
 *
 * The algorithm (also in xenflow-ctl(8), "Placement"):
 *
 *   1. A node can take a router if it is available (admin_state "enabled",
 *      power "on" and not fenced: the caller says why not in
 *      'unavailable'), it is not the node being emptied, a trunk (Link)
 *      carrying each of the router's networks ends on it, and its free
 *      vCPUs and memory are at least the router's (capacity is not
 *      overcommitted).
 *   2. Among those, the least loaded after placing the router wins: load is
 *      the larger of the vCPU and memory fractions in use.  Ties go to the
 *      smaller name (strcmp), so the answer never depends on the order the
 *      database returned rows in.
 *   3. Many routers (an evacuation) are placed one at a time, largest first
 *      (memory, then vCPUs, then name), each placement counting for the
 *      next.  All or nothing: if one router has no node, none is moved and
 *      the reason names that router and why each node refused it. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/dynamic-string.h"
#include "sset.h"

struct xf_place_node {
    const char *name;
    const char *unavailable;    /* Why it takes no router, or NULL. */
    int cpus;                   /* Capacity for routers. */
    int memory_mb;
    int used_cpus;              /* Sum over the routers placed on it. */
    int used_memory_mb;
    struct sset networks;       /* Networks a trunk of this node carries. */
};

struct xf_place_router {
    const char *name;
    int vcpus;
    int memory_mb;
    struct sset networks;       /* Networks of its interfaces. */
    const struct xf_place_node *chosen;  /* Output of xf_place_all(). */
};

void xf_place_node_init(struct xf_place_node *, const char *name,
                        int cpus, int memory_mb);
void xf_place_node_destroy(struct xf_place_node *);
void xf_place_router_init(struct xf_place_router *, const char *name,
                          int vcpus, int memory_mb);
void xf_place_router_destroy(struct xf_place_router *);

bool xf_place_check(const struct xf_place_node *,
                    const struct xf_place_router *, struct ds *why);
void xf_place_assign(struct xf_place_node *, const struct xf_place_router *);

struct xf_place_node *xf_place_router(struct xf_place_node *nodes, size_t n,
                                      const struct xf_place_router *,
                                      const char *exclude, struct ds *why);
bool xf_place_all(struct xf_place_node *nodes, size_t n_nodes,
                  struct xf_place_router *routers, size_t n_routers,
                  const char *exclude, struct ds *why);

#endif /* xenflow/fleet/placement.h */

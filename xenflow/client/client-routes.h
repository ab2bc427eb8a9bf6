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


#ifndef XENFLOW_CLIENT_ROUTES_H
#define XENFLOW_CLIENT_ROUTES_H 1

/* The client table's routes: several sources may propose a route for one
 * prefix (the kernel's routes of different metrics, FRR's FPM, connected
 * routes derived from interface addresses); each proposal is a candidate
 * keyed by (prefix, source, metric) and the route sent for the prefix is the
 * candidate with the lowest metric, ties broken by source (enum order).
 * Candidates support mark and sweep per source, for resynchronising a
 * source.  A change of the candidate in use queues the route (see
 * client-table.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"
#include "packets.h"
#include "xenflow/addr.h"
#include "xenflow/client/client-table.h"

/* At most this many next hops per route (the protocol's limit); extra ones
 * are dropped (and counted) after sorting. */
#define CT_MAX_NEXTHOPS 16

struct ct_nexthop {
    bool has_gw;
    struct in6_addr gw;         /* Gateway (v4-mapped for IPv4) if 'has_gw'. */
    const char *dev;            /* Egress interface name, or NULL. */
};

void ct_route_set(struct ct_table *, const struct xf_prefix *,
                  enum ct_source, uint32_t metric,
                  const struct ct_nexthop *, size_t n);
void ct_route_unset(struct ct_table *, const struct xf_prefix *,
                    enum ct_source, uint32_t metric);

/* How ct_route_update() combines next hops with a candidate's, for sources
 * that report changes to part of a route (the kernel's IPv6 multipath
 * notifications, several aliases of one IPv4 route). */
enum ct_merge {
    CT_MERGE_REPLACE,           /* They replace the candidate's. */
    CT_MERGE_ADD,               /* Added to the candidate's, or replace them
                                 * if the candidate is stale (marked and not
                                 * updated since: the first sighting in a
                                 * re-read). */
    CT_MERGE_KEEP,              /* Set only if there is no candidate, or a
                                 * stale one: the first sighting wins. */
    CT_MERGE_REMOVE             /* Removed from the candidate's (a next hop
                                 * without device matches any device); none
                                 * given or none left: unset. */
};
void ct_route_update(struct ct_table *, const struct xf_prefix *,
                     enum ct_source, uint32_t metric,
                     const struct ct_nexthop *, size_t n, enum ct_merge);
void ct_routes_mark(struct ct_table *, enum ct_source);
size_t ct_routes_sweep(struct ct_table *, enum ct_source);

#endif /* xenflow/client/client-routes.h */

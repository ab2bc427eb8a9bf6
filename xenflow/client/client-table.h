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

#ifndef XENFLOW_CLIENT_TABLE_H
#define XENFLOW_CLIENT_TABLE_H 1

/* xenflow-client's view of the virtual router: its routes, neighbours and
 * interfaces, with the change tracking that feeds the XenFlow server.
 *
 * Pure data: no netlink, no sockets.  Sources (kernel-watch.c, fpm.c) set and
 * unset entries; the session (xenflow-client.c) drains what changed as
 * protocol "update" messages.  Snapshots and incremental updates come from the
 * same place, a queue of pending entries:
 *
 *   - Every entry whose state the server has not heard yet is in the
 *     pending queue once, however often it changed (bursts coalesce).  A
 *     removed entry stays as a tombstone until its withdrawal is sent, unless
 *     the server never heard of it, in which case it just disappears.
 *
 *   - ct_snapshot_start() forgets what the server knows (its "sync-begin"
 *     marks everything stale there), queues every entry followed by a
 *     barrier, and drops tombstones (the server's "sync-end" sweeps them).
 *     ct_next_update() stops at the barrier; the session then sends
 *     "sync-end" and calls ct_snapshot_finish().  Changes made while a
 *     snapshot is being sent simply join the queue, before or after the
 *     barrier.
 *
 * Routes: several sources may propose a route for one prefix (the kernel's
 * routes of different metrics, FRR's FPM, connected routes derived from
 * interface addresses); each proposal is a candidate keyed by (prefix,
 * source, metric) and the route sent for the prefix is the candidate with
 * the lowest metric, ties broken by source (enum order).  Candidates support
 * mark and sweep per source, for resynchronising a source. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"
#include "packets.h"
#include "xenflow/addr.h"

struct ct_table;
struct ds;
struct json;

/* At most this many next hops per route (the protocol's limit); extra ones
 * are dropped (and counted) after sorting. */
#define CT_MAX_NEXTHOPS 16

enum ct_source {
    CT_SRC_FPM,                 /* FRR's Forwarding Plane Manager. */
    CT_SRC_KERNEL,              /* The kernel's routing table. */
    CT_SRC_CONNECTED,           /* Derived from interface addresses. */
    CT_N_SOURCES
};

const char *ct_source_to_string(enum ct_source);
bool ct_source_from_string(const char *, enum ct_source *);

struct ct_nexthop {
    bool has_gw;
    struct in6_addr gw;         /* Gateway (v4-mapped for IPv4) if 'has_gw'. */
    const char *dev;            /* Egress interface name, or NULL. */
};

struct ct_table *ct_table_create(void);
void ct_table_destroy(struct ct_table *);

/* Routes. */
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

/* Neighbours, keyed by (dev, ip). */
void ct_neigh_set(struct ct_table *, const char *dev,
                  const struct in6_addr *ip, const struct eth_addr *mac);
void ct_neigh_unset(struct ct_table *, const char *dev,
                    const struct in6_addr *ip);
void ct_neighs_mark(struct ct_table *);
size_t ct_neighs_sweep(struct ct_table *);

/* Interfaces, replaced as a whole: ct_ifaces_begin(), then ct_iface_add()
 * and ct_iface_add_addr() for each, then ct_ifaces_commit(), which returns
 * true if the set differs from the previous one (interfaces, MACs or
 * addresses). */
void ct_ifaces_begin(struct ct_table *);
void ct_iface_add(struct ct_table *, const char *name,
                  const struct eth_addr *mac);
void ct_iface_add_addr(struct ct_table *, const char *name,
                       const struct in6_addr *, int plen);
bool ct_ifaces_commit(struct ct_table *);
uint64_t ct_ifaces_seqno(const struct ct_table *);
struct json *ct_ifaces_to_json(const struct ct_table *);

/* Draining changes. */
enum ct_pending {
    CT_PENDING_NONE,            /* Nothing to send. */
    CT_PENDING_ENTRIES,         /* Entries to send: ct_next_update(). */
    CT_PENDING_BARRIER          /* Snapshot fully queued: send sync-end. */
};

struct ct_update_counts {
    size_t routes;
    size_t routes_withdrawn;
    size_t neighs;
    size_t neighs_withdrawn;
};

void ct_snapshot_start(struct ct_table *);
enum ct_pending ct_pending(const struct ct_table *);
void ct_set_text_routes(struct ct_table *, bool);
struct json *ct_next_update(struct ct_table *, size_t max_entries,
                            size_t max_bytes, struct ct_update_counts *);
void ct_snapshot_finish(struct ct_table *);

/* Statistics and display. */
struct ct_stats {
    size_t n_routes;            /* Prefixes with at least one candidate. */
    size_t n_candidates[CT_N_SOURCES];
    size_t n_neighs;
    size_t n_ifaces;
    size_t n_pending;           /* Entries queued (including tombstones). */
    uint64_t n_nexthops_dropped; /* Beyond CT_MAX_NEXTHOPS. */
};
void ct_get_stats(const struct ct_table *, struct ct_stats *);
void ct_format(const struct ct_table *, struct ds *);

#endif /* xenflow/client/client-table.h */
